import { platformNamespaces, systemNamespaces, type Environment } from '../environment.ts';
import { duplicates, error, type Finding } from './rule.ts';

/** Databases PostgreSQL flexible server creates or reserves. */
const reservedDatabases = new Set(['azure_maintenance', 'azure_sys', 'postgres', 'template0', 'template1']);

/** Postfacto instances side by side: names, namespaces, hosts and databases unique; sane replicas. */
export function appRules(env: Environment): Finding[] {
  const out: Finding[] = [];
  const instances = env.apps.postfacto;
  const at = (i: number, field: string) => ['apps', 'postfacto', i, field];

  // Namespace and database default from the name: a duplicated name is reported once, as itself.
  const duplicateNames = new Set(duplicates(instances, (p) => p.name).map((d) => d.index));
  for (const [field, key, what] of [
    ['name', (p: (typeof instances)[number]) => p.name, 'DUPLICATE_INSTANCE'],
    ['namespace', (p: (typeof instances)[number]) => p.namespace, 'DUPLICATE_NAMESPACE'],
    ['host', (p: (typeof instances)[number]) => p.host, 'DUPLICATE_HOST'],
    ['database', (p: (typeof instances)[number]) => p.database, 'DUPLICATE_DATABASE'],
  ] as const) {
    for (const d of duplicates(instances, key)) {
      if (what !== 'DUPLICATE_INSTANCE' && duplicateNames.has(d.index)) continue;
      out.push(
        error(what, at(d.index, field), `Postfacto instances ${d.first + 1} and ${d.index + 1} share the ${field} "${key(d.item)}".`, `Give every instance its own ${field}: instances run side by side.`),
      );
    }
  }

  instances.forEach((p, i) => {
    if ((platformNamespaces as readonly string[]).includes(p.namespace) || (systemNamespaces as readonly string[]).includes(p.namespace)) {
      out.push(error('NAMESPACE_RESERVED', at(i, 'namespace'), `Namespace "${p.namespace}" belongs to the platform or to Kubernetes.`, `Use another namespace, such as postfacto-${p.name}.`));
    }
    if (reservedDatabases.has(p.database)) {
      out.push(error('DATABASE_RESERVED', at(i, 'database'), `Database "${p.database}" is reserved by PostgreSQL flexible server.`, `Use another name, such as postfacto_${p.name.replace(/-/g, '_')}.`));
    }
    if (p.replicas.min > p.replicas.max) {
      out.push(error('REPLICAS_MIN_MAX', ['apps', 'postfacto', i, 'replicas', 'min'], `Instance ${p.name} has replicas.min ${p.replicas.min} above replicas.max ${p.replicas.max}.`, `Set replicas.max to at least ${p.replicas.min}.`));
    }
  });
  return out;
}
