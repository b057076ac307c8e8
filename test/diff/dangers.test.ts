// Dangers read from the semantic models alone: the base side may be an older generator's output,
// with no Environment model behind it and inputs of another shape.
import { describe, expect, it } from 'vitest';
import { dangers } from '../../generator/diff/dangers.ts';
import type { SemanticEnvironment, SemanticRelease } from '../../generator/diff/semantic.ts';

const release = (over: Partial<SemanticRelease> = {}): SemanticRelease => ({ namespace: 'ns', chart: 'c', repository: 'https://charts.example.com', version: '1.2.0', values: {}, ...over });
const model = (over: Partial<SemanticEnvironment> = {}): SemanticEnvironment => ({ terraform: {}, terraformRest: {}, objects: {}, releases: {}, sources: new Set(), problems: [], ...over });
const veleroWith = (schedules: Record<string, unknown>) => release({ namespace: 'velero', chart: 'velero', values: { schedules } });
const whats = (a: SemanticEnvironment, b: SemanticEnvironment) => dangers('e', a, b).map((d) => `${d.kind}: ${d.what}`);

describe('dangers', () => {
  it('flags a chart downgrade with the reason, but not an upgrade or an unordered version', () => {
    const d = dangers('e', model({ releases: { a: release({ version: 'v1.22.0-rc.1' }), b: release({ version: '1.0.0' }), c: release({ version: 'main' }) } }), model({ releases: { a: release({ version: 'v1.21.1' }), b: release({ version: '1.1.0' }), c: release({ version: '1.0.0' }) } }));
    expect(d).toEqual([{ kind: 'downgrade', what: 'release a chart c downgraded v1.22.0-rc.1 -> v1.21.1', reason: expect.stringContaining('CRDs are not downgraded') }]);
  });

  it('flags a release that moves namespace or changes chart as a reinstall', () => {
    expect(whats(model({ releases: { a: release(), b: release() } }), model({ releases: { a: release({ namespace: 'other' }), b: release({ repository: 'oci://example.com/c' }) } }))).toEqual([
      'reinstall: release a moves from ns to other',
      'reinstall: release b changes chart c (https://charts.example.com) -> c (oci://example.com/c)',
    ]);
  });

  it('flags Velero switched off, a schedule disabled and a shorter PostgreSQL retention', () => {
    const pg = (days: number) => ({ 'postgresql.postgresql': { backup_retention_days: days } });
    expect(whats(model({ releases: { velero: veleroWith({ daily: { template: { ttl: '720h' } } }) }, terraform: pg(35) }), model({ terraform: pg(7) }))).toEqual([
      'prune: release velero removed',
      'backups: Velero backups disabled',
      'backups: PostgreSQL backup retention 35 -> 7 days',
    ]);
    expect(whats(model({ releases: { velero: veleroWith({ daily: { disabled: false, template: { ttl: '720h' } } }) } }), model({ releases: { velero: veleroWith({ daily: { disabled: true, template: { ttl: '720h' } } }) } }))).toEqual([
      'backups: backup schedule daily disabled',
    ]);
  });

  it('flags a moved subnet (written or derived from network.vnetCidr) as a replacement of what sits in it', () => {
    const aks = (aksSubnet: string, pgSubnet: string) => ({ 'aks.aks': { network: { address_space: '10.0.0.0/8', aks_subnet_prefix: aksSubnet, postgresql_subnet_prefix: pgSubnet } } });
    expect(whats(model({ terraform: aks('10.40.0.0/20', '10.40.16.0/24') }), model({ terraform: aks('10.0.0.0/20', '10.0.16.0/24') }))).toEqual([
      'replace: AKS subnet 10.40.0.0/20 -> 10.0.0.0/20',
      'replace: PostgreSQL subnet 10.40.16.0/24 -> 10.0.16.0/24',
    ]);
    expect(whats(model({ terraform: aks('10.40.0.0/20', '10.40.16.0/24') }), model({ terraform: aks('10.40.0.0/20', '10.40.16.0/24') }))).toEqual([]);
  });

  // Azure, immutable storage for blob versions: account-level version-level WORM is set at creation.
  it('flags a change of backup immutability as a replacement of the backup account, and removed databases', () => {
    const backup = (days?: number) => ({ 'aks.aks': { backup: { storage_account_name: 'stbkp', ...(days && { immutability_days: days }) } } });
    expect(whats(model({ terraform: backup() }), model({ terraform: backup(35) }))).toEqual(['replace: backup immutability none -> 35 days']);
    expect(whats(model({ terraform: backup(35) }), model({ terraform: backup(35) }))).toEqual([]);
    const dbs = (names: string[]) => ({ 'databases.databases': { databases: Object.fromEntries(names.map((n) => [n, { password_secret_name: `${n}-pw` }])) } });
    expect(whats(model({ terraform: dbs(['a', 'b']) }), model({ terraform: dbs(['a']) }))).toEqual(['replace: database b removed']);
  });

  it('compares only what both sides have: an older output of another shape is no crash', () => {
    const older = model({ terraform: { 'aks.aks': { zones: ['1', '2', '3'] }, 'postgresql.postgresql': { name: 'psql' } }, objects: undefined, releases: undefined });
    const now = model({ terraform: { 'aks.aks': { zones: ['1', '2', '3'], network: { plugin: 'azure' } }, 'postgresql.postgresql': { name: 'psql', databases: ['a'] } }, releases: {} });
    expect(dangers('e', older, now)).toEqual([]);
    expect(dangers('e', undefined, now)).toEqual([]);
    expect(dangers('e', now, undefined).map((d) => d.kind)).toEqual(['environment']);
  });
});
