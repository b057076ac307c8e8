// Changes that destroy, replace, reinstall, go back or weaken something, each with the reason.
// Read from the semantic models of the two sides only (the base side has no Environment model:
// it may be an older generator's output). Reviewers see them first; the rest is detail.
import { charts } from '../catalog/charts.ts';
import { durationSeconds } from '../model/duration.ts';
import type { SemanticEnvironment, SemanticRelease } from './semantic.ts';
import { isDowngrade } from './semver.ts';

export interface Danger {
  /** immutable: a field the API server refuses to change, so the Helm upgrade fails (rendered-dangers.ts). */
  readonly kind: 'prune' | 'reinstall' | 'downgrade' | 'replace' | 'immutable' | 'backups' | 'environment';
  readonly what: string;
  readonly reason: string;
}

const show = (v: unknown) => JSON.stringify(v);
const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A nested input, or undefined when an older output has another shape. */
const at = (o: unknown, ...keys: string[]): any => keys.reduce<any>((v, k) => (isMap(v) ? v[k] : undefined), o);
const changed = (a: unknown, b: unknown) => a !== undefined && b !== undefined && show(a) !== show(b);

export function dangers(name: string, a: SemanticEnvironment | undefined, b: SemanticEnvironment | undefined): Danger[] {
  if (!a) return [];
  if (!b) return [{ kind: 'environment', what: `environment ${name} removed`, reason: 'Its generated files are pruned from out/; its cloud resources stay until its Terraform stacks are destroyed.' }];
  return [...clusterDangers(a, b), ...terraformDangers(a, b), ...backupDangers(a, b)];
}

/** Flux prune deletions, Helm reinstalls and chart downgrades. */
function clusterDangers(a: SemanticEnvironment, b: SemanticEnvironment): Danger[] {
  const out: Danger[] = [];
  if (a.objects && b.objects) {
    for (const key of Object.keys(a.objects).sort()) {
      if (key in b.objects) continue;
      const [kind, , name] = key.split('/');
      if (kind === 'Namespace') out.push({ kind: 'prune', what: `namespace ${name} removed`, reason: 'Flux prunes the namespace and everything in it.' });
    }
  }
  if (!a.releases || !b.releases) return out;
  for (const name of Object.keys(a.releases).sort()) {
    const r = a.releases[name]!;
    const now = b.releases[name];
    if (!now) out.push({ kind: 'prune', what: `release ${name} removed`, reason: `Flux prunes the HelmRelease and Helm uninstalls ${name} from ${r.namespace}.` });
    else if (now.namespace !== r.namespace) out.push({ kind: 'reinstall', what: `release ${name} moves from ${r.namespace} to ${now.namespace}`, reason: 'Helm uninstalls the release and installs it again.' });
    else if (now.chart !== r.chart || now.repository !== r.repository) out.push({ kind: 'reinstall', what: `release ${name} changes chart ${r.chart} (${r.repository}) -> ${now.chart} (${now.repository})`, reason: 'A new chart means an uninstall and a fresh install.' });
    else if (isDowngrade(r.version, now.version)) {
      out.push({
        kind: 'downgrade',
        what: `release ${name} chart ${r.chart} downgraded ${r.version} -> ${now.version}`,
        reason: 'Helm runs the older chart against what the newer one installed: CRDs are not downgraded, and data or schema migrations are not undone. Pin the newer version again unless the older chart is known to handle this state.',
      });
    }
  }
  return out;
}

