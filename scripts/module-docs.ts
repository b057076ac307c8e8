// Derived from the module HCL, kept in sync by tests:
//   terraform/modules/*/README.md    Inputs and Outputs tables, between the BEGIN/END markers
//   terraform/modules/interfaces.json the variables (types, required) and outputs the renderer uses
//   npx tsx scripts/module-docs.ts          write
//   npx tsx scripts/module-docs.ts --check  exit 1 when anything is stale
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { moduleDirs } from '../test/helpers/hcl.ts';
import { moduleInterface, moduleReadmeTables } from '../test/helpers/module-docs.ts';

export const MODULES_DIR = 'terraform/modules';
export const INTERFACES_FILE = `${MODULES_DIR}/interfaces.json`;

export async function expectedInterfaces(): Promise<string> {
  const modules: Record<string, unknown> = {};
  for (const dir of moduleDirs(MODULES_DIR)) modules[path.relative(MODULES_DIR, dir).split(path.sep).join('/')] = await moduleInterface(dir);
  return `${JSON.stringify({ note: 'Derived from the module HCL by scripts/module-docs.ts; do not edit.', modules }, null, 2)}\n`;
}

export async function expectedReadme(dir: string): Promise<string> {
  const current = readFileSync(path.join(dir, 'README.md'), 'utf8');
  return current.replace(/<!-- BEGIN_TF_DOCS -->[\s\S]*<!-- END_TF_DOCS -->/, `<!-- BEGIN_TF_DOCS -->\n${await moduleReadmeTables(dir)}<!-- END_TF_DOCS -->`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const targets: Array<[string, string]> = [[INTERFACES_FILE, await expectedInterfaces()]];
  for (const dir of moduleDirs(MODULES_DIR)) targets.push([path.join(dir, 'README.md'), await expectedReadme(dir)]);
  const stale = targets.filter(([file, content]) => {
    try {
      return readFileSync(file, 'utf8') !== content;
    } catch {
      return true;
    }
  });
  for (const [file, content] of stale) {
    if (check) console.error(`${file} is out of date: run npx tsx scripts/module-docs.ts`);
    else writeFileSync(file, content);
  }
  if (check && stale.length) process.exit(1);
  console.log(check ? 'Module docs and interfaces are up to date.' : `Updated ${stale.length} file(s).`);
}
