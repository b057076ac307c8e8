// The first line of every environment file: the yaml-language-server $schema comment that gives
// editors completion and checks. init writes it and the loader's hint suggests it, from one function.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { JSON_SCHEMA_PATH } from '../../schema/json-schema.ts';
import { packageRoot } from '../package-root.ts';

export const SCHEMA_COMMENT = /^# yaml-language-server: \$schema=\S+/;

const PACKAGE_NAME = 'slipway';

/**
 * The relative path from `dir` (the folder of an environment file) to the package's
 * schema/environment.schema.json, so it resolves in every clone of the repository:
 * - ../schema/environment.schema.json inside Slipway's own repository;
 * - ../node_modules/slipway/schema/environment.schema.json where Slipway is installed, through the
 *   node_modules/slipway link name even when it is a symlink (pnpm, npm link), whose target would
 *   name a version folder or a machine path;
 * - the same node_modules path when Slipway runs from outside the project (npx, a global install):
 *   it resolves once Slipway is a dev dependency, and no machine path is written into the repository.
 */
export function schemaPathFrom(dir: string, packageDir: string = packageRoot, projectDir: string = process.cwd()): string {
  const from = path.resolve(dir);
  const pkg = path.resolve(packageDir);
  const project = path.resolve(projectDir);
  const installed = installedAt(from, pkg);
  const base = installed ?? (isInside(pkg, project) ? pkg : path.join(project, 'node_modules', PACKAGE_NAME));
  return path.relative(from, path.join(base, JSON_SCHEMA_PATH)).split(path.sep).join('/');
}

/** The whole first line for a file in `dir`. */
export const schemaCommentLine = (dir: string) => `# yaml-language-server: $schema=${schemaPathFrom(dir)}`;

/** node_modules/slipway in `dir` or an ancestor, when it is this package. */
function installedAt(dir: string, pkg: string): string | undefined {
  const real = realpath(pkg) ?? pkg;
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', PACKAGE_NAME);
    if (candidate === pkg || realpath(candidate) === real) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

const isInside = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

function realpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
