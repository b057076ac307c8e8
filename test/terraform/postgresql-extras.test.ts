// Issue 14.6 and 18.8 in the postgresql module and its stacks: server parameters, extra databases with
// their locale, read replicas and the diagnostic setting, from the environment file to the module HCL.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTerraform } from '../../generator/render/terraform/render.ts';
import { parseModule, type Body } from '../helpers/hcl.ts';
import { examples } from '../helpers/render.ts';
import { repoRoot } from '../helpers/workspace.ts';

const { environments } = examples();
const files = renderTerraform(environments);
const tfvars = (env: string, stack: string) => JSON.parse(files.get(`${env}/terraform/${stack}/terraform.tfvars.json`)!) as Record<string, any>;
const moduleDir = path.join(repoRoot, 'terraform/modules/postgresql');
const resource = async (type: string, name: string, dir = moduleDir) => ((await parseModule(dir)).resource as Record<string, Record<string, Body[]>>)[type]![name]![0]!;

describe('postgresql stack values', () => {
  it('passes parameters as strings, the TLS floor, replicas by name and the workspace of the aks stack', () => {
    const pg = tfvars('numbers-prod', 'postgresql');
    expect(pg.parameters).toEqual({ 'azure.extensions': 'PG_TRGM', max_connections: '200' });
    expect(pg.tls_min_version).toBe('TLSv1.2');
    // The replica goes in the next zone of aks.zones after the primary's.
    expect(pg.replicas).toEqual({ read1: { name: 'psql-numbers-prod-read1', sku_name: 'GP_Standard_D2ds_v5', zone: '2' } });
    // The ID names the workspace the aks stack creates: its name and resource group.
    const aks = tfvars('numbers-prod', 'aks');
    const prod = environments.find((e) => e.name === 'numbers-prod')!;
    expect(pg.log_analytics_workspace_id).toBe(
      `/subscriptions/${prod.azure.subscriptionId}/resourceGroups/${aks.resource_group_name}/providers/Microsoft.OperationalInsights/workspaces/${aks.log_analytics.workspace_name}`,
    );
    expect(aks.log_analytics.enabled).toBe(true);
    // numbers-test has no workspace (aks.logAnalytics.enabled false): no diagnostic setting.
    expect(tfvars('numbers-test', 'postgresql')).toMatchObject({ log_analytics_workspace_id: null, parameters: {}, replicas: {} });
  });
});

describe('postgresql module', () => {
  it('sets each parameter on the primary and, with the TLS settings, on every replica', async () => {
    const parameter = await resource('azurerm_postgresql_flexible_server_configuration', 'parameter');
    expect(parameter.for_each).toBe('${var.parameters}');
    expect(parameter.server_id).toBe('${azurerm_postgresql_flexible_server.this.id}');
    const replica = await resource('azurerm_postgresql_flexible_server_configuration', 'replica');
    expect(replica.server_id).toBe('${azurerm_postgresql_flexible_server.replica[each.value.replica].id}');
    const locals = ((await parseModule(moduleDir)).locals as Body[]).find((l) => 'replica_configurations' in l)!;
    expect(String(locals.replica_configurations)).toContain('require_secure_transport = "on", ssl_min_protocol_version = var.tls_min_version');
  });

  it('creates replicas from the primary, private, without high availability', async () => {
    const r = await resource('azurerm_postgresql_flexible_server', 'replica');
    expect(r).toMatchObject({
      create_mode: 'Replica',
      source_server_id: '${azurerm_postgresql_flexible_server.this.id}',
      public_network_access_enabled: false,
      delegated_subnet_id: '${var.delegated_subnet_id}',
      private_dns_zone_id: '${azurerm_private_dns_zone.this.id}',
    });
    expect(r).not.toHaveProperty('high_availability');
    expect(r).not.toHaveProperty('administrator_login');
    const variables = (await parseModule(moduleDir)).variable as Record<string, Body[]>;
    const conditions = (variables.replicas![0]!.validation as Body[]).map((v) => String(v.condition));
    expect(conditions.some((c) => c.includes('!startswith(var.sku_name, "B_")'))).toBe(true);
  });

  it('sends the server logs and sessions of the primary and each replica to Log Analytics when a workspace is given', async () => {
    const d = await resource('azurerm_monitor_diagnostic_setting', 'server');
    expect(String(d.for_each)).toMatch(/^\$\{var\.log_analytics_workspace_id == null \? toset\(\[\]\)/);
    expect(d.log_analytics_workspace_id).toBe('${var.log_analytics_workspace_id}');
    const categories = String(((d.dynamic as Record<string, Body[]>).enabled_log![0]!).for_each);
    for (const c of ['PostgreSQLLogs', 'PostgreSQLFlexSessions']) expect(categories).toContain(`"${c}"`);
  });

  it('creates extra databases with their charset and locales, owned by their role with its connection limit', async () => {
    const dir = path.join(moduleDir, 'modules/databases');
    const db = await resource('postgresql_database', 'this', dir);
    expect(db).toMatchObject({ encoding: '${each.value.encoding}', lc_collate: '${each.value.lc_collate}', lc_ctype: '${each.value.lc_ctype}', owner: '${postgresql_role.this[each.key].name}' });
    expect((await resource('postgresql_role', 'this', dir)).connection_limit).toBe('${each.value.connection_limit}');
  });
});
