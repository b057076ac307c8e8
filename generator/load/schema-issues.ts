// Turns zod issues into located Slipway issues: a sentence naming the field and the rule, the
// position of the offending node, and a hint (the closest known key or value for typos).
import type { z } from 'zod';
import type { Issue } from '../issues.ts';
import { formatPath } from '../issues.ts';
import { exists, keyPosition, nodeAt, position } from './locate.ts';
import { closest } from './suggest.ts';
import type { YamlSource } from './yaml-document.ts';

type ZodIssue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export function schemaIssues(source: YamlSource, schema: z.ZodType, zodIssues: readonly ZodIssue[]): Issue[] {
  const issues = zodIssues.flatMap((issue) => convert(source, schema, issue));
  // A misspelt required key shows up twice (unknown + required); the unknown-key issue, whose
  // hint names the right key, says it all.
  const misspelt = new Set(issues.filter((i) => i.code === 'SCHEMA_UNKNOWN_KEY').map((i) => `${parentOf(i.path)}.${/"(.*)"/.exec(i.hint ?? '')?.[1]}`));
  return issues.filter((i) => !(i.code === 'SCHEMA_REQUIRED' && misspelt.has(i.path.includes('.') ? i.path : `.${i.path}`)));
}

const parentOf = (p: string) => p.split('.').slice(0, -1).join('.');

function convert(source: YamlSource, schema: z.ZodType, issue: ZodIssue): Issue[] {
  const path = issue.path;
  const base = { severity: 'error' as const, file: source.file, path: formatPath(path) };
  const value = valueAt(source.data, path);
  const field = fieldName(path);

  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = Object.keys(objectShape(schemaAt(schema, path, source.data)) ?? {});
        const guess = closest(key, known);
        return {
          ...base,
          code: 'SCHEMA_UNKNOWN_KEY',
          path: formatPath([...path, key]),
          message: `${path.length ? `"${formatPath(path)}"` : 'The top level'} has no field "${key}".`,
          hint: guess ? `Did you mean "${guess}"?` : `Known fields here: ${known.join(', ')}.`,
          ...(keyPosition(source, path, key) ?? position(source, path)),
        };
      });
    case 'invalid_type': {
      if (value === undefined && !exists(source, path)) {
        const description = schemaAt(schema, path, source.data)?.description;
        const parent = path.slice(0, -1);
        return [
          {
            ...base,
            code: 'SCHEMA_REQUIRED',
            message: `${field} is required.`,
            hint: `Add "${String(path.at(-1))}:" ${parent.length ? `under "${formatPath(parent)}"` : 'at the top level'}${description ? `: ${description}` : '.'}`,
            ...position(source, path),
          },
        ];
      }
      const received = describeType(value);
      return [
        {
          ...base,
          code: 'SCHEMA_TYPE',
          message: `${field} must be ${article(issue.expected)}, not ${received}.`,
          hint: typeHint(issue.expected, value, rawText(source, path)),
          ...position(source, path),
        },
      ];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const guess = typeof value === 'string' ? closest(value, issue.values.map(String)) : undefined;
      return [
        {
          ...base,
          code: 'SCHEMA_ENUM',
          message: `${field} is ${show(value)}, which is not one of ${allowed.join(', ')}.`,
          hint: guess ? `Did you mean "${guess}"?` : `Use one of ${allowed.join(', ')}.`,
          ...position(source, path),
        },
      ];
    }
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      // zod points at the discriminator key itself; the union schema is one level up.
      const unionPath = discriminator !== undefined && path.at(-1) === discriminator ? path.slice(0, -1) : path;
      const options = unionDiscriminatorValues(schemaAt(schema, unionPath, source.data), discriminator);
      const at = discriminator ? [...unionPath, discriminator] : path;
      const given = valueAt(source.data, at);
      const guess = typeof given === 'string' ? closest(given, options) : undefined;
      return [
        {
          ...base,
          code: 'SCHEMA_ENUM',
          path: formatPath(at),
          message: `${fieldName(at)} is ${show(given)}, which is not one of ${options.map((o) => JSON.stringify(o)).join(', ')}.`,
          hint: guess ? `Did you mean "${guess}"?` : `Set "${discriminator ?? 'type'}" to one of ${options.join(', ')}.`,
          ...position(source, at),
        },
      ];
    }
    case 'invalid_key': {
      const key = String(path.at(-1));
      const inner = issue.issues[0]?.message;
      return [
        {
          ...base,
          code: 'SCHEMA_KEY',
          message: `${fieldName(path.slice(0, -1))} has an invalid key "${key}".`,
          hint: inner ?? 'Rename the key.',
          ...(keyPosition(source, path.slice(0, -1), key) ?? position(source, path)),
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const unit = issue.origin === 'string' ? ' characters long' : issue.origin === 'array' ? (Number(bound) === 1 ? ' item' : ' items') : '';
      const verb = issue.origin === 'array' ? 'must have' : 'must be';
      return [
        {
          ...base,
          code: 'SCHEMA_RANGE',
          message: `${field} ${verb} ${word} ${String(bound)}${unit}${issue.origin === 'array' ? '' : `, and it is ${show(value)}`}.`,
          hint: isCustom(issue.message) ? issue.message : `Change ${field} to a value ${word} ${String(bound)}.`,
          ...position(source, path),
        },
      ];
    }
    default:
      return [
        {
          ...base,
          code: 'SCHEMA_FORMAT',
          message: `${field} is ${show(value)}, which is not valid here.`,
          hint: isCustom(issue.message) ? issue.message : `Fix the value: ${issue.message}.`,
          ...position(source, path),
        },
      ];
  }
}

