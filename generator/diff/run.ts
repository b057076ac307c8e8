// Renders the environments at a git revision and in the working tree and compares them.
import { DEFAULT_ENVIRONMENTS_DIR, listEnvironmentFiles, loadEnvironments, loadEnvironmentTexts } from '../load/load-environments.ts';
import type { Issue } from '../issues.ts';
import { hasErrors } from '../issues.ts';
import { compareEnvironments, type DiffReport } from './compare.ts';
import { environmentFilesAt, resolveRef } from './git.ts';

export type DiffResult = { report: DiffReport } | { headIssues: Issue[] };

export function diffAgainst(ref: string, dir = DEFAULT_ENVIRONMENTS_DIR): DiffResult {
  const commit = resolveRef(ref);
  const head = loadEnvironments(listEnvironmentFiles(dir));
  if (hasErrors(head.issues)) return { headIssues: head.issues.filter((i) => i.severity === 'error') };
  const base = loadEnvironmentTexts(environmentFilesAt(commit, dir));
  // An old file the current schema rejects cannot be compared; it is reported, not fatal.
  const broken = [...new Set(base.issues.filter((i) => i.severity === 'error').map((i) => i.file))];
  const problems = broken.map((f) => `${f} at ${ref} does not validate with this version of Slipway, so it is left out of the comparison.`);
  const environments = compareEnvironments(base.environments, head.environments);
  return { report: { base: ref, head: 'working tree', environments, problems } };
}
