// The Kubernetes JSON Schemas inside the package (schema/kubernetes/schemas.json, written by
// scripts/kube-schemas.ts from upstream data). The kinds Slipway writes are compiled ahead of time
// by scripts/embedded-validators.ts into schema/kubernetes/validators/, one file per kind, so
// generate loads only the validators of the kinds it meets and never loads ajv itself. A kind
// outside that list, or a validators folder made from another schema set (a development tree
// mid-change), compiles here instead, once per process.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { packagePath } from '../package-root.ts';
import { withJsPatterns } from './go-regexp.ts';
import type { kubernetesAjv, ValidateFunction } from './kubernetes-ajv.ts';

export const EMBEDDED_FILE = 'schema/kubernetes/schemas.json';
export const VALIDATORS_DIR = 'schema/kubernetes/validators';
/** What the validators folder was made from: the schema set's sha256 and its kinds. */
export const VALIDATORS_INDEX = `${VALIDATORS_DIR}/index.json`;
/** Custom resources' metadata points here: the Kubernetes ObjectMeta definition. */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** The $id the definitions are registered under (never fetched). */
export const EMBEDDED_ID = 'https://slipway.invalid/schema/kubernetes.json';
const ID = EMBEDDED_ID;

export interface EmbeddedSet {
  readonly kubernetesVersion: string;
  /** "<apiVersion>/<Kind>" (apps/v1/Deployment, v1/Namespace) → definition name. */
  readonly kinds: Readonly<Record<string, string>>;
  readonly definitions: Readonly<Record<string, unknown>>;
}

export interface ValidatorsIndex {
  readonly schemasSha256: string;
  /** The set's kinds, so that a run finds a kind's definition without parsing the whole set. */
  readonly kinds: Readonly<Record<string, string>>;
  /** Definitions with a file of their own: validators/<definition>.cjs. */
  readonly precompiled: readonly string[];
}

let text: string | undefined;
let set: EmbeddedSet | undefined;
let ajv: ReturnType<typeof kubernetesAjv> | undefined;
const compiled = new Map<string, ValidateFunction>();
let index: ValidatorsIndex | null | undefined;

const embeddedText = () => (text ??= readFileSync(packagePath(EMBEDDED_FILE), 'utf8'));

export function embeddedSet(): EmbeddedSet {
  set ??= JSON.parse(embeddedText()) as EmbeddedSet;
  return set;
}

export const schemasSha256 = (schemaText: string) => createHash('sha256').update(schemaText).digest('hex');

/**
 * The kinds Slipway itself writes under out/ (the charts' objects are verify's business): compiled
 * ahead of time. A test keeps the list complete; any other kind still compiles at run time.
 */
export const PRECOMPILED_KINDS = [
  'v1/ConfigMap',
  'v1/Namespace',
  'v1/Secret',
  'v1/ServiceAccount',
  'networking.k8s.io/v1/NetworkPolicy',
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
  'helm.toolkit.fluxcd.io/v2/HelmRelease',
  'kustomize.toolkit.fluxcd.io/v1/Kustomization',
  'source.toolkit.fluxcd.io/v1/GitRepository',
  'source.toolkit.fluxcd.io/v1/HelmRepository',
  'source.toolkit.fluxcd.io/v1/OCIRepository',
  'cert-manager.io/v1/ClusterIssuer',
  'cert-manager.io/v1/Issuer',
  'monitoring.coreos.com/v1/PrometheusRule',
  'secrets-store.csi.x-k8s.io/v1/SecretProviderClass',
] as const;

/** The validators folder's index, when it was made from this schema set (else null: compile). */
function validatorsIndex(): ValidatorsIndex | null {
  if (index !== undefined) return index;
  const file = packagePath(VALIDATORS_INDEX);
  const found = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ValidatorsIndex) : null;
  index = found?.schemasSha256 === schemasSha256(embeddedText()) ? found : null;
  return index;
}

const precompiledFile = (definition: string) => packagePath(`${VALIDATORS_DIR}/${definition}.cjs`);

/** The validator of apiVersion/kind from the embedded set, or undefined when the set lacks the kind. */
export async function embeddedValidator(apiVersion: string, kind: string): Promise<ValidateFunction | undefined> {
  const key = `${apiVersion}/${kind}`;
  const ready = validatorsIndex();
  const name = (ready ?? embeddedSet()).kinds[key];
  if (name === undefined) return undefined;
  let validate = compiled.get(name);
  if (!validate && ready?.precompiled.includes(name)) validate = createRequire(import.meta.url)(precompiledFile(name)) as ValidateFunction;
  if (!validate) {
    if (!ajv) {
      ajv = (await import('./kubernetes-ajv.ts')).kubernetesAjv();
      // Generated and checked by the script: no need to validate 300 KB against the meta-schema.
      ajv.addSchema({ $id: ID, definitions: withJsPatterns(embeddedSet().definitions) }, undefined, undefined, false);
    }
    validate = ajv.compile({ $ref: `${ID}#/definitions/${name}` });
  }
  compiled.set(name, validate);
  return validate;
}
