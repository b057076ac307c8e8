import { closest } from '../../load/suggest.ts';
import { namespacesOf, platformNamespaceNames } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import { duplicates, error, type Finding } from './rule.ts';

/** Access grants name namespaces Slipway manages, and each group appears once. */
export function accessRules(env: Environment): Finding[] {
  const known = [...new Set([...platformNamespaceNames, ...namespacesOf(env).map((n) => n.name)])];
  const out: Finding[] = [];
  env.access.forEach((entry, i) => {
    for (const namespace of Object.keys(entry.namespaces)) {
      if (known.includes(namespace)) continue;
      const guess = closest(namespace, known);
      out.push(
        error('ACCESS_NAMESPACE_UNKNOWN', ['access', i, 'namespaces', namespace], `Namespace "${namespace}" is not managed by Slipway in this environment.`, guess ? `Did you mean "${guess}"?` : `Use one of: ${known.join(', ')}.`),
      );
    }
  });
  for (const d of duplicates(env.access, (e) => e.group)) {
    out.push(error('ACCESS_DUPLICATE_GROUP', ['access', d.index, 'group'], `Group ${d.item.group} has two access entries (${d.first + 1} and ${d.index + 1}).`, 'Merge the namespaces of both entries into one.'));
  }
  return out;
}
