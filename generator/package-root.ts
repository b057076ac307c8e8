// Files that ship with the package and are read at run time (Terraform modules, templates, schemas)
// are found from the package root, whether the code runs from source (generator/*.ts under tsx or
// vitest) or compiled (dist/generator/*.js): one level up in the first case, two in the second.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

export const packageRoot = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');

/** A file inside the package, e.g. packagePath('terraform/modules/aks/main.tf'). */
export const packagePath = (relative: string) => path.join(packageRoot, relative);
