// slipway diff: the base revision's committed out/ (read from git) against what the working tree's
// environments render to now, both read by the same reader of output files.
import { readProjectConfig, schemaLocations } from '../config.ts';
import { hashContent, MANIFEST_FILE, serializeManifest } from '../emit/manifest.ts';
import type { Issue } from '../issues.ts';
import { hasErrors, sortIssues } from '../issues.ts';
import { DEFAULT_ENVIRONMENTS_DIR, listEnvironmentFiles, loadEnvironments, loadEnvironmentTexts } from '../load/load-environments.ts';
import type { Environment } from '../model/environment.ts';
import { renderAll } from '../render/registry.ts';
import { BaseRenderError, renderWithGeneratorAt } from './base-render.ts';
import { compareOutputs, type DiffReport } from './compare.ts';
import { environmentFilesAt, existsAt, filesAt, resolveRef } from './git.ts';
import type { OutputFiles } from './semantic.ts';

/** Where generate writes by default, relative to the working directory (commands/generate.ts). */
export const OUT_DIR = 'out';
export const HEAD_LABEL = 'working tree';

export type DiffResult = { report: DiffReport } | { invalid: { base: string; head: string; issues: Issue[] } };

export interface DiffOptions {
  readonly environmentsDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function diffAgainst(ref: string, options: DiffOptions = {}): DiffResult {
  const dir = options.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR;
  const env = options.env ?? process.env;
  const commit = resolveRef(ref);
  const loaded = loadEnvironments(listEnvironmentFiles(dir));
  if (hasErrors(loaded.issues)) return { invalid: { base: ref, head: HEAD_LABEL, issues: sortIssues(loaded.issues.filter((i) => i.severity === 'error')) } };
  // Exactly what `slipway generate` would write, without writing it.
  const head = rendered(loaded.environments);
  const problems: string[] = [];
  const base = baseOutput(commit, ref, dir, env, problems);
  const compared = compareOutputs(base, head, { base: ref, head: HEAD_LABEL });
  return { report: { base: ref, head: HEAD_LABEL, environments: compared.environments, files: compared.files, problems: [...problems, ...compared.problems] } };
}

/** renderAll plus the manifest emit writes next to the files. */
function rendered(environments: readonly Environment[]): Map<string, string> {
  const files = renderAll(environments);
  files.set(MANIFEST_FILE, serializeManifest(new Map([...files].map(([file, content]) => [file, hashContent(content)]))));
  return files;
}

/**
 * The base side: its committed out/; else what its own generator writes; else, stated as a problem,
 * its environment files rendered by this version.
 */
function baseOutput(commit: string, ref: string, dir: string, env: NodeJS.ProcessEnv, problems: string[]): OutputFiles {
  if (existsAt(commit, `${OUT_DIR}/${MANIFEST_FILE}`)) return filesAt(commit, OUT_DIR) ?? new Map();
  try {
    return renderWithGeneratorAt(commit, { env, schemaLocations: schemaLocations(undefined, env, readProjectConfig()) });
  } catch (e) {
    if (!(e instanceof BaseRenderError)) throw e;
    problems.push(
      `${OUT_DIR}/ is not committed at ${ref} and ${ref}'s own generator could not write it (${e.message}). The base side is rendered from ${ref}'s environment files by this version of Slipway instead, so changes made by the generator itself do not show; commit out/ on ${ref} to compare with what it holds.`,
    );
  }
  const loaded = loadEnvironmentTexts(environmentFilesAt(commit, dir));
  // An old file the current schema rejects cannot be rendered; it is reported, not fatal.
  for (const file of [...new Set(loaded.issues.filter((i) => i.severity === 'error').map((i) => i.file))]) {
    problems.push(`${file} at ${ref} does not validate with this version of Slipway, so it is left out of the comparison.`);
  }
  try {
    return rendered(loaded.environments);
  } catch (e) {
    problems.push(`${ref}'s environment files cannot be rendered by this version of Slipway (${(e as Error).message}), so the base side is empty.`);
    return new Map();
  }
}
