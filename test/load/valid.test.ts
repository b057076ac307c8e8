import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEnvironmentFiles, loadEnvironments } from '../../generator/load/load-environments.ts';
import { repoRoot } from '../helpers/workspace.ts';

const examples = listEnvironmentFiles(path.join(repoRoot, 'environments'));

describe('valid environments', () => {
  it('ships the examples (prod, test and the Dora team\'s staging) and every one validates without errors', () => {
    const names = examples.map((f) => path.basename(f, '.yaml'));
    expect(names).toEqual(expect.arrayContaining(['dora-staging', 'numbers-prod', 'numbers-test']));
    const { environments, issues } = loadEnvironments(examples);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(environments.map((e) => e.name)).toEqual(names);
  });

  it('warns that ingress-nginx is retired, once per environment, without failing (numbers-test and dora-staging acknowledge it)', () => {
    const { issues, acknowledged } = loadEnvironments(examples);
    const retired = [...issues, ...acknowledged].filter((i) => i.code === 'INGRESS_NGINX_RETIRED');
    expect(retired.map((i) => path.basename(i.file)).sort()).toEqual(examples.map((f) => path.basename(f)).sort());
    expect(retired.every((i) => i.severity === 'warning' && i.line > 0)).toBe(true);
    expect(acknowledged.map((i) => path.basename(i.file)).sort()).toEqual(['dora-staging.yaml', 'numbers-test.yaml']);
    expect(issues.filter((i) => i.code === 'INGRESS_NGINX_RETIRED').map((i) => path.basename(i.file))).toEqual(['numbers-prod.yaml']);
  });

  it('accepts a minimal file and fills every default by stage', () => {
    const fixtures = path.join(repoRoot, 'test/fixtures/valid');
    const load = (f: string) => loadEnvironments([path.join(fixtures, f)]);
    const results = [load('minimal.yaml'), load('minimal-prod.yaml')];
    expect(results.flatMap((r) => r.issues).filter((i) => i.severity === 'error')).toEqual([]);
    const environments = results.flatMap((r) => r.environments);
    const [test, prod] = [environments.find((e) => e.stage === 'test')!, environments.find((e) => e.stage === 'prod')!];
    expect(test.aks.zones).toEqual([1]);
    expect(prod.aks.zones).toEqual([1, 2, 3]);
    expect(test.postgresql.highAvailability).toBe('Disabled');
    expect(prod.postgresql.highAvailability).toBe('ZoneRedundant');
    expect(prod.postgresql.sku.startsWith('GP_')).toBe(true);
    expect(test.releases.certManager.issuer).toBe('staging');
    expect(prod.releases.certManager.issuer).toBe('production');
    expect(prod.apps.postfacto[0]!.replicas).toEqual({ min: 2, max: 4, cpu: 70, memory: null });
    expect(prod.releases.velero).toMatchObject({ enabled: true, schedules: [{ name: 'daily', schedule: '0 2 * * *', ttl: '720h' }] });
    expect(test.apps.postfacto[0]).toMatchObject({ namespace: 'postfacto-main', release: 'postfacto-main', database: 'postfacto_main' });
    expect(test.names).toMatchObject({ resourceGroup: 'rg-minimal', cluster: 'aks-minimal', keyVault: 'kv-minimal', backupStorageAccount: 'stminimalbkp' });
    expect(test.azure.tags).toEqual({ environment: 'minimal', 'managed-by': 'slipway', stage: 'test' });
  });

  it('freezes the resolved model so no renderer can change it', () => {
    const { environments } = loadEnvironments(examples);
    const env = environments[0]!;
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.aks.nodePools[0]!.labels)).toBe(true);
    expect(() => {
      (env.aks.zones as number[]).push(4);
    }).toThrow(TypeError);
  });

  it('puts two Postfacto versions side by side in prod with nothing shared', () => {
    const prod = loadEnvironments(examples).environments.find((e) => e.name === 'numbers-prod')!;
    const [a, b] = prod.apps.postfacto;
    expect(a!.version).not.toBe(b!.version);
    expect(new Set([a!.host, b!.host, a!.namespace, b!.namespace, a!.database, b!.database]).size).toBe(6);
  });

  it('reports all problems of all files at once, sorted by file and position', () => {
    const fixtures = path.join(repoRoot, 'test/fixtures/invalid');
    const files = ['zone-out-of-range.yaml', 'bad-guid.yaml', 'yaml-tab.yaml'].map((f) => path.join(fixtures, f));
    const { issues } = loadEnvironments(files);
    const errors = issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => i.code)).toEqual(['SCHEMA_FORMAT', 'YAML_TAB', 'AKS_ZONES']);
    const keys = issues.map((i) => [i.file, i.line, i.column] as const);
    const sorted = [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2]));
    expect(keys).toEqual(sorted);
  });

  it('reports a missing file as a located error instead of crashing', () => {
    const { issues } = loadEnvironments(['environments/does-not-exist.yaml']);
    expect(issues).toMatchObject([{ code: 'FILE_NOT_FOUND', severity: 'error', file: 'environments/does-not-exist.yaml' }]);
  });
});

describe('fleet rules', () => {
  it('refuses two environments that manage one DNS zone, pointing at the second', () => {
    const fixtures = path.join(repoRoot, 'test/fixtures/valid');
    const files = ['minimal.yaml', 'minimal-prod.yaml'].map((f) => path.relative(process.cwd(), path.join(fixtures, f)));
    const { issues } = loadEnvironments(files);
    expect(issues.filter((i) => i.severity === 'error')).toMatchObject([{ code: 'FLEET_DUPLICATE_ZONE', file: files[1], line: 12, column: 9, path: 'dns.zone' }]);
  });
});
