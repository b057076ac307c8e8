// Label selectors as the API server evaluates them (k8s.io/apimachinery labels.Selector):
// matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) all have to hold; an empty
// selector matches everything. A nil selector matches nothing; callers decide where nil occurs.
import { isMap, list, map, maps, stringMap, text, type Labels } from './data.ts';

/** A LabelSelector (matchLabels + matchExpressions) against a set of labels. */
export function matchesSelector(selector: unknown, labels: Labels): boolean {
  if (!isMap(selector)) return false;
  for (const [key, value] of Object.entries(stringMap(selector.matchLabels))) if (labels[key] !== value) return false;
  for (const e of maps(selector.matchExpressions)) {
    const key = text(e.key) ?? '';
    const values = list(e.values).map(String);
    const has = Object.hasOwn(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service-style selector: a plain map, every pair present. */
export const matchesMap = (selector: Labels, labels: Labels): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The selector the way kubectl prints it: "a=b,c in (d,e)". */
export function describeSelector(selector: unknown): string {
  const s = map(selector);
  const parts = Object.entries(stringMap(s.matchLabels ?? (isMap(selector) && !('matchLabels' in s) && !('matchExpressions' in s) ? selector : {}))).map(([k, v]) => `${k}=${v}`);
  for (const e of maps(s.matchExpressions)) {
    const values = list(e.values).map(String).join(',');
    parts.push(e.operator === 'Exists' ? String(e.key) : e.operator === 'DoesNotExist' ? `!${String(e.key)}` : `${String(e.key)} ${String(e.operator).toLowerCase()} (${values})`);
  }
  return parts.length ? parts.join(',') : '(everything)';
}
