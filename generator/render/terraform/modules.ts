// out/modules/: the Terraform modules that ship with Slipway, copied next to the stacks that call
// them. A consumer repository has no terraform/modules of its own, so the stacks call these copies
// (source = "../../../modules/<module>"); they are the modules of the Slipway version that rendered
// the stacks, and a module change reaches reviewers as a change under out/ like any other.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { packagePath } from '../../package-root.ts';
import { GENERATED_HEADER } from '../yaml.ts';

export const MODULES_DIR = 'modules';
const SOURCE_DIR = 'terraform/modules';

/** Where a stack in out/<env>/terraform/<stack>/ finds a module. */
export const moduleSource = (module: string) => `../../../${MODULES_DIR}/${module}`;

let copies: ReadonlyMap<string, string> | undefined;

/** out/modules/<module>/<file> for every .tf and README.md of the shipped modules, with the generated header. */
export function moduleCopies(): ReadonlyMap<string, string> {
  if (copies) return copies;
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(packagePath(path.posix.join(SOURCE_DIR, rel))).sort()) {
      const child = rel ? `${rel}/${entry}` : entry;
      const abs = packagePath(`${SOURCE_DIR}/${child}`);
      if (statSync(abs).isDirectory()) walk(child);
      else if (entry.endsWith('.tf') || entry === 'README.md') out.set(`${MODULES_DIR}/${child}`, withHeader(child, readFileSync(abs, 'utf8')));
    }
  };
  walk('');
  return (copies = out);
}

function withHeader(file: string, content: string): string {
  const note = `copy of ${SOURCE_DIR}/${file} as shipped with Slipway`;
  return file.endsWith('.md') ? `<!-- ${GENERATED_HEADER.slice(2)}: ${note} -->\n\n${content}` : `${GENERATED_HEADER}: ${note}\n\n${content}`;
}
