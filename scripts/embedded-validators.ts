// Writes schema/kubernetes/validators/: each kind Slipway writes (PRECOMPILED_KINDS) of the embedded
// schema set (schema/kubernetes/schemas.json) compiled ahead of time into ajv's standalone code, one
// file per kind, plus index.json (the set's sha256 and kinds). generate then loads the validators of
// the kinds it meets instead of compiling them on every run (ajv's code generation was most of its
// start-up); when the sha256 differs, it compiles at run time instead (generator/validate/embedded.ts).
//   npx tsx scripts/embedded-validators.ts          write
//   npx tsx scripts/embedded-validators.ts --check  exit 1 when the folder is stale
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { EMBEDDED_FILE, EMBEDDED_ID, PRECOMPILED_KINDS, schemasSha256, VALIDATORS_DIR, type ValidatorsIndex } from '../generator/validate/embedded.ts';
import { withJsPatterns } from '../generator/validate/go-regexp.ts';
import { standaloneAjv } from '../generator/validate/kubernetes-ajv.ts';

type Schema = Record<string, unknown>;

/** Prefix of the definitions made by shareRepeats. */
export const SHARED_PREFIX = 'slipway.shared.';
/**
 * Serialized length from which a repeated subschema becomes a shared definition. Measured on the
 * embedded set (folder / ClusterIssuer file): none 2.26 MB / 666 KB, 500 1.47 MB / 274 KB, 300
 * 1.44 MB / 269 KB, 100 1.30 MB / 210 KB, 50 1.27 MB / 202 KB. Below ~100 a subtree is little
 * longer than the { $ref } that replaces it, and the gain stops.
 */
export const SHARE_MIN_LENGTH = 100;

// Draft-07 keywords whose value is a subschema, a list of subschemas or a map of them: the only
// places walked, so that names (properties' keys), enum, default, example, required and
// x-kubernetes-* values are never taken for schemas.
const ONE = new Set(['additionalProperties', 'additionalItems', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']);
const LIST = new Set(['items', 'allOf', 'anyOf', 'oneOf']);
const MAP = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema with each direct subschema replaced by f(subschema) (booleans and non-schemas kept). */
function mapSubschemas(schema: Schema, f: (sub: Schema) => Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (ONE.has(k) && isSchema(v)) out[k] = f(v);
    else if (LIST.has(k) && Array.isArray(v)) out[k] = v.map((s) => (isSchema(s) ? f(s) : s));
    // dependencies' values may be lists of names: kept.
    else if (MAP.has(k) && isSchema(v)) out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, isSchema(s) ? f(s) : s]));
    else out[k] = v;
  }
  return out;
}

/**
 * The definitions with every subschema of at least minLength serialized characters that occurs
 * twice or more (anywhere below a definition, never a definition itself) moved to a definition of
 * its own, slipway.shared.<sha256 of its JSON>, each occurrence becoming { $ref } alone (draft-07
 * ignores a $ref's siblings). Compiled with inlineRefs: false, each such subschema is then one
 * function in a file instead of one copy of its code per occurrence: cert-manager's CRDs repeat
 * the ACME solver's pod template (affinity, tolerations, selectors) many times over.
 *
 * Passes repeat until nothing more is shared: a pass moves the outermost repeats only, and what
 * they contain is counted on the next pass, once each moved body is there a single time (a subtree
 * repeated only among the copies of a moved one then occurs once and stays inline). Identity is the
 * exact JSON (key order included), so a shared body is the very text of each occurrence and the
 * code ajv makes from it checks in the same order. Names and order follow the input: same bytes
 * on every run.
 */
