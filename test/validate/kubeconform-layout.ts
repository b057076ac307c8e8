// Schema folders and servers for the location tests, made from the embedded set (no ../shared):
// each kind as a standalone document (its definition plus every definition it reaches) at the
// path kubeconform's layouts give it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { embeddedSet } from '../../generator/validate/embedded.ts';
import { schemaRefs } from '../../generator/validate/strict-schema.ts';

type Schema = Record<string, unknown>;

/** The schema of "<apiVersion>/<Kind>" as one self-contained JSON document. */
export function standaloneSchema(key: string): Schema {
  const { kinds, definitions } = embeddedSet() as { kinds: Record<string, string>; definitions: Record<string, Schema> };
  const root = kinds[key];
  if (!root) throw new Error(`The embedded set has no ${key}.`);
  const reached: Record<string, Schema> = {};
  const pending = [root];
  while (pending.length) {
    const name = pending.pop()!;
    if (reached[name]) continue;
    reached[name] = definitions[name]!;
    for (const ref of schemaRefs(definitions[name]!)) pending.push(ref.replace('#/definitions/', ''));
  }
  return { $ref: `#/definitions/${root}`, definitions: reached };
}

/**
 * Where kubeconform looks for a kind under a folder or URL root: <group>/<kind>_<version>.json for
 * custom resources (the CRDs-catalog layout), core/<kind>-<group prefix>[-<version>].json for
 * built-in kinds (the kubernetes-json-schema layout).
 */
export function layoutPath(key: string): string {
  const kind = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  const apiVersion = key.slice(0, key.lastIndexOf('/'));
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [apiVersion, apiVersion];
  const custom = !embeddedSet().kinds[key]!.startsWith('io.k8s.');
  if (custom) return `${group}/${kind}_${version}.json`;
  return `core/${kind}-${group!.split('.')[0]}${apiVersion.includes('/') ? `-${version}` : ''}.json`;
}

/** kubeconform-layout path → kind key, for every kind in the set. */
export const layout = () => new Map(Object.keys(embeddedSet().kinds).map((key) => [layoutPath(key), key]));

/** Writes the given kinds into dir in kubeconform layout; `edit` may change a schema first. */
export function writeSchemaFolder(dir: string, keys: readonly string[], edit: (key: string, schema: Schema) => Schema = (_, s) => s) {
  for (const key of keys) {
    const file = path.join(dir, layoutPath(key));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(edit(key, standaloneSchema(key))));
  }
}
