// Delegation kept in the parent's dns stack (issue 18.7), existing zones (issue 14.8) and the state
// account's blob logs (issue 18.8): the stacks the examples generate, the module HCL evaluated with
// the real terraform (console, no providers), and the rules around them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { renderTerraform } from '../../generator/render/terraform/render.ts';
import { blocksOf, parseFile, parseModule, type Body } from '../helpers/hcl.ts';
import { planTimeProblems, planTimeVariables } from '../helpers/plan-time.ts';
import { examples } from '../helpers/render.ts';
import { evaluateExpressions } from '../helpers/terraform-conditions.ts';
import { repoRoot } from '../helpers/workspace.ts';

const modulesDir = path.join(repoRoot, 'terraform/modules');
const { environments, files } = examples();
const tfvars = (env: string, stack: string) => JSON.parse(files.get(`${env}/terraform/${stack}/terraform.tfvars.json`)!) as Record<string, any>;
const resource = async (m: string, kind: string, type: string, name: string): Promise<Body> =>
  blocksOf(await parseModule(path.join(modulesDir, m)), kind).find(([t, n]) => t === type && n === name)![2];
const read = (name: string) => readFileSync(path.join(repoRoot, 'environments', `${name}.yaml`), 'utf8');
const unwrap = (expr: unknown) => String(expr).replace(/^\$\{([\s\S]*)\}$/, '$1');

