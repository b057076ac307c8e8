// The Kubernetes JSON Schemas inside the package (schema/kubernetes/schemas.json, written by
// scripts/kube-schemas.ts from upstream data). Read on first use; the definitions are added to one
// ajv instance once, and each kind compiles, once per process, only the definitions it reaches.
import { readFileSync } from 'node:fs';
import { packagePath } from '../package-root.ts';
import { kubernetesAjv, type ValidateFunction } from './kubernetes-ajv.ts';

export const EMBEDDED_FILE = 'schema/kubernetes/schemas.json';
/** Custom resources' metadata points here: the Kubernetes ObjectMeta definition. */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** The $id the definitions are registered under (never fetched). */
const ID = 'https://slipway.invalid/schema/kubernetes.json';

export interface EmbeddedSet {
  readonly kubernetesVersion: string;
  /** "<apiVersion>/<Kind>" (apps/v1/Deployment, v1/Namespace) → definition name. */
  readonly kinds: Readonly<Record<string, string>>;
  readonly definitions: Readonly<Record<string, unknown>>;
}

let set: EmbeddedSet | undefined;
let ajv: ReturnType<typeof kubernetesAjv> | undefined;
const compiled = new Map<string, ValidateFunction>();

export function embeddedSet(): EmbeddedSet {
  set ??= JSON.parse(readFileSync(packagePath(EMBEDDED_FILE), 'utf8')) as EmbeddedSet;
  return set;
}

/** The validator of apiVersion/kind from the embedded set, or undefined when the set lacks the kind. */
export function embeddedValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  const name = embeddedSet().kinds[key];
  if (name === undefined) return undefined;
  let validate = compiled.get(name);
  if (!validate) {
    if (!ajv) {
      ajv = kubernetesAjv();
      // Generated and checked by the script: no need to validate 300 KB against the meta-schema.
      ajv.addSchema({ $id: ID, definitions: embeddedSet().definitions }, undefined, undefined, false);
    }
    validate = ajv.compile({ $ref: `${ID}#/definitions/${name}` });
    compiled.set(name, validate);
  }
  return validate;
}
