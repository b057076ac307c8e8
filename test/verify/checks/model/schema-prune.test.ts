// The cut-down schema gives the same verdict and the same errors as the full one, for the values it
// was cut for: checked on valid and broken objects of a built-in kind (through its $refs) and of a CRD.
import { describe, expect, it } from 'vitest';
import { embeddedSet, embeddedValidator } from '../../../../generator/validate/embedded.ts';
import { kubernetesAjv, type ErrorObject } from '../../../../generator/validate/kubernetes-ajv.ts';
import { pruneSchema } from '../../../../generator/verify/checks/model/schema-prune.ts';
import { deployment } from '../helpers/state.ts';

type Schema = Record<string, unknown>;
const definitions = embeddedSet().definitions as Record<string, Schema>;
const resolve = (ref: string) => definitions[ref.replace('#/definitions/', '')];
const ajv = kubernetesAjv();
const summary = (errors: readonly ErrorObject[] | null | undefined) => (errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`).sort();

function prunedErrors(schema: Schema, objects: readonly unknown[]) {
  const validate = ajv.compile(pruneSchema(schema, objects, resolve));
  return objects.map((o) => (validate(o), summary(validate.errors)));
}

const base = deployment('apps', 'web', { app: 'web' }, { containers: [{ name: 'app', image: 'x', ports: [{ containerPort: 80, name: 'http' }], readinessProbe: { httpGet: { path: '/', port: 'http' } } }] });
const spec = (o: typeof base) => (o.spec as { template: { spec: Record<string, unknown> } }).template.spec;
const variants = [
  base,
  { ...base, extra: true },
  { ...base, spec: { ...(base.spec as object), template: { spec: { ...spec(base), containers: [{ image: 'no name' }] } } } },
  { ...base, spec: { ...(base.spec as object), template: { spec: { ...spec(base), containers: [{ name: 'a', ports: [{ containerPort: 'eighty' }] }], hostNetwork: 'yes' } } } },
  { ...base, spec: { ...(base.spec as object), replicas: 'two', strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxSideways: 1 } } } },
];

describe('pruneSchema', () => {
  it('gives the errors of the full schema for a built-in kind, through $refs', async () => {
    const full = (await embeddedValidator('apps/v1', 'Deployment'))!;
    const expected = variants.map((o) => (full(o), summary(full.errors)));
    expect(expected.filter((e) => e.length > 0)).toHaveLength(variants.length - 1);
    // Each variant alone, and all of them together: the cut depends on the values.
    expect(variants.map((o) => prunedErrors({ $ref: `#/definitions/${embeddedSet().kinds['apps/v1/Deployment']}` }, [o])[0])).toEqual(expected);
    expect(prunedErrors({ $ref: `#/definitions/${embeddedSet().kinds['apps/v1/Deployment']}` }, variants)).toEqual(expected);
  });

  it('gives the errors of the full schema for combinators (anyOf, items, additionalProperties schemas)', () => {
    const schema: Schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        port: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[a-z]+$' }] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        list: { type: 'array', items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' } } } },
      },
    };
    const values = [{ port: 8080 }, { port: 'HTTP' }, { labels: { a: 1 } }, { list: [{ name: 'x' }, { nam: 'y' }] }, { other: 1 }];
    const full = ajv.compile(schema);
    expect(prunedErrors(schema, values)).toEqual(values.map((v) => (full(v), summary(full.errors))));
  });
});