describe("the parent's dns stack keeps the delegation to a child of the fleet", () => {
  const prod = environments.find((e) => e.name === 'numbers-prod')!;
  const test = environments.find((e) => e.name === 'numbers-test')!;

  it("numbers-prod's dns stack delegates test.retro.numbers.example.com, reading numbers-test's dns state", () => {
    expect(tfvars('numbers-prod', 'dns').child_delegations).toEqual({
      'numbers-test': {
        name: 'test',
        state: { resource_group_name: test.state.resourceGroup, storage_account_name: test.state.storageAccount, container_name: test.state.container, key: 'numbers-test/dns.tfstate' },
      },
    });
    // numbers-test's own stack writes nothing into the parent: no parent zone, its parent provider in its own subscription.
    expect(tfvars('numbers-test', 'dns')).toMatchObject({ parent_zone: null, child_delegations: {} });
    expect(files.get('numbers-test/terraform/dns/versions.tf')).not.toContain(prod.azure.subscriptionId);
  });

  it("the child's state stack lets the parent's deployers read its dns state blob only, and its runners through the firewall", () => {
    const state = tfvars('numbers-test', 'state');
    const readers = prod.terraform.deployers.map((d) => d.objectId).filter((id) => !test.terraform.deployers.some((d) => d.objectId === id));
    expect(readers.length).toBeGreaterThan(0);
    expect(state.blob_data_readers).toEqual(Object.fromEntries(readers.map((id) => [`numbers-prod-deployer-${id}`, { principal_id: id, blobs: ['numbers-test/dns.tfstate'] }])));
    expect(state.allowed_ip_ranges).toEqual([...new Set([...test.terraform.runnerRanges, ...prod.terraform.runnerRanges])]);
    // Nobody reads prod's state from outside.
    expect(tfvars('numbers-prod', 'state').blob_data_readers).toEqual({});
  });

  it('reads the child state with Entra ID and an empty default, and writes a record only for a child with name servers', async () => {
    const remote = await resource('dns-zone', 'data', 'terraform_remote_state', 'child');
    expect(remote.backend).toBe('azurerm');
    expect((remote.config as Record<string, unknown>).use_azuread_auth).toBe(true);
    expect(remote.defaults).toEqual({ name_servers: [] });
    const record = await resource('dns-zone', 'resource', 'azurerm_dns_ns_record', 'child');
    expect(record.zone_name).toBe('${azurerm_dns_zone.this[0].name}');
    expect(record.provider).toBeUndefined(); // this zone, this stack's own provider
    // The for_each filter, evaluated with the answers of two children: one applied, one not yet.
    const filter = unwrap(record.for_each).replace(/data\.terraform_remote_state\.child\[key\]\.outputs\.name_servers/g, 'local.answers[key]');
    const values = {
      zone_name: 'retro.numbers.example.com',
      resource_group_name: 'rg-numbers-prod-dns',
      location: 'westeurope',
      child_delegations: {
        'numbers-test': { name: 'test', state: { resource_group_name: 'rg', storage_account_name: 'st', container_name: 'tfstate', key: 'numbers-test/dns.tfstate' } },
        'numbers-dev': { name: 'dev', state: { resource_group_name: 'rg', storage_account_name: 'st', container_name: 'tfstate', key: 'numbers-dev/dns.tfstate' } },
      },
    };
    const answers = '{ "numbers-test" = ["ns1-01.azure-dns.com."], "numbers-dev" = [] }';
    const [keys] = await evaluateExpressions(path.join(modulesDir, 'dns-zone'), [`keys(${filter.replace(/local\.answers/g, answers)})`], values);
    expect(keys).toEqual(['numbers-test']);
  });

  it('keeps for_each plan-time: the remote state reads only variables, so Terraform reads it during plan', async () => {
    expect(await planTimeProblems(path.join(modulesDir, 'dns-zone'))).toEqual([]);
    expect(await planTimeProblems(path.join(modulesDir, 'remote-state'))).toEqual([]);
    // Its arguments count as the keys' inputs: the stack must pass child_delegations from tfvars.
    expect(await planTimeVariables(path.join(modulesDir, 'dns-zone'))).toContain('child_delegations');
    expect(tfvars('numbers-prod', 'dns')).toHaveProperty('child_delegations');
  });

  it('still refuses a for_each over a data source that reads something created in the same apply (the check can fail)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-data-'));
    writeFileSync(
      path.join(dir, 'main.tf'),
      [
        'variable "key" {\n  type = string\n}',
        'data "terraform_remote_state" "known" {\n  backend = "azurerm"\n  config = { key = var.key }\n}',
        'data "terraform_remote_state" "deferred" {\n  backend = "azurerm"\n  config = { key = azurerm_storage_container.x.name }\n}',
        'resource "azurerm_dns_ns_record" "a" {\n  for_each = { for k, v in data.terraform_remote_state.known.outputs : k => v }\n}',
        'resource "azurerm_dns_ns_record" "b" {\n  for_each = { for k, v in data.terraform_remote_state.deferred.outputs : k => v }\n}',
        '',
      ].join('\n'),
    );
    expect(await planTimeProblems(dir)).toEqual(['resource.azurerm_dns_ns_record.b.for_each: ${{ for k, v in data.terraform_remote_state.deferred.outputs : k => v }}']);
    expect(await planTimeVariables(dir)).toEqual(['key']);
  });

  it('the reader role is conditioned on the container and the listed blob paths (Azure ABAC blob path attribute)', async () => {
    const assignment = await resource('remote-state', 'resource', 'azurerm_role_assignment', 'blob_data_reader');
    expect(assignment.role_definition_name).toBe('Storage Blob Data Reader');
    expect(assignment.condition_version).toBe('2.0');
    // Each interpolation of the heredoc evaluated by terraform for one reader of one blob.
    const template = String(assignment.condition).replace(/each\.value\.blobs/g, '["numbers-test/dns.tfstate"]');
    const interpolations: string[] = [];
    for (let i = template.indexOf('${'); i !== -1; i = template.indexOf('${', i + 1)) {
      let depth = 0;
      let j = i + 1;
      for (; j < template.length; j++) if (template[j] === '{') depth++; else if (template[j] === '}' && --depth === 0) break;
      interpolations.push(template.slice(i, j + 1));
      i = j;
    }
    const evaluated = (await evaluateExpressions(path.join(modulesDir, 'remote-state'), interpolations.map(unwrap), { resource_group_name: 'rg', location: 'westeurope', storage_account_name: 'sttest' })) as string[];
    const condition = interpolations.reduce((text, expr, k) => text.replace(expr, evaluated[k]!), template);
    expect(condition!.replace(/\s+/g, ' ').trim()).toBe(
      "( ( !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'}) ) OR ( @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'tfstate' AND (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringEquals 'numbers-test/dns.tfstate') ) )",
    );
  });
});

