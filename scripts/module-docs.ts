// Writes the Inputs and Outputs tables of every module README from variables.tf and outputs.tf,
// between the BEGIN/END markers; the prose around them is hand-written.
//   npx tsx scripts/module-docs.ts          write
//   npx tsx scripts/module-docs.ts --check  exit 1 when a README is stale
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { moduleReadmeTables } from '../test/helpers/module-docs.ts';
import { moduleDirs } from '../test/helpers/hcl.ts';

const check = process.argv.includes('--check');
let stale = 0;
for (const dir of moduleDirs('terraform/modules')) {
  const file = path.join(dir, 'README.md');
  const current = readFileSync(file, 'utf8');
  const next = current.replace(/<!-- BEGIN_TF_DOCS -->[\s\S]*<!-- END_TF_DOCS -->/, `<!-- BEGIN_TF_DOCS -->\n${await moduleReadmeTables(dir)}<!-- END_TF_DOCS -->`);
  if (next === current) continue;
  stale++;
  if (check) console.error(`${file} is out of date: run npx tsx scripts/module-docs.ts`);
  else writeFileSync(file, next);
}
if (check && stale) process.exit(1);
console.log(check ? 'Module READMEs are up to date.' : `Updated ${stale} README(s).`);