/** Terraform changes that replace or destroy. */
function terraformDangers(a: SemanticEnvironment, b: SemanticEnvironment): Danger[] {
  const out: Danger[] = [];
  const pair = (module: string) => [a.terraform[module], b.terraform[module]] as const;
  const [aks0, aks1] = pair('aks.aks');
  if (aks0 && aks1) {
    if (changed(aks0.zones, aks1.zones)) out.push({ kind: 'replace', what: `AKS zones ${show(aks0.zones)} -> ${show(aks1.zones)}`, reason: 'Zones cannot change in place: every node pool is rebuilt.' });
    const net = (o: unknown, key: string) => at(o, 'network', key);
    if (changed(net(aks0, 'plugin'), net(aks1, 'plugin'))) out.push({ kind: 'replace', what: `AKS network plugin ${net(aks0, 'plugin')} -> ${net(aks1, 'plugin')}`, reason: 'The network plugin cannot change in place: the cluster is replaced.' });
    if (changed(net(aks0, 'address_space'), net(aks1, 'address_space'))) out.push({ kind: 'replace', what: `VNet address space ${net(aks0, 'address_space')} -> ${net(aks1, 'address_space')}`, reason: 'The virtual network and its subnets are replaced, and the cluster and database with them.' });
    for (const key of ['pod_cidr', 'service_cidr']) {
      if (changed(net(aks0, key), net(aks1, key))) out.push({ kind: 'replace', what: `AKS ${key} ${net(aks0, key)} -> ${net(aks1, key)}`, reason: 'The cluster is replaced.' });
    }
    // A subnet's range cannot change while nodes or the delegated server use it (also when the
    // change comes from a default derived from network.vnetCidr).
    if (changed(net(aks0, 'aks_subnet_prefix'), net(aks1, 'aks_subnet_prefix'))) out.push({ kind: 'replace', what: `AKS subnet ${net(aks0, 'aks_subnet_prefix')} -> ${net(aks1, 'aks_subnet_prefix')}`, reason: 'The subnet is replaced, and every node pool in it with it.' });
    if (changed(net(aks0, 'postgresql_subnet_prefix'), net(aks1, 'postgresql_subnet_prefix'))) out.push({ kind: 'replace', what: `PostgreSQL subnet ${net(aks0, 'postgresql_subnet_prefix')} -> ${net(aks1, 'postgresql_subnet_prefix')}`, reason: 'The delegated subnet is replaced, and the database server in it with it.' });
    const system = (o: unknown) => at(o, 'system_node_pool', 'vm_size');
    if (changed(system(aks0), system(aks1))) out.push({ kind: 'replace', what: `system node pool VM size ${system(aks0)} -> ${system(aks1)}`, reason: 'The pool is rotated: every system node is replaced.' });
    const pools = at(aks0, 'user_node_pools');
    for (const pool of isMap(pools) ? Object.keys(pools).sort() : []) {
      const [was, now] = [at(aks0, 'user_node_pools', pool, 'vm_size'), at(aks1, 'user_node_pools', pool, 'vm_size')];
      if (changed(was, now)) out.push({ kind: 'replace', what: `${pool} node pool VM size ${was} -> ${now}`, reason: 'The pool is rotated: every node in it is replaced.' });
    }
    if (changed(aks0.name, aks1.name)) out.push({ kind: 'replace', what: `AKS cluster renamed ${aks0.name} -> ${aks1.name}`, reason: 'The cluster is destroyed and created again.' });
    const backup = (o: unknown) => at(o, 'backup', 'storage_account_name');
    if (changed(backup(aks0), backup(aks1))) out.push({ kind: 'replace', what: `backup storage account ${backup(aks0)} -> ${backup(aks1)}`, reason: 'A new, empty account: existing backups stay behind in the old one.' });
    const immutable = (o: unknown) => at(o, 'backup', 'immutability_days') ?? null;
    if (backup(aks0) && backup(aks1) && changed(immutable(aks0), immutable(aks1))) {
      out.push({ kind: 'replace', what: `backup immutability ${immutable(aks0) ?? 'none'} -> ${immutable(aks1) ?? 'none'} days`, reason: 'Version-level immutability is set when the account is created: the backup account is replaced, and its backups with it.' });
    }
  }
  const [pg0, pg1] = pair('postgresql.postgresql');
  if (pg0 && pg1) {
    if (Number(pg1.postgresql_version) < Number(pg0.postgresql_version)) out.push({ kind: 'replace', what: `PostgreSQL version ${pg0.postgresql_version} -> ${pg1.postgresql_version}`, reason: 'A downgrade replaces the server: its data is lost unless restored.' });
    if (changed(pg0.name, pg1.name)) out.push({ kind: 'replace', what: `PostgreSQL server renamed ${pg0.name} -> ${pg1.name}`, reason: 'The server and all its databases are destroyed and created again.' });
    if (changed(pg0.geo_redundant_backup, pg1.geo_redundant_backup)) out.push({ kind: 'replace', what: `PostgreSQL geo-redundant backup ${pg0.geo_redundant_backup} -> ${pg1.geo_redundant_backup}`, reason: 'This setting cannot change in place: the server is replaced.' });
  }
  // Storage only grows (auto-grow; the postgresql module ignores storage_mb after creation), so a smaller size is no danger.
  const [db0, db1] = pair('databases.databases');
  if (db0 && db1 && isMap(db0.databases) && isMap(db1.databases)) {
    for (const db of Object.keys(db0.databases)) {
      if (!(db in db1.databases)) out.push({ kind: 'replace', what: `database ${db} removed`, reason: 'Terraform refuses (prevent_destroy); dropping it means deleting its data.' });
    }
  }
  const [dns0, dns1] = pair('dns.dns_zone');
  if (dns0 && dns1 && changed(dns0.zone_name, dns1.zone_name)) out.push({ kind: 'replace', what: `DNS zone ${dns0.zone_name} -> ${dns1.zone_name}`, reason: 'The zone is recreated: its records and the delegation are lost.' });
  const [st0, st1] = pair('state.state');
  if (st0 && st1 && changed(st0.storage_account_name, st1.storage_account_name)) out.push({ kind: 'replace', what: `state storage account ${st0.storage_account_name} -> ${st1.storage_account_name}`, reason: 'A new account without state: every stack would plan to create everything again.' });
  return out;
}

