// The objects the releases' charts render, compared per environment and per HelmRelease: both sides
// go through the verify engine (verify/cluster.ts: every HelmRelease rendered with its real pinned
// chart by helm template, as helm-controller installs it), keyed by release + kind/namespace/name.
// Only environments whose files differ are rendered: equal files give equal renders.
import type { KubeObject } from '../catalog/types.ts';
import type { ChartDir } from '../charts/chart-dir.ts';
import { EnvironmentError } from '../commands/command.ts';
import type { Environment } from '../model/environment.ts';
import { buildClusterStatesOf, type ClusterStates, type VerifyOptions } from '../verify/cluster.ts';
import type { ClusterState, VerifyFinding } from '../verify/types.ts';
import { renderedDangers, type RenderedChange } from './rendered-dangers.ts';
import type { Danger } from './dangers.ts';
import { same, type OutputFiles } from './semantic.ts';

/** What one HelmRelease's chart renders differently; objects as kind/namespace/name. */
export interface RenderedRelease {
  /** The HelmRelease's name, as in the releases section. */
  readonly release: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** YAML-style paths (keys with dots or slashes in brackets), at most MAX_PATHS; morePaths counts the rest. */
  readonly changed: ReadonlyArray<{ readonly key: string; readonly paths: readonly string[]; readonly morePaths?: number }>;
}

/** Where charts and helm come from (verify's lookup: commands/diff.ts resolves --charts, SLIPWAY_CHART_DIR, chartDir). */
export interface RenderSettings {
  readonly chartDir?: ChartDir | undefined;
  /** The cache root, instead of SLIPWAY_CACHE_DIR or the XDG cache. */
  readonly cacheDir?: string | undefined;
  /** Per helm process. */
  readonly timeoutMs?: number;
}

/** Paths kept per changed object (a chart bump rewrites thousands of CRD descriptions). */
export const MAX_PATHS = 50;

type Path = ReadonlyArray<string | number>;

/**
 * Values helm renders differently on every run for the same input, left out of the comparison
 * (see the diff's help). With the shipped catalog none appear: two renders of every example
 * release give the same objects. These are the places the pinned charts draw random values or
 * time: grafana (kube-prometheus-stack's subchart) generates its admin password and its image
 * renderer's token with randAlphaNum when `lookup` finds no existing Secret, which is always the
 * case under helm template (the cluster keeps its value), and hashes that Secret into a pod
 * annotation. No pinned chart uses genCA, genSelfSignedCert, now, date, uuidv4 or randBytes
 * (ingress-nginx and kube-prometheus-stack make their webhook certificates in hook Jobs).
 */
