// The Kubernetes JSON Schemas inside the package (schema/kubernetes/schemas.json, written by
// scripts/kube-schemas.ts from upstream data). Their validators are compiled ahead of time into
// schema/kubernetes/validators.cjs (scripts/embedded-validators.ts) and loaded from there; only
// when that file was made from another schema set (a development tree mid-change) does a kind
// compile here, once per process, from the definitions.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { packagePath } from '../package-root.ts';
import { withJsPatterns } from './go-regexp.ts';
import { kubernetesAjv, type ValidateFunction } from './kubernetes-ajv.ts';

export const EMBEDDED_FILE = 'schema/kubernetes/schemas.json';
export const VALIDATORS_FILE = 'schema/kubernetes/validators.cjs';
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

let text: string | undefined;
let set: EmbeddedSet | undefined;
let ajv: ReturnType<typeof kubernetesAjv> | undefined;
const compiled = new Map<string, ValidateFunction>();
let precompiled: Record<string, ValidateFunction> | null | undefined;

export function embeddedSet(): EmbeddedSet {
  text ??= readFileSync(packagePath(EMBEDDED_FILE), 'utf8');
  set ??= JSON.parse(text) as EmbeddedSet;
  return set;
}

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

/** The same ajv options as kubernetesAjv, for standalone code: formats from ajv-formats by require. */
export function standaloneAjv(): Ajv.default {
  const instance = new Ajv.default({ strict: false, allErrors: true, logger: false, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  addFormats.default(instance);
  return instance;
}

/** The ahead-of-time validators, when they were made from this schema set. */
function precompiledValidators(): Record<string, ValidateFunction> | null {
  if (precompiled !== undefined) return precompiled;
  precompiled = null;
  const file = packagePath(VALIDATORS_FILE);
  if (!existsSync(file)) return precompiled;
  embeddedSet();
  const hash = createHash('sha256').update(text!).digest('hex');
  const head = readFileSync(file, 'utf8').slice(0, 400);
  if (head.includes(`schemas sha256 ${hash}\n`)) precompiled = createRequire(import.meta.url)(file) as Record<string, ValidateFunction>;
  return precompiled;
}

/** The validator of apiVersion/kind from the embedded set, or undefined when the set lacks the kind. */
export function embeddedValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  const name = embeddedSet().kinds[key];
  if (name === undefined) return undefined;
  let validate = compiled.get(name) ?? precompiledValidators()?.[name];
  if (!validate) {
    if (!ajv) {
      ajv = kubernetesAjv();
      // Generated and checked by the script: no need to validate 300 KB against the meta-schema.
      ajv.addSchema({ $id: ID, definitions: withJsPatterns(embeddedSet().definitions) }, undefined, undefined, false);
    }
    validate = ajv.compile({ $ref: `${ID}#/definitions/${name}` });
    compiled.set(name, validate);
  }
  return validate;
}