/** The Velero release, found by its chart. */
const velero = (releases: Readonly<Record<string, SemanticRelease>> | undefined) => Object.values(releases ?? {}).find((r) => r.chart === charts.velero.source.chart);

/** Backups disabled or shortened: Velero (its schedules in the release values) and PostgreSQL retention. */
function backupDangers(a: SemanticEnvironment, b: SemanticEnvironment): Danger[] {
  const out: Danger[] = [];
  if (a.releases && b.releases) {
    const v0 = velero(a.releases);
    const v1 = velero(b.releases);
    if (v0 && !v1) out.push({ kind: 'backups', what: 'Velero backups disabled', reason: 'The cluster is no longer backed up outside itself.' });
    if (v0 && v1) {
      const schedules0 = isMap(v0.values.schedules) ? v0.values.schedules : {};
      const schedules1 = isMap(v1.values.schedules) ? v1.values.schedules : {};
      for (const name of Object.keys(schedules0).sort()) {
        const [s, now] = [schedules0[name], schedules1[name]];
        if (at(s, 'disabled') === true) continue;
        if (!isMap(now)) out.push({ kind: 'backups', what: `backup schedule ${name} removed`, reason: 'Fewer backups are taken.' });
        else if (now.disabled === true) out.push({ kind: 'backups', what: `backup schedule ${name} disabled`, reason: 'Fewer backups are taken.' });
        else {
          const [ttl0, ttl1] = [at(s, 'template', 'ttl'), at(now, 'template', 'ttl')];
          if (typeof ttl0 === 'string' && typeof ttl1 === 'string' && durationSeconds(ttl1) < durationSeconds(ttl0)) out.push({ kind: 'backups', what: `backup schedule ${name} TTL ${ttl0} -> ${ttl1}`, reason: 'Backups are kept for less time.' });
        }
      }
    }
  }
  const retention = (s: SemanticEnvironment) => at(s.terraform['postgresql.postgresql'], 'backup_retention_days');
  const [r0, r1] = [retention(a), retention(b)];
  if (typeof r0 === 'number' && typeof r1 === 'number' && r1 < r0) out.push({ kind: 'backups', what: `PostgreSQL backup retention ${r0} -> ${r1} days`, reason: 'The point-in-time restore window shrinks.' });
  return out;
}
