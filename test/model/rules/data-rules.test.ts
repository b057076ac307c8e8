// Rules of issue 14 items 6 and 8 beyond the invalid fixtures (test/fixtures/invalid/pg-*, release-*,
// azure-name-conflict, log-analytics-off): the logging warning on server parameters, what the rules
// accept, and the fleet rules on names two environments must not share.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadEnvironmentTexts } from '../../../generator/load/load-environments.ts';
import { repoRoot } from '../../helpers/workspace.ts';

const read = (name: string) => readFileSync(path.join(repoRoot, 'environments', `${name}.yaml`), 'utf8');
const PROD = read('numbers-prod');
const TEST = read('numbers-test');

/** A copy of an example with values set at paths (undefined deletes). */
function edit(text: string, changes: ReadonlyArray<readonly [readonly (string | number)[], unknown]>): string {
  const doc = parseDocument(text);
  for (const [at, value] of changes) {
    if (value === undefined) doc.deleteIn(at);
    else doc.setIn(at, doc.createNode(value));
  }
  const out = doc.toString();
  expect(out).not.toBe(text);
  return out;
}

const load = (prod: string, test: string) =>
  loadEnvironmentTexts([
    { file: 'environments/numbers-prod.yaml', text: prod },
    { file: 'environments/numbers-test.yaml', text: test },
  ]);
const issuesOf = (prod: string, test: string, code: string) => load(prod, test).issues.filter((i) => i.code === code);

describe('postgresql.parameters', () => {
  it('warns where a logging parameter would write role passwords into the server logs, and only there', () => {
    const test = edit(TEST, [[['postgresql', 'parameters'], { log_statement: 'ddl', log_min_duration_statement: 0, 'pgaudit.log': 'READ,ROLE', log_connections: true, max_connections: 100 }]]);
    const warnings = issuesOf(PROD, test, 'PG_PARAMETER_LOGS_SECRETS');
    expect(warnings.map((w) => [w.severity, w.path])).toEqual([
      ['warning', 'postgresql.parameters.log_statement'],
      ['warning', 'postgresql.parameters.log_min_duration_statement'],
      ['warning', 'postgresql.parameters.pgaudit.log'],
    ]);
    expect(warnings[0]!.message).toContain('log_statement ddl logs every CREATE and ALTER ROLE statement');
    expect(warnings.every((w) => w.line > 0 && (w.hint ?? "").length > 0)).toBe(true);
    // Harmless logging settings pass.
    const quiet = edit(TEST, [[['postgresql', 'parameters'], { log_statement: 'mod', log_min_duration_statement: 5000, 'pgaudit.log': 'READ,-ROLE' }]]);
    expect(issuesOf(PROD, quiet, 'PG_PARAMETER_LOGS_SECRETS')).toEqual([]);
  });

  it('accepts TLS 1.3, require_secure_transport on and scram-sha-256, and models them', () => {
    const test = edit(TEST, [[['postgresql', 'parameters'], { ssl_min_protocol_version: 'TLSv1.3', require_secure_transport: true, password_encryption: 'scram-sha-256', max_connections: 150 }]]);
    const { issues, environments } = load(PROD, test);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const pg = environments.find((e) => e.name === 'numbers-test')!.postgresql;
    expect(pg.tlsMinVersion).toBe('TLSv1.3');
    expect(pg.parameters).toEqual({ max_connections: '150', password_encryption: 'scram-sha-256' });
  });

  it('refuses md5 password encryption', () => {
    const test = edit(TEST, [[['postgresql', 'parameters'], { password_encryption: 'md5' }]]);
    expect(issuesOf(PROD, test, 'PG_PARAMETER_PROTECTED').map((i) => i.path)).toEqual(['postgresql.parameters.password_encryption']);
  });
});

describe('postgresql.databases and replicas', () => {
  it('accepts C with any charset and UTF-8 locales with UTF8, and refuses names an app or the server already uses', () => {
    const ok = edit(TEST, [[['postgresql', 'databases'], [{ name: 'reports', charset: 'LATIN1', collation: 'C', ctype: 'POSIX' }, { name: 'bi', collation: 'de_DE.utf8' }]]]);
    expect(load(PROD, ok).issues.filter((i) => i.severity === 'error')).toEqual([]);
    const clash = edit(TEST, [[['postgresql', 'databases'], [{ name: 'postfacto_main' }, { name: 'azure_sys' }, { name: 'bi' }, { name: 'bi' }]]]);
    const errors = load(PROD, clash).issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => `${i.code} ${i.path}`)).toEqual(
      expect.arrayContaining(['DUPLICATE_DATABASE postgresql.databases.0.name', 'DATABASE_RESERVED postgresql.databases.1.name', 'DUPLICATE_DATABASE postgresql.databases.3.name']),
    );
  });

  it('models replicas on the primary\'s SKU unless one is given, named after the primary', () => {
    const good = edit(TEST, [
      [['postgresql', 'sku'], 'GP_Standard_D2ds_v5'],
      [['postgresql', 'replicas'], [{ name: 'read1' }, { name: 'read2', sku: 'MO_Standard_E2ds_v5' }]],
    ]);
    const { issues, environments } = load(PROD, good);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(environments.find((e) => e.name === 'numbers-test')!.postgresql.replicas.map((r) => [r.server, r.sku])).toEqual([
      ['psql-numbers-test-read1', 'GP_Standard_D2ds_v5'],
      ['psql-numbers-test-read2', 'MO_Standard_E2ds_v5'],
    ]);
  });
});

