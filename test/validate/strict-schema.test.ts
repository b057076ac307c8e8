// The CRD-to-strict-JSON-Schema conversion (kubeconform's openapi2jsonschema --strict) and the
// helpers that compact the embedded set.
import { describe, expect, it } from 'vitest';
import { kubernetesAjv } from '../../generator/validate/kubernetes-ajv.ts';
import { schemaRefs, sortedKeys, strictSchema, withoutDescriptions } from '../../generator/validate/strict-schema.ts';

describe('strictSchema', () => {
  const crd = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^[a-z0-9]+$' },
          note: { type: 'string', nullable: true },
          raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          rules: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
          either: { oneOf: [{ properties: { a: { type: 'string' } } }] },
        },
      },
    },
  };
  const strict = strictSchema(crd);
  const validate = kubernetesAjv().compile(strict);

  it('closes every object that declares properties, at any depth (items, oneOf)', () => {
    expect(validate({ spec: { port: 80 } })).toBe(true);
    expect(validate({ spec: { prot: 80 } })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', instancePath: '/spec', params: { additionalProperty: 'prot' } });
    expect(validate({ spec: { rules: [{ name: 'a', nmae: 'b' }] } })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/spec/rules/0' });
    expect(validate({ bogus: 1 })).toBe(false);
    expect(strict).toHaveProperty('properties.spec.properties.either.oneOf.0.additionalProperties', false);
  });

  it('keeps maps and objects that preserve unknown fields open', () => {
    expect(validate({ spec: { labels: { anything: 'x' }, raw: { known: 'a', unknown: { deep: 1 } } } })).toBe(true);
    expect(validate({ spec: { labels: { anything: 1 } } })).toBe(false);
  });

  it('turns x-kubernetes-int-or-string into a string-or-integer type, keeping the string rules', () => {
    expect(strict).toHaveProperty('properties.spec.properties.port', { type: ['integer', 'string'], pattern: '^[a-z0-9]+$' });
    expect(validate({ spec: { port: 8080 } })).toBe(true);
    expect(validate({ spec: { port: 'http' } })).toBe(true);
    expect(validate({ spec: { port: 'HTTP!' } })).toBe(false);
    expect(validate({ spec: { port: true } })).toBe(false);
  });

  it('admits null where nullable is true, and only there', () => {
    expect(strict).toHaveProperty('properties.spec.properties.note', { type: ['string', 'null'] });
    expect(validate({ spec: { note: null } })).toBe(true);
    expect(validate({ spec: { port: null } })).toBe(false);
  });

  it('does not change its input', () => {
    expect(crd.properties.spec).not.toHaveProperty('additionalProperties');
  });
});

describe('compaction helpers', () => {
  const schema = {
    description: 'A widget.',
    properties: {
      // A field called "description" is data, not documentation.
      description: { type: 'string', description: 'What it is.' },
      list: { items: { description: 'An item.', $ref: '#/definitions/Item' } },
    },
    default: { description: 'kept: a default value is data' },
    definitions: { Item: { description: 'x', anyOf: [{ $ref: '#/definitions/Other' }] } },
  };

  it('strips description keywords and nothing else', () => {
    expect(withoutDescriptions(schema)).toEqual({
      properties: { description: { type: 'string' }, list: { items: { $ref: '#/definitions/Item' } } },
      default: { description: 'kept: a default value is data' },
      definitions: { Item: { anyOf: [{ $ref: '#/definitions/Other' }] } },
    });
  });

  it('finds every $ref', () => {
    expect([...schemaRefs(schema)].sort()).toEqual(['#/definitions/Item', '#/definitions/Other']);
  });

  it('sorts keys deeply and keeps array order', () => {
    expect(JSON.stringify(sortedKeys({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 2 } }))).toBe('{"a":{"c":2,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});