/** zod's own messages start like this; ours are written as advice. */
const isCustom = (message: string) => !/^(Invalid|Too (big|small))\b/.test(message);

/** The value as written in the file (1.30, not the number 1.3). */
function rawText(source: YamlSource, path: Path): string {
  const range = nodeAt(source, path).node?.range;
  return range ? source.text.slice(range[0], range[1]).trim() : '';
}

const fieldName = (path: Path) => (path.length ? `"${formatPath(path)}"` : 'The document');

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[segment as never];
  }
  return v;
}

function describeType(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${article(typeof value)} (${show(value)})`;
}

const article = (type: string) => {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false' };
  return names[type] ?? type;
};

function typeHint(expected: string, value: unknown, raw: string): string {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return `Quote the value: "${raw}". YAML reads unquoted ${raw} as the ${typeof value} ${String(value)}.`;
  }
  if (expected === 'array' && value !== null && typeof value !== 'object') return 'Write a list: [a, b] or one "- item" per line.';
  if (expected === 'object') return 'Write a mapping of "key: value" lines indented under the field.';
  if (value === null) return 'Give the field a value or remove the line.';
  return `Write ${article(expected)}.`;
}

function show(value: unknown): string {
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---- walking the zod schema to find what is allowed at a path ----

interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  while (cur && ['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(defOf(cur).type)) cur = defOf(cur).innerType;
  return cur;
}

/** The schema that describes the value at `path` (the union branch chosen by the data). */
export function schemaAt(schema: z.ZodType, path: Path, data: unknown): z.ZodType | undefined {
  let cur: z.ZodType | undefined = schema;
  let value = data;
  for (const segment of path) {
    cur = pickBranch(unwrap(cur), value);
    if (!cur) return undefined;
    const def = defOf(cur);
    if (def.type === 'object') cur = def.shape?.[String(segment)];
    else if (def.type === 'array') cur = def.element;
    else if (def.type === 'record') cur = def.valueType;
    else return undefined;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[segment as never] : undefined;
  }
  // Keep the description of the outer wrapper (optional().describe() puts it there).
  const described = cur;
  const inner = pickBranch(unwrap(cur), value);
  return inner && described?.description && !inner.description ? described : inner;
}

function pickBranch(s: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  if (!s || defOf(s).type !== 'union') return s;
  const def = defOf(s);
  const d = def.discriminator;
  if (d && value && typeof value === 'object') {
    const tag = (value as Record<string, unknown>)[d];
    return def.options?.find((o) => (defOf(o).shape?.[d] as { _zod: { def: { values?: unknown[] } } } | undefined)?._zod.def.values?.includes(tag)) ?? s;
  }
  return s;
}

function objectShape(s: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  const inner = unwrap(s);
  return inner && defOf(inner).type === 'object' ? defOf(inner).shape : undefined;
}

function unionDiscriminatorValues(s: z.ZodType | undefined, discriminator: string | undefined): string[] {
  const inner = unwrap(s);
  if (!inner || !discriminator || defOf(inner).type !== 'union') return [];
  return (defOf(inner).options ?? []).flatMap((o) => ((defOf(o).shape?.[discriminator] as unknown as { _zod: { def: { values?: unknown[] } } })?._zod.def.values ?? []).map(String));
}
