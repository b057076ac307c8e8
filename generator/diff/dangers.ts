// Changes that destroy, replace, reinstall or weaken something, each with the reason. Reviewers see
// them first; the rest of the diff is detail.
import { durationSeconds } from '../model/duration.ts';
import type { Environment } from '../model/environment.ts';
import type { SemanticEnvironment } from './semantic.ts';

export interface Danger {
  readonly kind: 'prune' | 'reinstall' | 'replace' | 'backups' | 'environment';
  readonly what: string;
  readonly reason: string;
}

const show = (v: unknown) => JSON.stringify(v);

export function dangers(base: Environment | undefined, head: Environment | undefined, a: SemanticEnvironment | undefined, b: SemanticEnvironment | undefined): Danger[] {
  if (!base || !a) return [];
  if (!head || !b) {
    return [{ kind: 'environment', what: `environment ${base.name} removed`, reason: 'Its generated files are pruned from out/; its cloud resources stay until its Terraform stacks are destroyed.' }];
  }
  const out: Danger[] = [];

  // Flux prune deletions and Helm reinstalls.
  for (const key of Object.keys(a.objects)) {
    if (key in b.objects) continue;
    const [kind, , name] = key.split('/');
    if (kind === 'Namespace') out.push({ kind: 'prune', what: `namespace ${name} removed`, reason: 'Flux prunes the namespace and everything in it.' });
  }
  for (const [name, r] of Object.entries(a.releases)) {
    const now = b.releases[name];
    if (!now) out.push({ kind: 'prune', what: `release ${name} removed`, reason: `Flux prunes the HelmRelease and Helm uninstalls ${name} from ${r.namespace}.` });
    else if (now.namespace !== r.namespace) out.push({ kind: 'reinstall', what: `release ${name} moves from ${r.namespace} to ${now.namespace}`, reason: 'Helm uninstalls the release and installs it again.' });
    else if (now.chart !== r.chart || now.repository !== r.repository) out.push({ kind: 'reinstall', what: `release ${name} changes chart ${r.chart} -> ${now.chart}`, reason: 'A new chart means an uninstall and a fresh install.' });
  }

  // Terraform changes that replace or destroy.
  const tf = (stack: string) => [a.terraform[stack] as Record<string, any> | undefined, b.terraform[stack] as Record<string, any> | undefined] as const;
  const [aks0, aks1] = tf('aks.aks');
  if (aks0 && aks1) {
    if (show(aks0.zones) !== show(aks1.zones)) out.push({ kind: 'replace', what: `AKS zones ${show(aks0.zones)} -> ${show(aks1.zones)}`, reason: 'Zones cannot change in place: every node pool is rebuilt.' });
    if (aks0.network.plugin !== aks1.network.plugin) out.push({ kind: 'replace', what: `AKS network plugin ${aks0.network.plugin} -> ${aks1.network.plugin}`, reason: 'The network plugin cannot change in place: the cluster is replaced.' });
    if (aks0.network.address_space !== aks1.network.address_space) out.push({ kind: 'replace', what: `VNet address space ${aks0.network.address_space} -> ${aks1.network.address_space}`, reason: 'The virtual network and its subnets are replaced, and the cluster and database with them.' });
    for (const key of ['pod_cidr', 'service_cidr'] as const) {
      if (aks0.network[key] !== aks1.network[key]) out.push({ kind: 'replace', what: `AKS ${key} ${aks0.network[key]} -> ${aks1.network[key]}`, reason: 'The cluster is replaced.' });
    }
    if (aks0.system_node_pool.vm_size !== aks1.system_node_pool.vm_size) out.push({ kind: 'replace', what: `system node pool VM size ${aks0.system_node_pool.vm_size} -> ${aks1.system_node_pool.vm_size}`, reason: 'The pool is rotated: every system node is replaced.' });
    for (const [pool, p] of Object.entries(aks0.user_node_pools as Record<string, { vm_size: string }>)) {
      const now = aks1.user_node_pools[pool];
      if (now && now.vm_size !== p.vm_size) out.push({ kind: 'replace', what: `${pool} node pool VM size ${p.vm_size} -> ${now.vm_size}`, reason: 'The pool is rotated: every node in it is replaced.' });
    }
    if (aks0.name !== aks1.name) out.push({ kind: 'replace', what: `AKS cluster renamed ${aks0.name} -> ${aks1.name}`, reason: 'The cluster is destroyed and created again.' });
    if (aks0.backup.storage_account_name !== aks1.backup.storage_account_name) out.push({ kind: 'replace', what: `backup storage account ${aks0.backup.storage_account_name} -> ${aks1.backup.storage_account_name}`, reason: 'A new, empty account: existing backups stay behind in the old one.' });
  }
  const [pg0, pg1] = tf('postgresql.postgresql');
  if (pg0 && pg1) {
    if (Number(pg1.postgresql_version) < Number(pg0.postgresql_version)) out.push({ kind: 'replace', what: `PostgreSQL version ${pg0.postgresql_version} -> ${pg1.postgresql_version}`, reason: 'A downgrade replaces the server: its data is lost unless restored.' });
    if (pg1.storage_mb < pg0.storage_mb) out.push({ kind: 'replace', what: `PostgreSQL storage ${pg0.storage_mb} MB -> ${pg1.storage_mb} MB`, reason: 'Storage cannot shrink: the server is replaced.' });
    if (pg0.name !== pg1.name) out.push({ kind: 'replace', what: `PostgreSQL server renamed ${pg0.name} -> ${pg1.name}`, reason: 'The server and all its databases are destroyed and created again.' });
    if (pg0.geo_redundant_backup !== pg1.geo_redundant_backup) out.push({ kind: 'replace', what: `PostgreSQL geo-redundant backup ${pg0.geo_redundant_backup} -> ${pg1.geo_redundant_backup}`, reason: 'This setting cannot change in place: the server is replaced.' });
    for (const db of pg0.databases as string[]) if (!(pg1.databases as string[]).includes(db)) out.push({ kind: 'replace', what: `database ${db} removed`, reason: 'Terraform refuses (prevent_destroy); dropping it means deleting its data.' });
  }
  const [dns0, dns1] = tf('dns.dns_zone');
  if (dns0 && dns1 && dns0.zone_name !== dns1.zone_name) out.push({ kind: 'replace', what: `DNS zone ${dns0.zone_name} -> ${dns1.zone_name}`, reason: 'The zone is recreated: its records and the delegation are lost.' });
  const [st0, st1] = tf('state.state');
  if (st0 && st1 && st0.storage_account_name !== st1.storage_account_name) out.push({ kind: 'replace', what: `state storage account ${st0.storage_account_name} -> ${st1.storage_account_name}`, reason: 'A new account without state: every stack would plan to create everything again.' });

  // Backups disabled or shortened.
  const v0 = base.releases.velero;
  const v1 = head.releases.velero;
  if (v0.enabled && !v1.enabled) out.push({ kind: 'backups', what: 'Velero backups disabled', reason: 'The cluster is no longer backed up outside itself.' });
  if (v0.enabled && v1.enabled) {
    for (const s of v0.schedules) {
      const now = v1.schedules.find((x) => x.name === s.name);
      if (!now) out.push({ kind: 'backups', what: `backup schedule ${s.name} removed`, reason: 'Fewer backups are taken.' });
      else if (durationSeconds(now.ttl) < durationSeconds(s.ttl)) out.push({ kind: 'backups', what: `backup schedule ${s.name} TTL ${s.ttl} -> ${now.ttl}`, reason: 'Backups are kept for less time.' });
    }
  }
  if (head.postgresql.backupRetentionDays < base.postgresql.backupRetentionDays) {
    out.push({ kind: 'backups', what: `PostgreSQL backup retention ${base.postgresql.backupRetentionDays} -> ${head.postgresql.backupRetentionDays} days`, reason: 'The point-in-time restore window shrinks.' });
  }
  return out;
}
