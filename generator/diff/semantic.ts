// An environment as the diff compares it, read from output files (path relative to out/ ->
// content), whoever wrote them: keyed by stable identities, not by file or line.
//   terraform  "<stack>.<module>" -> module inputs (tfvars values; other expressions as text)
//   objects    "Kind/namespace/name" -> every object the cluster receives from out/<env>/flux
//   releases   HelmRelease name -> chart, source URL, pinned version, values
import type { KubeObject, Values } from '../catalog/types.ts';
import { kustomizationRoots, kustomizeBuild, type ParseCache } from '../kustomize/build.ts';
import { objectKey, releasesFrom, type SemanticRelease } from './releases.ts';
import { rootInputs } from './terraform-inputs.ts';

export { objectKey, type SemanticRelease };

export interface SemanticEnvironment {
  readonly terraform: Readonly<Record<string, Values>>;
  /** Stack -> its main.tf outside the module blocks. */
  readonly terraformRest: Readonly<Record<string, string>>;
  /** Undefined when the Flux folders could not be built (problems says why). */
  readonly objects: Readonly<Record<string, KubeObject>> | undefined;
  readonly releases: Readonly<Record<string, SemanticRelease>> | undefined;
  /** Files whose whole content is in this model. */
  readonly sources: ReadonlySet<string>;
  readonly problems: readonly string[];
}

export type OutputFiles = ReadonlyMap<string, string>;

/** Terraform's key for root variables that no module argument reads. */
export const UNUSED_VARIABLES = 'tfvars';

/**
 * The files of each environment (top folders holding flux/, terraform/ or environment.resolved.yaml)
 * and the shared ones (base/, modules/, the manifest), in one pass.
 */
export function partition(files: OutputFiles): { environments: Map<string, string[]>; shared: string[] } {
  const byTop = new Map<string, string[]>();
  const names = new Set<string>();
  const shared: string[] = [];
  for (const file of files.keys()) {
    const slash = file.indexOf('/');
    if (slash < 0) {
      shared.push(file);
      continue;
    }
    const top = file.slice(0, slash);
    const rest = file.slice(slash + 1);
    if (rest.startsWith('flux/') || rest.startsWith('terraform/') || rest === 'environment.resolved.yaml') names.add(top);
    let list = byTop.get(top);
    if (!list) byTop.set(top, (list = []));
    list.push(file);
  }
  const environments = new Map<string, string[]>();
  for (const [top, list] of byTop) {
    if (names.has(top)) environments.set(top, list);
    else shared.push(...list);
  }
  return { environments, shared };
}

/** The model of one environment from its files (and the shared files its kustomizations read). */
export function semantic(files: OutputFiles, name: string, paths: readonly string[], side: string, cache?: ParseCache): SemanticEnvironment {
  const sources = new Set<string>();
  const problems: string[] = [];
  const terraform: Record<string, Values> = {};
  const terraformRest: Record<string, string> = {};
  const mainTf = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/terraform/([^/]+)/main\\.tf$`);
  for (const file of paths) {
    const stack = mainTf.exec(file)?.[1];
    if (stack === undefined) continue;
    const tfvarsFile = `${name}/terraform/${stack}/terraform.tfvars.json`;
    try {
      const inputs = rootInputs(files.get(file)!, files.get(tfvarsFile));
      for (const [module, values] of Object.entries(inputs.modules)) terraform[`${stack}.${module}`] = values;
      if (Object.keys(inputs.unused).length > 0) terraform[`${stack}.${UNUSED_VARIABLES}`] = inputs.unused;
      terraformRest[stack] = inputs.rest;
      if (files.has(tfvarsFile)) sources.add(tfvarsFile);
    } catch (e) {
      problems.push(`out/${tfvarsFile} (${side}) is not valid JSON (${(e as Error).message}), so the inputs of the ${stack} stack are not compared.`);
    }
  }

  let objects: Record<string, KubeObject> | undefined = {};
  try {
    for (const root of kustomizationRoots(files, paths.filter((p) => p.startsWith(`${name}/flux/`)), cache)) {
      const build = kustomizeBuild(files, root, cache);
      for (const o of build.objects) {
        const key = objectKey(o);
        if (key in objects) throw new Error(`${key} comes from two folders (the second is ${root}); an object may be synced once only.`);
        objects[key] = o;
      }
      for (const f of build.read) sources.add(f);
    }
  } catch (e) {
    problems.push(`The Flux folders of ${name} (${side}) could not be built, so its objects and releases are not compared: ${(e as Error).message}`);
    objects = undefined;
  }
  return { terraform, terraformRest, objects, releases: objects && releasesFrom(objects), sources, problems };
}

export interface Change {
  /** YAML-style path: controller.replicaCount, zones[1]. */
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (prefix: string, key: string | number) => (typeof key === 'number' ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key);

/** Deep equality of plain data; the order of map keys does not matter. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && same(a[k], b[k]));
  }
  return false;
}

/** Leaf changes between two trees: maps by key, lists by index when their length is unchanged. */
export function changes(a: unknown, b: unknown, prefix = ''): Change[] {
  if (same(a, b)) return [];
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => (k in a ? (k in b ? changes(a[k], b[k], join(prefix, k)) : [{ path: join(prefix, k), old: a[k] }]) : [{ path: join(prefix, k), new: b[k] }]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => changes(x, b[i], join(prefix, i)));
  return [{ path: prefix, old: a, new: b }];
}
