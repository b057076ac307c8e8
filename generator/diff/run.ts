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
import { compareOutputs, type DiffReport, type EnvironmentDiff } from './compare.ts';
import { environmentFilesAt, existsAt, filesAt, resolveRef } from './git.ts';
import { compareRendered, type RenderSettings } from './rendered.ts';
import { partition, type OutputFiles } from './semantic.ts';

/** Where generate writes by default, relative to the working directory (commands/generate.ts). */
export const OUT_DIR = 'out';
export const HEAD_LABEL = 'working tree';

export type DiffResult = { report: DiffReport } | { invalid: { base: string; head: string; issues: Issue[] } };

export interface DiffOptions {
  readonly environmentsDir?: string;
  /**
   * Compare against what this revision committed (out/ and its environment files) instead of
   * rendering the working tree: how a pull request is diffed by its base branch's generator, so a
   * change to the diff itself cannot hide its own danger flags (the checks prove that the head's
   * committed out/ is what its generator writes).
   */
  readonly headRef?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Render the releases' charts on both sides and compare the objects (rendered.ts); off when absent or false. */
  readonly render?: RenderSettings | false;
}

export async function diffAgainst(ref: string, options: DiffOptions = {}): Promise<DiffResult> {
  const dir = options.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR;
  const env = options.env ?? process.env;
  const commit = resolveRef(ref);
  const headLabel = options.headRef ?? HEAD_LABEL;
  const loaded = options.headRef ? loadEnvironmentTexts(environmentFilesAt(resolveRef(options.headRef), dir)) : loadEnvironments(listEnvironmentFiles(dir));
  if (hasErrors(loaded.issues)) return { invalid: { base: ref, head: headLabel, issues: sortIssues(loaded.issues.filter((i) => i.severity === 'error')) } };
  // Exactly what `slipway generate` would write, without writing it; or what the head committed.
  const head = options.headRef ? committedOutput(resolveRef(options.headRef), options.headRef) : rendered(loaded.environments);
  const problems: string[] = [];
  const base = baseOutput(commit, ref, dir, env, problems, head);
  const compared = compareOutputs(base, head, { base: ref, head: headLabel });
  problems.push(...compared.problems);
  if (!options.render) return { report: { base: ref, head: headLabel, environments: compared.environments, files: compared.files, problems, rendering: 'off' } };

  const differing = [...new Set([...base.keys(), ...head.keys()])].filter((f) => base.get(f) !== head.get(f));
  const shared = new Set([...partition(base).shared, ...partition(head).shared]);
  const changed = loaded.environments.filter((m) => compared.environments.some((e) => e.name === m.name && e.status === 'changed') && rendersDiffer(m.name, differing, shared));
  const result = await compareRendered(
    { label: ref, files: base, environments: changed.map((m) => asOnBase(m, base)) },
    { label: options.headRef ?? `the ${HEAD_LABEL}`, files: head, environments: changed },
    options.render,
    env,
  );
  if (!result.ok) {
    problems.push(`Rendered objects are not compared (helm template): ${result.reason.replace(/\.$/, '')}. The rest of this diff is complete; --no-render skips rendering.`);
    return { report: { base: ref, head: headLabel, environments: compared.environments, files: compared.files, problems, rendering: 'unavailable' } };
  }
  problems.push(...result.problems);
  const environments = compared.environments.map((e): EnvironmentDiff => {
    if (e.status === 'unchanged' || (e.status === 'changed' && !changed.some((m) => m.name === e.name))) return { ...e, rendered: [] };
    const r = result.environments.get(e.name);
    return r ? { ...e, rendered: r.releases, dangers: [...e.dangers, ...r.dangers] } : e;
  });
  return { report: { base: ref, head: headLabel, environments, files: compared.files, problems, rendering: 'compared' } };
}

/**
 * Whether an environment's rendered objects can differ: equal inputs render equal objects, and the
 * engine reads the Flux folders (with the shared bases they build on) and the Terraform stacks'
 * inputs (post-build variables, client IDs, the Kubernetes version). A change elsewhere (a module's
 * main.tf, helmfile) renders nothing new. Environments added or removed are not rendered: every
 * object would be listed.
 */
function rendersDiffer(name: string, differing: readonly string[], shared: ReadonlySet<string>): boolean {
  const read = (file: string) =>
    file.startsWith(`${name}/flux/`) || (file.startsWith(`${name}/terraform/`) && file.endsWith('/terraform.tfvars.json')) || (shared.has(file) && /\.ya?ml$/.test(file));
  return differing.some(read);
}

/**
 * The model the engine renders the base side of an environment with: the base has no model of its
 * own (its out/ may come from another generator), so the working tree's, with the Kubernetes
 * version the base's aks stack sets (helm renders against it).
 */
function asOnBase(model: Environment, base: OutputFiles): Environment {
  let version: unknown;
  try {
    version = (JSON.parse(base.get(`${model.name}/terraform/aks/terraform.tfvars.json`) ?? '{}') as { kubernetes_version?: unknown }).kubernetes_version;
  } catch {
    version = undefined;
  }
  return typeof version === 'string' && version !== model.aks.kubernetesVersion ? { ...model, aks: { ...model.aks, kubernetesVersion: version } } : model;
}

/** The out/ a head revision committed: without one there is nothing of its own to compare. */
function committedOutput(commit: string, ref: string): OutputFiles {
  if (!existsAt(commit, `${OUT_DIR}/${MANIFEST_FILE}`)) throw new HeadWithoutOutputError(`${ref} has no committed ${OUT_DIR}/ (no ${OUT_DIR}/${MANIFEST_FILE}); run "slipway generate" there and commit it, or compare the working tree (omit --head).`);
  return filesAt(commit, OUT_DIR) ?? new Map();
}

export class HeadWithoutOutputError extends Error {}

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
function baseOutput(commit: string, ref: string, dir: string, env: NodeJS.ProcessEnv, problems: string[], head: OutputFiles): OutputFiles {
  if (existsAt(commit, `${OUT_DIR}/${MANIFEST_FILE}`)) return filesAt(commit, OUT_DIR, undefined, head) ?? new Map();
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
