// Values trees: the env-independent base of a release (out/base) plus the environment's delta
// (the overlay patch) must give exactly the values helmfile uses.
import type { Values } from './types.ts';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge as kustomize (JSON merge patch) and Helm merge maps: maps merge, anything else replaces. */
export function mergeValues(base: Values, override: Values): Values {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = isMap(out[k]) && isMap(v) ? mergeValues(out[k] as Values, v) : v;
  return out;
}

/** What `full` adds to or changes in `base`: the smallest patch with mergeValues(base, delta) == full. */
export function valuesDelta(full: Values, base: Values): Values {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) {
    const b = base[k];
    if (isMap(v) && isMap(b)) {
      const inner = valuesDelta(v, b);
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else if (v !== b && JSON.stringify(v) !== JSON.stringify(b)) out[k] = v;
  }
  for (const k of Object.keys(base)) if (!(k in full)) throw new Error(`valuesDelta: "${k}" is in the base but not in the values; a merge patch cannot remove it.`);
  return out;
}
