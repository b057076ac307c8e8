// Reading rendered objects, which are plain parsed YAML: every field may be absent or of any type.
export type Json = { readonly [key: string]: unknown };
export type Labels = Readonly<Record<string, string>>;

export const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const map = (v: unknown): Json => (isMap(v) ? v : {});
export const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
export const maps = (v: unknown): Json[] => list(v).filter(isMap);
export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The value at a path of keys, or undefined where a step is not a map. */
export function at(v: unknown, ...path: readonly string[]): unknown {
  let current = v;
  for (const key of path) {
    if (!isMap(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A string map (labels, selectors, annotations); other values are left out. */
export const stringMap = (v: unknown): Labels => Object.fromEntries(Object.entries(map(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

/** "a, b and c" for messages. */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