export function shareRepeats(definitions: Readonly<Record<string, unknown>>, minLength = SHARE_MIN_LENGTH): Record<string, unknown> {
  // Pointers into a definition's inside, or a base URI change, would not survive moving subtrees.
  const movable = (sub: Schema): Schema => {
    if (typeof sub.$id === 'string' || (typeof sub.$ref === 'string' && !/^#\/definitions\/[^/]+$/.test(sub.$ref))) {
      throw new Error(`cannot share subschemas of a set with ${JSON.stringify(sub.$id ?? sub.$ref)}`);
    }
    return mapSubschemas(sub, movable);
  };
  for (const root of Object.values(definitions)) if (isSchema(root)) movable(root);
  let defs: Record<string, unknown> = { ...definitions };
  const shared = new Map<string, string>(); // JSON of a moved subschema → its definition's name
  for (;;) {
    const counts = new Map<string, number>();
    const count = (sub: Schema): Schema => {
      const json = JSON.stringify(sub);
      // A { $ref } is what a move leaves: moving it again would never end.
      if (json.length >= minLength && !('$ref' in sub)) counts.set(json, (counts.get(json) ?? 0) + 1);
      return mapSubschemas(sub, count);
    };
    for (const root of Object.values(defs)) if (isSchema(root)) mapSubschemas(root, count);

    const added: [string, Schema][] = [];
    const share = (sub: Schema): Schema => {
      const json = JSON.stringify(sub);
      let name = shared.get(json);
      if (name === undefined && (counts.get(json) ?? 0) >= 2) {
        name = `${SHARED_PREFIX}${createHash('sha256').update(json).digest('hex').slice(0, 16)}`;
        if (Object.hasOwn(defs, name)) throw new Error(`definition ${name} exists already`);
        shared.set(json, name);
        added.push([name, sub]);
      }
      return name === undefined ? mapSubschemas(sub, share) : { $ref: `#/definitions/${name}` };
    };
    defs = Object.fromEntries(Object.entries(defs).map(([name, root]) => [name, isSchema(root) ? mapSubschemas(root, share) : root]));
    if (added.length === 0) return defs;
    for (const [name, body] of added) defs[name] = body;
  }
}

/** The folder's files (name → content) for a schema set. */
export function validatorFiles(schemaText: string, minLength = SHARE_MIN_LENGTH): Map<string, string> {
  const set = JSON.parse(schemaText) as { kinds: Record<string, string>; definitions: Record<string, unknown> };
  const ajv = standaloneAjv();
  // A $ref compiles to a call of the referenced schema's function instead of a copy of its code:
  // what makes the shared definitions pay (and keeps Kubernetes' own, ObjectMeta..., one per file).
  ajv.opts.inlineRefs = false;
  ajv.addSchema({ $id: EMBEDDED_ID, definitions: shareRepeats(withJsPatterns(set.definitions), minLength) }, undefined, undefined, false);
  const names = [...new Set(PRECOMPILED_KINDS.flatMap((kind) => set.kinds[kind] ?? []))].sort();
  const index: ValidatorsIndex = { schemasSha256: schemasSha256(schemaText), kinds: set.kinds, precompiled: names };
  const files = new Map([['index.json', `${JSON.stringify(index, null, 2)}\n`]]);
  for (const name of names) {
    const validate = ajv.compile({ $ref: `${EMBEDDED_ID}#/definitions/${name}` });
    files.set(`${name}.cjs`, `// generated by scripts/embedded-validators.ts from ${EMBEDDED_FILE} (${name}) — do not edit\n${standaloneCode.default(ajv, validate)}\n`);
  }
  return files;
}

const current = (): Map<string, string> => {
  try {
    return new Map(readdirSync(VALIDATORS_DIR).map((f) => [f, readFileSync(path.join(VALIDATORS_DIR, f), 'utf8')]));
  } catch {
    return new Map();
  }
};

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([f, text]) => b.get(f) === text);

if (import.meta.url === `file://${process.argv[1]}`) {
  const expected = validatorFiles(readFileSync(EMBEDDED_FILE, 'utf8'));
  if (same(expected, current())) console.log(`${VALIDATORS_DIR}/ is up to date.`);
  else if (process.argv.includes('--check')) {
    console.error(`${VALIDATORS_DIR}/ is stale: run npx tsx scripts/embedded-validators.ts`);
    process.exit(1);
  } else {
    rmSync(VALIDATORS_DIR, { recursive: true, force: true });
    mkdirSync(VALIDATORS_DIR, { recursive: true });
    for (const [file, text] of expected) writeFileSync(path.join(VALIDATORS_DIR, file), text);
    const kb = [...expected.values()].reduce((n, t) => n + t.length, 0) / 1024;
    console.log(`Wrote ${VALIDATORS_DIR}/ (${expected.size} files, ${kb.toFixed(0)} KB).`);
  }
}
