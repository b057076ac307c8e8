// Files that ship with the package and are read at run time (Terraform modules, schemas) are found
// from the package root, one level up from this module both in source (generator/package-root.ts,
// under tsx or vitest) and in the bundle (dist/*.js, scripts/build.ts).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A file inside the package, e.g. packagePath('terraform/modules/aks/main.tf'). */
export const packagePath = (relative: string) => path.join(packageRoot, relative);
