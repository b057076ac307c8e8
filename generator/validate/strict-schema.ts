// JSON Schema helpers for Kubernetes schemas. strictSchema is what kubeconform's openapi2jsonschema
// does with --strict to a CRD's openAPIV3Schema, so a custom resource is checked as strictly as a
// built-in kind: an unknown field is an error.
type Schema = { [keyword: string]: unknown };

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

// The keywords whose values are schemas (draft-07 and 2020-12); every other keyword's value is
// data (enum, default, required, x-kubernetes-*) and is never walked into.
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const SCHEMA_VALUES = ['additionalProperties', 'additionalItems', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];

/** A copy of schema with fn applied to each direct subschema (fn does its own recursion). */
export function mapSubschemas(schema: Schema, fn: (subschema: Schema) => Schema): Schema {
  const out: Schema = { ...schema };
  for (const [keyword, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.includes(keyword) && isSchema(value)) out[keyword] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSchema(v) ? fn(v) : v]));
    else if (SCHEMA_LISTS.includes(keyword) && Array.isArray(value)) out[keyword] = value.map((v) => (isSchema(v) ? fn(v) : v));
    else if (SCHEMA_VALUES.includes(keyword) && isSchema(value)) out[keyword] = fn(value);
  }
  return out;
}

/**
 * kubeconform --strict: `additionalProperties: false` on every object that declares properties,
 * unless it sets additionalProperties itself or keeps unknown fields on purpose
 * (x-kubernetes-preserve-unknown-fields); `x-kubernetes-int-or-string` becomes a string-or-integer
 * type and `nullable: true` admits null, both in plain JSON Schema terms.
 */
export function strictSchema(schema: Schema): Schema {
  const out = mapSubschemas(schema, strictSchema);
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out['x-kubernetes-int-or-string'];
    out.type = ['integer', 'string'];
    // controller-gen writes the same union as anyOf: [{type: integer}, {type: string}].
    if (Array.isArray(out.anyOf) && out.anyOf.every((s) => isSchema(s) && Object.keys(s).length === 1 && (s.type === 'integer' || s.type === 'string'))) delete out.anyOf;
  }
  if ('nullable' in out) {
    const types = typeof out.type === 'string' ? [out.type] : Array.isArray(out.type) ? (out.type as string[]) : [];
    if (out.nullable === true && types.length > 0 && !types.includes('null')) out.type = [...types, 'null'];
    delete out.nullable;
  }
  if (isSchema(out.properties) && !('additionalProperties' in out) && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

/** The schema without documentation: every `description` keyword (never a property named so). */
export function withoutDescriptions(schema: Schema): Schema {
  const { description: _, ...rest } = mapSubschemas(schema, withoutDescriptions);
  return rest;
}

/** Every $ref in the schema and its subschemas. */
export function schemaRefs(schema: Schema, into = new Set<string>()): Set<string> {
  if (typeof schema.$ref === 'string') into.add(schema.$ref);
  mapSubschemas(schema, (s) => {
    schemaRefs(s, into);
    return s;
  });
  return into;
}

/** Deep copy with object keys sorted (arrays keep their order): the same data always has the same bytes. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isSchema(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys(value[k])]),
  );
}
