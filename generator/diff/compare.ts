// The diff of two output trees, per environment: Terraform inputs, releases, Kubernetes objects,
// dangers, and every other file that differs, so nothing under out/ changes unseen.
import { MANIFEST_FILE } from '../emit/manifest.ts';
import { dangers, type Danger } from './dangers.ts';
import { parseDocuments, type ParseCache } from '../kustomize/build.ts';
import type { RenderedRelease } from './rendered.ts';
import { changes, partition, same, semantic, type Change, type OutputFiles, type SemanticEnvironment } from './semantic.ts';

/** Files relative to out/. */
export interface FileChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export interface EnvironmentDiff {
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Changed module inputs, path "<stack>.<module>.<input>...". */
  readonly terraform: readonly Change[];
  readonly releases: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly versions: ReadonlyArray<{ release: string; old: string; new: string }>;
    readonly values: ReadonlyArray<Change & { release: string }>;
  };
  readonly objects: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed: ReadonlyArray<{ key: string; paths: readonly string[] }>;
  };
  /**
   * What the releases' charts render differently (helm template), per release with a change; absent
   * when rendered objects were not compared for this environment (see DiffReport.rendering).
   */
  readonly rendered?: readonly RenderedRelease[];
  /** Files of the environment that differ in a way the lists above do not show. */
  readonly files: FileChanges;
  readonly dangers: readonly Danger[];
}

export interface DiffReport {
  readonly base: string;
  readonly head: string;
  readonly environments: readonly EnvironmentDiff[];
  /** Files outside every environment (out/base, out/modules, ...) that differ in a way no environment's diff shows. */
  readonly files: FileChanges;
  /** What could not be compared, and why. */
  readonly problems: readonly string[];
  /**
   * Whether the objects the charts render were compared: off with --no-render, unavailable when
   * helm or a chart could not be had (problems says why).
   */
  readonly rendering: 'compared' | 'off' | 'unavailable';
}

export interface Sides {
  readonly base: string;
  readonly head: string;
}

const NO_FILES: FileChanges = { added: [], removed: [], changed: [] };
const isYaml = (file: string) => /\.ya?ml$/.test(file);
const sorted = (list: Iterable<string>) => [...list].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

export function compareOutputs(base: OutputFiles, head: OutputFiles, sides: Sides): Pick<DiffReport, 'environments' | 'files' | 'problems'> {
  const a = partition(base);
  const b = partition(head);
  const problems: string[] = [];
  // Most files are the same on both sides: each distinct content is parsed once.
  const cache: ParseCache = new Map();
  const differs = (file: string) => base.get(file) !== head.get(file);
  const sharedChanges = sorted(new Set([...a.shared, ...b.shared])).filter(differs);
  // A shared YAML file may be a base every environment's kustomizations read: then no environment
  // can be skipped as unchanged on its own files alone.
  const basesChanged = sharedChanges.some(isYaml);

  // Which files each side's models read, for the shared files below (the models themselves are let go).
  const readOnBase = new Set<string>();
  const readOnHead = new Set<string>();
  const environments = sorted(new Set([...a.environments.keys(), ...b.environments.keys()])).map((name): EnvironmentDiff => {
    const pathsA = a.environments.get(name);
    const pathsB = b.environments.get(name);
    if (pathsA && pathsB && !basesChanged && pathsA.length === pathsB.length && pathsA.every((f) => head.has(f) && !differs(f))) {
      return { name, status: 'unchanged', terraform: [], releases: { added: [], removed: [], versions: [], values: [] }, objects: { added: [], removed: [], changed: [] }, files: NO_FILES, dangers: [] };
    }
    const sa = pathsA && semantic(base, name, pathsA, sides.base, cache);
    const sb = pathsB && semantic(head, name, pathsB, sides.head, cache);
    for (const f of sa?.sources ?? []) readOnBase.add(f);
    for (const f of sb?.sources ?? []) readOnHead.add(f);
    problems.push(...(sa?.problems ?? []), ...(sb?.problems ?? []));
    const diff = environmentDiff(name, sa, sb);
    const files = fileChanges(sorted(new Set([...(pathsA ?? []), ...(pathsB ?? [])])).filter(differs), base, head, (file) => covered(file, diff, sa, sb, base, head, cache));
    const any = diff.terraform.length + diff.releases.added.length + diff.releases.removed.length + diff.releases.versions.length + diff.releases.values.length + diff.objects.added.length + diff.objects.removed.length + diff.objects.changed.length + files.added.length + files.removed.length + files.changed.length > 0;
    return { ...diff, files, status: !sa ? 'added' : !sb ? 'removed' : any ? 'changed' : 'unchanged' };
  });

  // A shared file is shown through the environments when it is a source of their objects and those changed.
  const objectsChanged = environments.some((e) => e.objects.added.length + e.objects.removed.length + e.objects.changed.length > 0);
  const files = fileChanges(sharedChanges, base, head, (file) => {
    if (file === MANIFEST_FILE) return sameManifest(base.get(file), head.get(file));
    return objectsChanged && isYaml(file) && (!base.has(file) || readOnBase.has(file)) && (!head.has(file) || readOnHead.has(file)) && !sameDocuments(base.get(file), head.get(file), cache);
  });
  return { environments, files, problems };
}

