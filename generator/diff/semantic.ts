// An environment as the diff compares it: keyed by stable identities, not by file or line.
import { releasesOf } from '../catalog/index.ts';
import type { KubeObject, Values } from '../catalog/types.ts';
import type { Environment } from '../model/environment.ts';
import { fluxObjects } from '../render/flux/layout.ts';
import { stacksOf } from '../render/terraform/stacks.ts';

export interface SemanticRelease {
  readonly namespace: string;
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
  readonly values: Values;
}

export interface SemanticEnvironment {
  /** "<stack>.<module>" -> module inputs (the tfvars values; expressions by their text). */
  readonly terraform: Readonly<Record<string, Values>>;
  readonly releases: Readonly<Record<string, SemanticRelease>>;
  /** "Kind/namespace/name" -> object. */
  readonly objects: Readonly<Record<string, KubeObject>>;
}

export const objectKey = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function semantic(env: Environment): SemanticEnvironment {
  const terraform: Record<string, Values> = {};
  for (const stack of stacksOf(env)) for (const call of stack.modules) terraform[`${stack.name}.${call.name}`] = { ...call.values, ...call.expressions };
  const releases: Record<string, SemanticRelease> = {};
  for (const r of releasesOf(env)) releases[r.name] = { namespace: r.namespace, chart: r.source.chart, repository: r.source.url, version: r.version, values: r.values };
  const objects: Record<string, KubeObject> = {};
  for (const { object } of fluxObjects(env)) objects[objectKey(object)] = object;
  return { terraform, releases, objects };
}

export interface Change {
  /** YAML-style path: controller.replicaCount, zones[1]. */
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (prefix: string, key: string | number) => (typeof key === 'number' ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key);

/** Leaf changes between two trees: maps by key, lists by index when their length is unchanged. */
export function changes(a: unknown, b: unknown, prefix = ''): Change[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => (k in a ? (k in b ? changes(a[k], b[k], join(prefix, k)) : [{ path: join(prefix, k), old: a[k] }]) : [{ path: join(prefix, k), new: b[k] }]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => changes(x, b[i], join(prefix, i)));
  return [{ path: prefix, old: a, new: b }];
}
