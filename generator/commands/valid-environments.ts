// What commands that act on resolved environments (preflight, verify) start from: every file
// loaded, nothing done while one has an error, and --env narrowing the set to one.
import { formatIssuesText, useColor } from '../format/text.ts';
import { hasErrors } from '../issues.ts';
import { DEFAULT_ENVIRONMENTS_DIR, listEnvironmentFiles, loadEnvironments } from '../load/load-environments.ts';
import type { Environment } from '../model/environment.ts';
import { UsageError, type Io } from './command.ts';

/** The environments --env selects (all when it is absent), or exit 1 after printing why there are none to use. */
export function validEnvironments(io: Io, only: string | undefined, onErrors = ''): { readonly all: readonly Environment[]; readonly selected: readonly Environment[] } | 1 {
  const files = listEnvironmentFiles(DEFAULT_ENVIRONMENTS_DIR);
  if (files.length === 0) {
    io.stderr.write(`No environment files found in ${DEFAULT_ENVIRONMENTS_DIR}/ (expected <name>.yaml).\n`);
    return 1;
  }
  const loaded = loadEnvironments(files);
  if (hasErrors(loaded.issues)) {
    io.stderr.write(formatIssuesText(loaded.issues, files.length, { color: useColor(io.stderr, io.env) }) + onErrors);
    return 1;
  }
  const selected = only === undefined ? loaded.environments : loaded.environments.filter((e) => e.name === only);
  if (selected.length === 0) throw new UsageError(`There is no environment named "${only}"; known: ${loaded.environments.map((e) => e.name).join(', ')}.`);
  return { all: loaded.environments, selected };
}