describe('an existing DNS zone (dns.existing)', () => {
  const existingTest = read('numbers-test').replace(/dns:\n  zone: test\.retro\.numbers\.example\.com\n  parent:\n(?: {4}.*\n)+/, 'dns:\n  zone: test.retro.numbers.example.com\n  existing:\n    resourceGroup: rg-shared-dns\n    subscriptionId: 11111111-2222-4333-8444-555555555555\n');

  it('is looked up through the zone provider, never created, locked or delegated', () => {
    expect(existingTest).toContain('existing:');
    const loaded = loadEnvironmentTexts([
      { file: 'environments/numbers-prod.yaml', text: read('numbers-prod') },
      { file: 'environments/numbers-test.yaml', text: existingTest },
    ]);
    expect(loaded.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const rendered = renderTerraform(loaded.environments);
    const dns = JSON.parse(rendered.get('numbers-test/terraform/dns/terraform.tfvars.json')!) as Record<string, unknown>;
    expect(dns).toMatchObject({ existing: true, resource_group_name: 'rg-shared-dns', parent_zone: null, child_delegations: {} });
    expect(rendered.get('numbers-test/terraform/dns/versions.tf')).toMatch(/alias\s+= "zone"\n\s+subscription_id\s+= "11111111-2222-4333-8444-555555555555"/);
    // The parent no longer delegates to it, and the test state grants prod nothing.
    expect(JSON.parse(rendered.get('numbers-prod/terraform/dns/terraform.tfvars.json')!).child_delegations).toEqual({});
  });

  it('creates nothing and keeps the state of an owned zone where it was (moved blocks)', async () => {
    for (const name of ['azurerm_resource_group', 'azurerm_dns_zone']) expect(String((await resource('dns-zone', 'resource', name, 'this')).count)).toBe('${var.existing ? 0 : 1}');
    expect(String((await resource('dns-zone', 'resource', 'azurerm_management_lock', 'zone')).count)).toBe('${var.lock_enabled && !var.existing ? 1 : 0}');
    const lookup = await resource('dns-zone', 'data', 'azurerm_resources', 'existing_zone');
    expect(lookup.provider).toBe('${azurerm.zone}');
    const moved = ((await parseModule(path.join(modulesDir, 'dns-zone'))).moved as Body[]).map((m) => [m.from, m.to]);
    expect(moved).toEqual([
      ['${azurerm_resource_group.this}', '${azurerm_resource_group.this[0]}'],
      ['${azurerm_dns_zone.this}', '${azurerm_dns_zone.this[0]}'],
    ]);
  });

  it("derives the zone's resource group ID from the zone ID whatever the case Azure spells it in", async () => {
    const locals = ((await parseModule(path.join(modulesDir, 'dns-zone'))).locals as Body[]).find((l) => 'resource_group_id' in l)!;
    const expression = unwrap(locals.resource_group_id).replace('local.zone_id', '"/subscriptions/s1/resourcegroups/RG-Shared-DNS/providers/Microsoft.Network/dnszones/x.example.com"').replace('var.existing', 'true');
    expect(await evaluateExpressions(path.join(modulesDir, 'dns-zone'), [expression.replace(/azurerm_resource_group\.this\[0\]\.id/, '"unused"')], { resource_group_name: 'rg', location: 'westeurope', zone_name: 'x.example.com' })).toEqual(['/subscriptions/s1/resourcegroups/RG-Shared-DNS']);
  });

  it('refuses a parent zone or child delegations beside existing (module validations)', async () => {
    const doc = await parseFile(path.join(modulesDir, 'dns-zone/variables.tf'));
    const validations = (name: string) => ((doc.variable as Record<string, Body[]>)[name]![0]!.validation as Body[]).map((v) => unwrap(v.condition));
    const base = { resource_group_name: 'rg', location: 'westeurope', zone_name: 'test.retro.example.com', existing: true };
    const [parentOk] = validations('parent_zone').slice(-1);
    const [childrenOk] = validations('child_delegations');
    const results = await evaluateExpressions(path.join(modulesDir, 'dns-zone'), [parentOk!, childrenOk!], {
      ...base,
      parent_zone: { name: 'retro.example.com', resource_group_name: 'rg-p' },
      child_delegations: { c: { name: 'c', state: { resource_group_name: 'a', storage_account_name: 'b', container_name: 'c', key: 'd' } } },
    });
    expect(results).toEqual([false, false]);
  });

  it('DNS_EXISTING_OWNER: a zone another environment of the fleet creates is not taken as existing', () => {
    const takesProds = existingTest.replace('zone: test.retro.numbers.example.com', 'zone: retro.numbers.example.com');
    const { issues } = loadEnvironmentTexts([
      { file: 'environments/numbers-prod.yaml', text: read('numbers-prod') },
      { file: 'environments/numbers-test.yaml', text: takesProds },
    ]);
    const errors = issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => [i.code, i.file, i.path])).toEqual([['DNS_EXISTING_OWNER', 'environments/numbers-test.yaml', 'dns.existing']]);
    expect(errors[0]!.line).toBeGreaterThan(0);
    expect(errors[0]!.message).toContain('Environment numbers-prod (environments/numbers-prod.yaml) creates the zone retro.numbers.example.com');
    expect(errors[0]!.hint).toContain('dns.zone numbers-test.retro.numbers.example.com with dns.parent');
  });
});