export const UNSTABLE_VALUES: ReadonlyArray<{ readonly kinds: readonly string[]; readonly app: string; readonly path: Path; readonly why: string }> = [
  { kinds: ['Secret'], app: 'grafana', path: ['data', 'admin-password'], why: 'grafana: randAlphaNum 40 unless admin.existingSecret or adminPassword is set' },
  { kinds: ['Secret'], app: 'grafana-image-renderer', path: ['data', 'token'], why: 'grafana image renderer: randAlphaNum 40 for its token' },
  { kinds: ['Deployment', 'StatefulSet'], app: 'grafana', path: ['spec', 'template', 'metadata', 'annotations', 'checksum/secret'], why: 'sha256 of the Secret with the generated password' },
];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sorted = (list: Iterable<string>) => [...list].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
export const renderedKey = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** controller.replicaCount, containers[0].env, metadata.labels["app.kubernetes.io/name"]. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Leaf changes as in semantic.ts changes(): maps by key, lists by index when their length is unchanged. */
function changedPaths(a: unknown, b: unknown, prefix: Path = []): Path[] {
  if (same(a, b)) return [];
  if (isMap(a) && isMap(b)) {
    return sorted(new Set([...Object.keys(a), ...Object.keys(b)])).flatMap((k) => (k in a && k in b ? changedPaths(a[k], b[k], [...prefix, k]) : [[...prefix, k]]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => changedPaths(x, b[i], [...prefix, i]));
  return [prefix];
}

const unstable = (o: KubeObject, path: Path) =>
  UNSTABLE_VALUES.some((u) => u.kinds.includes(o.kind) && o.metadata.labels?.['app.kubernetes.io/name'] === u.app && u.path.length === path.length && u.path.every((s, i) => s === path[i]));

/** Release name -> object key -> object. */
export type ReleaseObjects = ReadonlyMap<string, ReadonlyMap<string, KubeObject>>;

/** The comparison of two sides' rendered objects, with the dangers it shows. */
export function compareReleases(base: ReleaseObjects, head: ReleaseObjects): { releases: RenderedRelease[]; dangers: Danger[] } {
  const releases: RenderedRelease[] = [];
  const changes: RenderedChange[] = [];
  for (const release of sorted(new Set([...base.keys(), ...head.keys()]))) {
    const a = base.get(release) ?? new Map<string, KubeObject>();
    const b = head.get(release) ?? new Map<string, KubeObject>();
    const diff = { release, added: [] as string[], removed: [] as string[], changed: [] as Array<RenderedRelease['changed'][number]> };
    for (const key of sorted(new Set([...a.keys(), ...b.keys()]))) {
      const before = a.get(key);
      const after = b.get(key);
      if (!before) diff.added.push(key);
      else if (!after) diff.removed.push(key);
      else {
        const paths = changedPaths(before, after).filter((p) => !unstable(after, p));
        if (paths.length === 0) continue;
        const shown = paths.slice(0, MAX_PATHS).map(formatPath);
        diff.changed.push(paths.length > MAX_PATHS ? { key, paths: shown, morePaths: paths.length - MAX_PATHS } : { key, paths: shown });
      }
      changes.push({ release, key, before, after });
    }
    if (diff.added.length + diff.removed.length + diff.changed.length > 0) releases.push(diff);
  }
  return { releases, dangers: renderedDangers(changes) };
}

/** The objects each HelmRelease of an environment renders, but for the releases left out. */
export function releaseObjects(state: ClusterState, leftOut: ReadonlySet<string>): ReleaseObjects {
  const out = new Map<string, Map<string, KubeObject>>();
  for (const r of state.releases) if (!leftOut.has(r.name)) out.set(r.name, new Map());
  for (const o of state.objects) {
    if (!o.release || leftOut.has(o.release.name)) continue;
    let objects = out.get(o.release.name);
    if (!objects) out.set(o.release.name, (objects = new Map()));
    objects.set(renderedKey(o.object), o.object);
  }
  return out;
}

/** Findings that mean a HelmRelease was not rendered (its chart cannot be found in the files, or helm fails). */
const RELEASE_NOT_RENDERED = new Set(['VERIFY_CHART_REFERENCE', 'VERIFY_HELM_TEMPLATE']);
/** Findings that mean some Flux objects, HelmReleases among them maybe, are missing from the state. */
const OBJECTS_MISSING = new Set(['VERIFY_KUSTOMIZE_BUILD', 'VERIFY_KUSTOMIZATION', 'VERIFY_SUBSTITUTION_SYNTAX']);

export interface SideInput {
  readonly label: string;
  readonly files: OutputFiles;
  /** The models the engine renders with (name, Kubernetes version, gitops path), one per environment to render. */
  readonly environments: readonly Environment[];
}

export type RenderedComparison =
  | { readonly ok: true; readonly environments: ReadonlyMap<string, { releases: RenderedRelease[]; dangers: Danger[] }>; readonly problems: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Renders both sides and compares them per environment (the environments of the head side; the
 * base side must have a model of the same name). An environment or release that cannot be
 * rendered on a side is left out and stated as a problem; rendering that cannot run at all (no
 * helm, a chart that is neither in a folder nor pullable) gives ok: false with the reason.
 */
export async function compareRendered(base: SideInput, head: SideInput, settings: RenderSettings, env: NodeJS.ProcessEnv): Promise<RenderedComparison> {
  if (head.environments.length === 0) return { ok: true, environments: new Map(), problems: [] };
  let built: [ClusterStates, ClusterStates];
  try {
    built = await buildSides([base, head], { chartDir: settings.chartDir, cacheDir: settings.cacheDir, timeoutMs: settings.timeoutMs, env });
  } catch (e) {
    // Helm, a chart or the cache cannot be had (EnvironmentError); anything else is a fault of ours,
    // named as such, and still leaves the rest of the diff standing.
    return { ok: false, reason: oneLine(e instanceof EnvironmentError ? e.message : `an internal error (${String((e as Error)?.message ?? e)}); please report it`) };
  }
  const [a, b] = built;
  const problems: string[] = [];
  const environments = new Map<string, { releases: RenderedRelease[]; dangers: Danger[] }>();
  for (const model of head.environments) {
    const name = model.name;
    const sa = a.states.find((s) => s.environment.name === name);
    const sb = b.states.find((s) => s.environment.name === name);
    if (!sa || !sb) continue;
    const missing = [...incomplete(name, a.findings, base.label, base.environments), ...incomplete(name, b.findings, head.label, head.environments)];
    if (missing.length > 0) {
      problems.push(`The rendered objects of ${name} are not compared: ${missing.join('; ')}`);
      continue;
    }
    const leftOut = new Set<string>();
    for (const [side, state, findings] of [[base.label, sa, a.findings], [head.label, sb, b.findings]] as const) {
      for (const [release, why] of notRendered(state, findings)) {
        leftOut.add(release);
        problems.push(`The rendered objects of release ${release} in ${name} are not compared: on ${side}, ${why.replace(/\.$/, '')}.`);
      }
    }
    environments.set(name, compareReleases(releaseObjects(sa, leftOut), releaseObjects(sb, leftOut)));
  }
  return { ok: true, environments, problems };
}

/**
 * Both sides rendered. The engine shares renders within one call and a call takes one file map, so
 * each (chart, version, values, ...) input renders once per side: a release equal on both sides
 * renders twice. (With an engine entry point that takes several file maps and one renderer, this
 * becomes one call and those renders are shared.)
 */
async function buildSides(sides: readonly [SideInput, SideInput], options: VerifyOptions): Promise<[ClusterStates, ClusterStates]> {
  // One renderer for both sides: a release that is the same on both renders once.
  const [first, second] = await buildClusterStatesOf(sides, options);
  return [first!, second!];
}

/** Why an environment's Flux objects are incomplete on a side: findings about its files, or about files no environment owns (out/base, ...). */
function incomplete(name: string, findings: readonly VerifyFinding[], side: string, environments: readonly Environment[]): string[] {
  const owner = (file: string) => environments.find((e) => file.startsWith(`${e.name}/`))?.name;
  return findings
    .filter((f) => OBJECTS_MISSING.has(f.code) && f.severity === 'error' && (f.file === undefined || (owner(f.file) ?? name) === name))
    .map((f) => `on ${side}, ${f.message.replace(/\.$/, '')}`);
}

/**
 * The HelmReleases of this state that failed to render, with the reason. Findings name the release
 * (namespace/name) but not the environment: a release is taken as failed here when a finding names
 * it and this environment holds no object it rendered.
 */
function notRendered(state: ClusterState, findings: readonly VerifyFinding[]): Map<string, string> {
  const rendering = new Set(state.objects.flatMap((o) => (o.release ? [`${o.release.namespace}/${o.release.name}`] : [])));
  const out = new Map<string, string>();
  for (const r of state.releases) {
    const id = `${r.namespace}/${r.name}`;
    if (rendering.has(id)) continue;
    const f = findings.find((x) => RELEASE_NOT_RENDERED.has(x.code) && x.release === id && !x.file?.includes('/helmfile/'));
    if (f) out.set(r.name, oneLine(f.message));
  }
  return out;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
