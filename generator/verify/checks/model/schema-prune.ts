// A schema cut down to the parts some given values reach. Compiling the full schema of a kind costs
// seconds for the largest (the Prometheus and Alertmanager CRDs, PodSpec through its $refs); the
// objects of a render use a small part of it. Validating those objects against the cut-down schema
// gives exactly the same verdict and errors: every keyword that applies to a value is kept, and
// only subschemas no value reaches are left out (properties absent from every value, the items of
// empty arrays). $refs are resolved and inlined on the way, so the result is self-contained.
type Schema = { [keyword: string]: unknown };

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const isObject = isSchema;

/** Keywords whose subschemas apply to the value itself. */
const IN_PLACE_LISTS = ['allOf', 'anyOf', 'oneOf'];
const IN_PLACE_VALUES = ['not', 'if', 'then', 'else'];

export function pruneSchema(schema: Schema, values: readonly unknown[], resolve: (ref: string) => Schema | undefined): Schema {
  if (values.length === 0) return {};
  if (typeof schema.$ref === 'string') {
    const { $ref, ...siblings } = schema;
    const target = resolve($ref);
    if (!target) return schema;
    const pruned = pruneSchema(target, values, resolve);
    return Object.keys(siblings).length ? { ...pruneSchema(siblings, values, resolve), allOf: [pruned] } : pruned;
  }
  const out: Schema = {};
  for (const [keyword, sub] of Object.entries(schema)) {
    if (keyword === 'definitions' || keyword === '$defs' || keyword === '$id' || keyword === '$schema') continue;
    if (keyword === 'properties' && isSchema(sub)) {
      const objects = values.filter(isObject);
      const used = Object.keys(sub).filter((k) => objects.some((o) => Object.hasOwn(o, k)));
      out.properties = Object.fromEntries(used.map((k) => [k, isSchema(sub[k]) ? pruneSchema(sub[k], objects.filter((o) => Object.hasOwn(o, k)).map((o) => o[k]), resolve) : sub[k]]));
    } else if (keyword === 'additionalProperties' && isSchema(sub)) {
      const declared = isSchema(schema.properties) ? schema.properties : {};
      const extra = values.filter(isObject).flatMap((o) => Object.entries(o).filter(([k]) => !Object.hasOwn(declared, k)).map(([, v]) => v));
      out.additionalProperties = pruneSchema(sub, extra, resolve);
    } else if (keyword === 'items' && isSchema(sub)) {
      out.items = pruneSchema(sub, values.filter(Array.isArray).flat(), resolve);
    } else if (keyword === 'items' && Array.isArray(sub)) {
      out.items = sub.map((s, i) => (isSchema(s) ? pruneSchema(s, values.filter(Array.isArray).flatMap((a) => (i < a.length ? [a[i]] : [])), resolve) : s));
    } else if (IN_PLACE_LISTS.includes(keyword) && Array.isArray(sub)) {
      out[keyword] = sub.map((s) => (isSchema(s) ? pruneSchema(s, values, resolve) : s));
    } else if (IN_PLACE_VALUES.includes(keyword) && isSchema(sub)) {
      out[keyword] = pruneSchema(sub, values, resolve);
    } else if ((keyword === 'patternProperties' || keyword === 'propertyNames' || keyword === 'contains' || keyword === 'dependencies' || keyword === 'dependentSchemas') && isSchema(sub)) {
      // Rare in Kubernetes schemas and small: kept whole, with their $refs resolved.
      out[keyword] = inline(sub, resolve, 0);
    } else out[keyword] = sub;
  }
  return out;
}

/** A schema with every $ref replaced by its target (bounded: these keywords never recurse deeply in practice). */
function inline(schema: Schema, resolve: (ref: string) => Schema | undefined, depth: number): Schema {
  if (depth > 8) return {};
  const walk = (v: unknown): unknown => (Array.isArray(v) ? v.map(walk) : isSchema(v) ? inline(v, resolve, depth + 1) : v);
  if (typeof schema.$ref === 'string') {
    const target = resolve(schema.$ref);
    return target ? inline(target, resolve, depth + 1) : schema;
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'enum' || k === 'required' || k === 'default' ? v : walk(v)]));
}
