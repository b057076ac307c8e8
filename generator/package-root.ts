// Files that ship with the package and are read at run time (Terraform modules, schemas) are found
// from the package root: one level up from this module in source (generator/, under tsx or vitest),
// two in the bundle (dist/generator/, where scripts/build.ts defines SLIPWAY_PACKAGE_ROOT).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

declare const SLIPWAY_PACKAGE_ROOT: string | undefined;
const up = typeof SLIPWAY_PACKAGE_ROOT === 'string' ? SLIPWAY_PACKAGE_ROOT : '..';

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), up);

/** A file inside the package, e.g. packagePath('terraform/modules/aks/main.tf'). */
export const packagePath = (relative: string) => path.join(packageRoot, relative);
