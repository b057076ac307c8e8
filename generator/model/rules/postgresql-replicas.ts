// Read replicas (postgresql.replicas): a tier that has them, names of their own.
import type { Environment } from '../environment.ts';
import { azureNameProblem } from '../../../schema/azure-names.ts';
import { duplicates, error, type Finding } from './rule.ts';

/**
 * Azure: "Read replicas are not supported on the Burstable tier" and a replica's compute cannot be
 * Burstable either (learn.microsoft.com/azure/postgresql/flexible-server/concepts-read-replicas,
 * Considerations); high availability is not available on a replica (same page), so the module
 * makes replicas without it.
 */
export function postgresqlReplicaRules(env: Environment): Finding[] {
  const pg = env.postgresql;
  if (pg.replicas.length === 0) return [];
  const out: Finding[] = [];
  const at = (i: number, ...rest: PropertyKey[]) => ['postgresql', 'replicas', i, ...rest];
  if (pg.sku.startsWith('B_')) {
    out.push(
      error(
        'PG_REPLICA_SKU',
        ['postgresql', 'replicas'],
        `postgresql.replicas needs a General Purpose or Memory Optimized primary, but postgresql.sku is ${pg.sku} (Burstable), which has no read replicas.`,
        'Set postgresql.sku to a GP_ or MO_ SKU such as GP_Standard_D2ds_v5, or remove postgresql.replicas.',
      ),
    );
  }
  for (const dup of duplicates(pg.replicas, (r) => r.name)) {
    out.push(error('PG_REPLICA_NAME', at(dup.index, 'name'), `postgresql.replicas[${dup.index}] repeats the name ${dup.item.name} of postgresql.replicas[${dup.first}]: both would be server ${dup.item.server}.`, 'Give every replica its own name, such as read2.'));
  }
  pg.replicas.forEach((r, i) => {
    const problem = azureNameProblem('postgresqlServer', r.server);
    if (problem) out.push(error('PG_REPLICA_NAME', at(i, 'name'), `Replica server name ${r.server}: ${problem}.`, 'Shorten the replica name (or the environment name).'));
  });
  return out;
}