function environmentDiff(name: string, sa: SemanticEnvironment | undefined, sb: SemanticEnvironment | undefined): Omit<EnvironmentDiff, 'files' | 'status'> {
  const empty: SemanticEnvironment = { terraform: {}, terraformRest: {}, objects: {}, releases: {}, sources: new Set(), problems: [] };
  const x = sa ?? empty;
  const y = sb ?? empty;
  // Objects and releases are compared only when both sides could be built.
  const built = x.objects !== undefined && y.objects !== undefined;
  const xo = (built && x.objects) || {};
  const yo = (built && y.objects) || {};
  const xr = (built && x.releases) || {};
  const yr = (built && y.releases) || {};
  const releaseNames = sorted(new Set([...Object.keys(xr), ...Object.keys(yr)]));
  const kept = releaseNames.filter((r) => r in xr && r in yr);
  const objectKeys = sorted(new Set([...Object.keys(xo), ...Object.keys(yo)]));
  return {
    name,
    terraform: changes(x.terraform, y.terraform),
    releases: {
      added: releaseNames.filter((r) => !(r in xr)),
      removed: releaseNames.filter((r) => !(r in yr)),
      versions: kept.filter((r) => xr[r]!.version !== yr[r]!.version).map((r) => ({ release: r, old: xr[r]!.version, new: yr[r]!.version })),
      values: kept.flatMap((r) => changes(xr[r]!.values, yr[r]!.values).map((c) => ({ ...c, release: r }))),
    },
    objects: {
      added: objectKeys.filter((k) => !(k in xo)),
      removed: objectKeys.filter((k) => !(k in yo)),
      changed: objectKeys
        .filter((k) => k in xo && k in yo)
        .map((k) => ({ key: k, paths: changes(xo[k], yo[k]).map((c) => c.path) }))
        .filter((c) => c.paths.length > 0),
    },
    dangers: dangers(name, sa, sb),
  };
}

function fileChanges(differing: readonly string[], base: OutputFiles, head: OutputFiles, shown: (file: string) => boolean): FileChanges {
  const unseen = differing.filter((f) => !shown(f));
  return { added: unseen.filter((f) => !base.has(f)), removed: unseen.filter((f) => !head.has(f)), changed: unseen.filter((f) => base.has(f) && head.has(f)) };
}

/**
 * Whether the semantic lists show what changed in this file of an environment: the file is read
 * whole into the model on both sides where it exists, its parsed content differs, and the part of
 * the model it feeds changed. A file that differs only in form (comments, quoting, order) is listed.
 */
function covered(file: string, diff: Omit<EnvironmentDiff, 'files' | 'status'>, sa: SemanticEnvironment | undefined, sb: SemanticEnvironment | undefined, base: OutputFiles, head: OutputFiles, cache: ParseCache): boolean {
  const read = (s: SemanticEnvironment | undefined, tree: OutputFiles) => !tree.has(file) || (s?.sources.has(file) ?? false);
  const terraform = /^[^/]+\/terraform\/([^/]+)\/(main\.tf|terraform\.tfvars\.json)$/.exec(file);
  if (terraform) {
    const [, stack, name] = terraform;
    const stackChanged = diff.terraform.some((c) => c.path.startsWith(`${stack}.`));
    if (name === 'main.tf') return stackChanged && sa?.terraformRest[stack!] !== undefined && sa.terraformRest[stack!] === sb?.terraformRest[stack!];
    return stackChanged && read(sa, base) && read(sb, head) && !sameJson(base.get(file), head.get(file));
  }
  const objectsChanged = diff.objects.added.length + diff.objects.removed.length + diff.objects.changed.length > 0;
  return objectsChanged && isYaml(file) && read(sa, base) && read(sb, head) && !sameDocuments(base.get(file), head.get(file), cache);
}

function sameJson(x: string | undefined, y: string | undefined): boolean {
  if (x === undefined || y === undefined) return false;
  try {
    return same(JSON.parse(x), JSON.parse(y));
  } catch {
    return false;
  }
}

function sameDocuments(x: string | undefined, y: string | undefined, cache: ParseCache): boolean {
  if (x === undefined || y === undefined) return false;
  try {
    return same(parseDocuments(x, cache), parseDocuments(y, cache));
  } catch {
    return false;
  }
}

/** The manifest's file list is a digest of the tree, compared file by file already; the rest must match. */
function sameManifest(x: string | undefined, y: string | undefined): boolean {
  if (x === undefined || y === undefined) return false;
  try {
    const { files: _x, ...restX } = JSON.parse(x) as Record<string, unknown>;
    const { files: _y, ...restY } = JSON.parse(y) as Record<string, unknown>;
    return same(restX, restY);
  } catch {
    return false;
  }
}