describe('EXTERNAL_DNS_OFF', () => {
  it('warns when external-dns is off while hosts are served, at releases.externalDns.enabled', () => {
    const off = read('numbers-test').replace(/^  externalDns:\n/m, '  externalDns:\n    enabled: false\n');
    expect(off).toContain('    enabled: false\n    policy: upsert-only');
    const { issues } = loadEnvironmentTexts([{ file: 'environments/numbers-test.yaml', text: off }]);
    const warning = issues.filter((i) => i.code === 'EXTERNAL_DNS_OFF');
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({ severity: 'warning', path: 'releases.externalDns.enabled' });
    expect(warning[0]!.message).toMatch(/^releases\.externalDns\.enabled is false while \d+ hosts? (is|are) served/);
    expect(loadEnvironmentTexts([{ file: 'environments/numbers-test.yaml', text: read('numbers-test') }]).issues.filter((i) => i.code === 'EXTERNAL_DNS_OFF')).toEqual([]);
  });
});

describe("the state account's blob logs (issue 18.8)", () => {
  it('sends StorageRead, StorageWrite and StorageDelete of the blob service to the workspace once it exists', async () => {
    const setting = await resource('remote-state', 'resource', 'azurerm_monitor_diagnostic_setting', 'blob');
    expect(setting.target_resource_id).toBe('${azurerm_storage_account.this.id}/blobServices/default');
    expect(String((setting.dynamic as Record<string, Body[]>).enabled_log![0]!.for_each)).toBe('${toset(["StorageRead", "StorageWrite", "StorageDelete"])}');
    const count = unwrap(setting.count).replace('data.azurerm_resources.log_analytics_workspace[0].resources', 'local.found');
    const values = { resource_group_name: 'rg', location: 'westeurope', storage_account_name: 'sttest', log_analytics_workspace: { name: 'log-x', resource_group_name: 'rg-x' } };
    const found = (ids: string[]) => count.replace('local.found', `[${ids.map((id) => `{ id = "${id}" }`).join(', ')}]`);
    expect(await evaluateExpressions(path.join(modulesDir, 'remote-state'), [found(['/w']), found([])], values)).toEqual([1, 0]);
  });

  it('is on where Log Analytics is (prod by default), pointing at the workspace the aks stack creates', () => {
    const prod = environments.find((e) => e.name === 'numbers-prod')!;
    expect(prod.aks.logAnalytics.enabled).toBe(true);
    expect(tfvars('numbers-prod', 'state').log_analytics_workspace).toEqual({ name: prod.names.logAnalyticsWorkspace, resource_group_name: prod.names.resourceGroup });
    expect(tfvars('numbers-prod', 'aks').log_analytics).toMatchObject({ enabled: true, workspace_name: prod.names.logAnalyticsWorkspace });
    for (const env of environments.filter((e) => !e.aks.logAnalytics.enabled)) expect(tfvars(env.name, 'state').log_analytics_workspace).toBeNull();
  });
});