describe('names within one environment', () => {
  it('refuses a node resource group that is another resource group, case-insensitively, at the given name', () => {
    const test = edit(TEST, [[['azure', 'names'], { nodeResourceGroup: 'RG-Numbers-Test' }]]);
    const errors = issuesOf(PROD, test, 'AZURE_NAME_CONFLICT');
    expect(errors.map((e) => e.path)).toEqual(['azure.names.nodeResourceGroup']);
    expect(errors[0]!.message).toContain('AKS creates the node resource group itself');
  });

  it('refuses a resource group that is the state resource group', () => {
    const test = edit(TEST, [[['azure', 'names'], { postgresqlResourceGroup: 'rg-numbers-tfstate' }]]);
    expect(issuesOf(PROD, test, 'AZURE_NAME_CONFLICT').map((e) => e.path)).toEqual(['azure.names.postgresqlResourceGroup']);
  });

  it('accepts log collection settings only with Log Analytics on', () => {
    const on = edit(TEST, [[['aks', 'logAnalytics'], { enabled: true, containerLogs: false, interval: '5m' }]]);
    expect(issuesOf(PROD, on, 'LOG_ANALYTICS_OFF')).toEqual([]);
    const off = edit(TEST, [[['aks', 'logAnalytics'], { enabled: false, containerLogs: false, interval: '5m' }]]);
    expect(issuesOf(PROD, off, 'LOG_ANALYTICS_OFF').map((e) => e.path)).toEqual(['aks.logAnalytics.containerLogs', 'aks.logAnalytics.interval']);
  });
});

describe('names across the fleet', () => {
  it('accepts the examples', () => {
    for (const code of ['FLEET_DUPLICATE_STATE_KEY', 'FLEET_DUPLICATE_KUBE_CONTEXT', 'FLEET_DUPLICATE_RESOURCE_GROUP']) expect(issuesOf(PROD, TEST, code)).toEqual([]);
  });

  it('refuses a state key another environment uses in the same state account and container', () => {
    const test = edit(TEST, [
      [['state', 'storageAccount'], 'stnumbersprodtfstate'],
      [['state', 'container'], 'tfstate'],
      [['azure', 'names'], { stateKey: 'numbers-prod' }],
    ]);
    const errors = issuesOf(PROD, test, 'FLEET_DUPLICATE_STATE_KEY');
    expect(errors.map((e) => [e.file, e.path])).toEqual([['environments/numbers-test.yaml', 'azure.names.stateKey']]);
    expect(errors[0]!.message).toContain('where numbers-prod (environments/numbers-prod.yaml) keeps its own');
    // The same key in another account is another blob.
    const apart = edit(TEST, [[['azure', 'names'], { stateKey: 'numbers-prod' }]]);
    expect(issuesOf(PROD, apart, 'FLEET_DUPLICATE_STATE_KEY')).toEqual([]);
  });

  it('refuses a kubeconfig context another environment deploys to', () => {
    const test = edit(TEST, [[['aks', 'kubeContext'], 'aks-numbers-prod']]);
    const errors = issuesOf(PROD, test, 'FLEET_DUPLICATE_KUBE_CONTEXT');
    expect(errors.map((e) => [e.file, e.path])).toEqual([['environments/numbers-test.yaml', 'aks.kubeContext']]);
    expect(errors[0]!.hint).toContain('aks-numbers-test');
  });

  it('refuses a resource group another environment creates in the same subscription, not in another one', () => {
    const prodSubscription = load(PROD, TEST).environments.find((e) => e.name === 'numbers-prod')!.azure.subscriptionId;
    const same = edit(TEST, [
      [['azure', 'subscriptionId'], prodSubscription],
      [['azure', 'names'], { resourceGroup: 'rg-numbers-prod' }],
    ]);
    const errors = issuesOf(PROD, same, 'FLEET_DUPLICATE_RESOURCE_GROUP');
    expect(errors.map((e) => [e.file, e.path])).toEqual([['environments/numbers-test.yaml', 'azure.names.resourceGroup']]);
    const other = edit(TEST, [[['azure', 'names'], { resourceGroup: 'rg-numbers-prod' }]]);
    expect(issuesOf(PROD, other, 'FLEET_DUPLICATE_RESOURCE_GROUP')).toEqual([]);
  });
});
