// VERIFY_SCHEMA: every object strictly valid against its schema. Custom resources are checked
// against the CustomResourceDefinitions the render itself installs (the chart's own CRD, converted
// like kubeconform --strict: validate/strict-schema.ts), falling back to the schemas embedded in
// Slipway (built-in kinds, and custom resources whose CRD the cluster gets elsewhere: Flux, the
// Secrets Store CSI driver). Depending on how it is applied, the API server rejects an object with
// an unknown or mistyped field (server-side apply: "field not declared in schema") or prunes the
// unknown fields; either way the cluster does not hold what the render says.
import type { KubeObject } from '../../catalog/types.ts';
import { embeddedSet, OBJECT_META } from '../../validate/embedded.ts';
import { kubernetesAjv, type ErrorObject, type ValidateFunction } from '../../validate/kubernetes-ajv.ts';
import { strictSchema, withoutDescriptions } from '../../validate/strict-schema.ts';
import { objectId, type Check, type ClusterState, type RenderedObject, type VerifyFinding } from '../types.ts';
import { at, isMap, maps, text, type Json } from './model/data.ts';
import { finding } from './model/finding.ts';
import { pruneSchema } from './model/schema-prune.ts';

export const SCHEMA = 'VERIFY_SCHEMA';
export const SCHEMA_MISSING = 'VERIFY_SCHEMA_MISSING';

let ajv: ReturnType<typeof kubernetesAjv> | undefined;
/** Compiled validators by the text of their (cut-down) schema: the same render in the next run reuses them. */
const compiled = new Map<string, ValidateFunction>();

/** A validator for these objects: the schema cut down to what they use (model/schema-prune.ts), compiled once. */
function validatorFor(schema: Json, objects: readonly unknown[]): ValidateFunction {
  const definitions = embeddedSet().definitions as Record<string, Json>;
  const pruned = pruneSchema(schema, objects, (ref) => (ref.startsWith(DEFINITIONS) ? definitions[ref.slice(DEFINITIONS.length)] : undefined));
  const key = JSON.stringify(pruned);
  let validate = compiled.get(key);
  if (!validate) {
    ajv ??= kubernetesAjv();
    validate = ajv.compile(pruned);
    compiled.set(key, validate);
  }
  return validate;
}

const DEFINITIONS = '#/definitions/';

/** A CRD version's schema, strict like kubeconform's conversion, with metadata checked as Kubernetes ObjectMeta (like the embedded set). */
function crdSchema(openApiSchema: Json): Json {
  const strict = strictSchema(withoutDescriptions({ ...openApiSchema }));
  return { ...strict, properties: { ...(isMap(strict.properties) ? strict.properties : {}), metadata: { $ref: `${DEFINITIONS}${OBJECT_META}` } } };
}

/** "<group>/<version>/<Kind>" → the openAPIV3Schema of every CRD version in the render. */
function renderedCrds(state: ClusterState): Map<string, Json> {
  const schemas = new Map<string, Json>();
  for (const { object } of state.objects) {
    if (object.kind !== 'CustomResourceDefinition' || !object.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const group = text(at(object, 'spec', 'group'));
    const kind = text(at(object, 'spec', 'names', 'kind'));
    for (const version of maps(at(object, 'spec', 'versions'))) {
      const schema = at(version, 'schema', 'openAPIV3Schema');
      if (group && kind && isMap(schema)) schemas.set(`${group}/${text(version.name)}/${kind}`, schema);
    }
  }
  return schemas;
}

export const schemaCheck: Check = (state) => {
  const crds = renderedCrds(state);
  const byKind = new Map<string, RenderedObject[]>();
  for (const r of state.objects) {
    const key = `${r.object.apiVersion}/${r.object.kind}`;
    const same = byKind.get(key);
    if (same) same.push(r);
    else byKind.set(key, [r]);
  }
  const out: VerifyFinding[] = [];
  for (const [key, rendered] of byKind) {
    const { apiVersion, kind } = rendered[0]!.object;
    const crd = crds.get(key);
    const definition = crd ? undefined : embeddedSet().kinds[key];
    if (!crd && !definition) {
      for (const r of rendered) {
        out.push(
          finding(state, r, {
            code: SCHEMA_MISSING,
            severity: 'warning',
            message: `${objectId(r.object)} has no schema: neither a CustomResourceDefinition in this render nor Slipway's embedded schemas define ${apiVersion} ${kind}, so none of its fields are checked.`,
            hint: 'Install the CRD of this kind with the release that uses it, or add the kind to the embedded set (scripts/kube-schemas.ts).',
          }),
        );
      }
      continue;
    }
    const from = crd ? 'its CustomResourceDefinition in this render' : "Slipway's embedded schema";
    // The API server decodes null as "not set"; charts render empty keys (annotations:, subPath:) as null.
    const objects = rendered.map((r) => withoutNulls(r.object));
    const validate = validatorFor(crd ? crdSchema(crd) : { $ref: `${DEFINITIONS}${definition}` }, objects);
    rendered.forEach((r, i) => {
      if (validate(objects[i])) return;
      out.push(
        finding(state, r, {
          code: SCHEMA,
          severity: 'error',
          message: `${objectId(r.object)} does not match the schema of ${apiVersion} ${kind} (${from}): ${describeErrors(r.object, validate.errors ?? [])}. The API server rejects it or drops the fields it does not know, so the cluster does not get this object as rendered.`,
          hint: r.release
            ? `Fix the values of release ${r.release.namespace}/${r.release.name} that produce these fields (a field in the wrong place is usually one level too high or too low).`
            : 'Fix the object in the generator so every field is one its schema defines, at the place it defines it.',
        }),
      );
    });
  }
  return out;
};

/**
 * The value with every null map entry removed: the API server decodes null as "not set" (Go's
 * zero value), and charts render empty keys (annotations:, subPath:) as null. Unchanged parts are shared.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((v, i) => {
      const w = withoutNulls(v);
      if (w !== v) (copy ??= [...value])[i] = w;
    });
    return copy ?? value;
  }
  if (!isMap(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const k in value) {
    const v = value[k];
    if (v === null) {
      copy ??= { ...value };
      delete copy[k];
      continue;
    }
    const w = withoutNulls(v);
    if (w !== v) (copy ??= { ...value })[k] = w;
  }
  return copy ?? value;
}

const MAX_PROBLEMS = 5;

/** The errors as one clause: the specific ones first, the combinator summaries (anyOf, oneOf) only when nothing else explains. */
function describeErrors(o: KubeObject, errors: readonly ErrorObject[]): string {
  const specific = errors.filter((e) => !['anyOf', 'oneOf', 'allOf', 'if'].includes(e.keyword));
  const lines = [...new Set((specific.length ? specific : errors).map((e) => describeError(o, e)))];
  const shown = lines.slice(0, MAX_PROBLEMS).join('; ');
  return lines.length > MAX_PROBLEMS ? `${shown}; and ${lines.length - MAX_PROBLEMS} more` : shown;
}

function describeError(o: KubeObject, e: ErrorObject): string {
  const pointer = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') {
    const field = (e.params as { additionalProperty: string }).additionalProperty;
    return `${e.instancePath}/${field.replaceAll('~', '~0').replaceAll('/', '~1')} is not a field of ${o.kind}`;
  }
  if (e.keyword === 'required') return `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty} is required`;
  return `${pointer} ${e.message ?? 'is invalid'}`;
}
