// The hand-written modules: formatted, parseable, AVM-shaped, documented, bounded, and every
// argument and nested block checked against the azurerm 4.73 / random 3.9 provider schemas.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocksOf, moduleBlockTypes, moduleDirs, parseModule, terraformEnv, type Body } from '../helpers/hcl.ts';
import { moduleReadmeTables } from '../helpers/module-docs.ts';
import { providerSchema, schemaProblems } from '../helpers/provider-schema.ts';
import { evaluateExpressions, evaluatePreconditions } from '../helpers/terraform-conditions.ts';
import { planTimeProblems, planTimeVariables } from '../helpers/plan-time.ts';
import { repoRoot } from '../helpers/workspace.ts';

const modulesDir = path.join(repoRoot, 'terraform/modules');
const modules = moduleDirs(modulesDir);
const rel = (p: string) => path.relative(modulesDir, p);


describe('terraform modules', () => {
  it('are the four modules plus their submodules (Flux configuration, DNS access, databases)', () => {
    expect(modules.map(rel).sort()).toEqual(['aks', 'aks/modules/flux-configuration', 'dns-zone', 'dns-zone/modules/access', 'postgresql', 'postgresql/modules/databases', 'remote-state']);
  });

  it('pass terraform fmt -check', () => {
    expect(() => execFileSync('terraform', ['fmt', '-check', '-recursive', '-diff', modulesDir], { env: terraformEnv, stdio: 'pipe' })).not.toThrow();
  });

  it.each(modules.map(rel))('%s has the Azure Verified Module file set', (m) => {
    for (const f of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md']) expect(existsSync(path.join(modulesDir, m, f)), `${m}/${f}`).toBe(true);
  });

  it.each(modules.map(rel))('%s documents every variable and output, validates with sentences, and bounds providers both ways', async (m) => {
    const doc = await parseModule(path.join(modulesDir, m));
    const variables = Object.entries(doc.variable as Record<string, Body[]>);
    expect(variables.length).toBeGreaterThan(0);
    for (const [name, [v]] of variables) {
      expect(v!.description, `variable ${name}`).toMatch(/^[A-Z].{10,}/);
      expect(v!.type, `variable ${name} needs a type`).toBeDefined();
      for (const validation of (v!.validation as Body[] | undefined) ?? []) {
        expect(validation.error_message, `variable ${name}`).toMatch(/^[A-Z].{15,}\.$/);
      }
    }
    for (const [name, [o]] of Object.entries(doc.output as Record<string, Body[]>)) expect(o!.description, `output ${name}`).toMatch(/^[A-Z]/);
    const terraform = (doc.terraform as Body[])[0]!;
    expect(terraform.required_version).toMatch(/^>= 1\.11\.0, < 2\.0\.0$/);
    for (const [name, p] of Object.entries((terraform.required_providers as Body[])[0]!)) {
      expect((p as Body).version, name).toMatch(/^>= \d+\.\d+\.\d+, < \d+\.0\.0$/);
    }
  });

  it.each(modules.map(rel))('%s README tables are in sync with its variables and outputs', async (m) => {
    const readme = readFileSync(path.join(modulesDir, m, 'README.md'), 'utf8');
    expect(readme).toContain(`<!-- BEGIN_TF_DOCS -->\n${await moduleReadmeTables(path.join(modulesDir, m))}<!-- END_TF_DOCS -->`);
  });

  it('interfaces.json (what the renderer reads) is in sync with the module HCL', async () => {
    const { expectedInterfaces, INTERFACES_FILE } = await import('../../scripts/module-docs.ts');
    const previous = process.cwd();
    process.chdir(repoRoot);
    try {
      expect(readFileSync(INTERFACES_FILE, 'utf8')).toBe(await expectedInterfaces());
    } finally {
      process.chdir(previous);
    }
  });

  it('constrain every variable whose values Azure limits (names, enums, ranges)', async () => {
    const constrained = ['name', 'resource_group_name', 'storage_account_name', 'container_name', 'replication_type', 'zone_name', 'key_vault_name', 'kubernetes_version', 'sku_tier', 'zones', 'sku_name', 'storage_mb', 'high_availability', 'backup_retention_days', 'postgresql_version', 'databases'];
    for (const m of modules) {
      const doc = await parseModule(m);
      for (const [name, [v]] of Object.entries(doc.variable as Record<string, Body[]>)) {
        if (constrained.includes(name)) expect(v!.validation, `${rel(m)} variable ${name}`).toBeDefined();
      }
    }
  });
});

describe('provider schema', () => {
  it('was derived from the azurerm 4.73.0, random 3.9.1, time 0.13.1 and postgresql 1.26.0 provider packages', () => {
    for (const p of ['hashicorp/azurerm 4.73.0', 'hashicorp/random 3.9.1', 'hashicorp/time 0.13.1', 'cyrilgdn/postgresql 1.26.0']) expect(providerSchema.sources.join(' ')).toContain(p);
  });

  it('covers every provider type the modules use (else rerun scripts/provider-schema.ts)', async () => {
    const used = (await moduleBlockTypes(modulesDir)).filter((t) => /\.(azurerm|random|time|postgresql)_/.test(t));
    expect(used.filter((t) => !(t in providerSchema.types))).toEqual([]);
  });

  it('rejects an argument the provider does not have (the check can fail)', () => {
    const schema = providerSchema.types['resource.azurerm_storage_container']!;
    expect(schemaProblems('x', { name: 'a', storage_account_id: 'b', public_acess: 'x' }, schema)).toEqual(['x: "public_acess" is not an argument or block of this type']);
    expect(schemaProblems('x', { storage_account_id: 'b' }, schema)).toEqual(['x: required argument "name" is missing']);
  });

  it.each(modules.map(rel))('every argument and nested block in %s exists in the provider schema', async (m) => {
    const problems: string[] = [];
    const doc = await parseModule(path.join(modulesDir, m));
    for (const kind of ['resource', 'data', 'ephemeral']) {
      for (const [type, name, body] of blocksOf(doc, kind)) {
        const schema = providerSchema.types[`${kind}.${type}`];
        if (schema) problems.push(...schemaProblems(`${kind}.${type}.${name}`, body, schema));
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('secure defaults (DESIGN.md): loosening any of these needs a new environment field', () => {
  const literal = async (m: string, kind: string, type: string, name: string): Promise<Body> => {
    const found = blocksOf(await parseModule(path.join(modulesDir, m)), kind).find(([t, n]) => t === type && n === name);
    expect(found, `${m}: ${kind}.${type}.${name}`).toBeDefined();
    return found![2];
  };

  it('state storage: TLS 1.2, no public blobs, Entra ID only, versioning, soft delete, infrastructure encryption, firewall closed', async () => {
    const sa = await literal('remote-state', 'resource', 'azurerm_storage_account', 'this');
    expect(sa).toMatchObject({
      min_tls_version: 'TLS1_2',
      https_traffic_only_enabled: true,
      allow_nested_items_to_be_public: false,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      infrastructure_encryption_enabled: true,
      cross_tenant_replication_enabled: false,
    });
    const blob = (sa.blob_properties as Body[])[0]!;
    expect(blob.versioning_enabled).toBe(true);
    expect(blob.delete_retention_policy).toBeDefined();
    expect(blob.container_delete_retention_policy).toBeDefined();
    expect((sa.network_rules as Body[])[0]!.default_action).toBe('Deny');
    expect((await literal('remote-state', 'resource', 'azurerm_storage_container', 'this')).container_access_type).toBe('private');
    expect(readFileSync(path.join(modulesDir, 'remote-state/variables.tf'), 'utf8')).toMatch(/variable "lock_enabled"[\s\S]*?default\s+= true/);
  });

  it('AKS: local accounts off, Azure RBAC, OIDC + workload identity, network policy on, API server restricted', async () => {
    const aks = await literal('aks', 'resource', 'azurerm_kubernetes_cluster', 'this');
    expect(aks).toMatchObject({ local_account_disabled: true, role_based_access_control_enabled: true, oidc_issuer_enabled: true, workload_identity_enabled: true, run_command_enabled: false });
    expect((aks.azure_active_directory_role_based_access_control as Body[])[0]!.azure_rbac_enabled).toBe(true);
    expect((aks.api_server_access_profile as Body[])[0]!.authorized_ip_ranges).toBe('${var.api_server_authorized_ip_ranges}');
    expect((aks.network_profile as Body[])[0]!.network_policy).toBe('${var.network.policy}');
    const variables = readFileSync(path.join(modulesDir, 'aks/variables.tf'), 'utf8');
    expect(variables).toContain('r != "0.0.0.0/0"');
    expect(variables).toContain('contains(["azure", "calico", "cilium"], var.network.policy)');
    const kv = await literal('aks', 'resource', 'azurerm_key_vault', 'this');
    expect(kv).toMatchObject({ rbac_authorization_enabled: true, purge_protection_enabled: true });
    expect((kv.network_acls as Body[])[0]!.default_action).toBe('Deny');
  });

  it('PostgreSQL: private access only, TLS required, password never in state or outputs', async () => {
    const pg = await literal('postgresql', 'resource', 'azurerm_postgresql_flexible_server', 'this');
    expect(pg.public_network_access_enabled).toBe(false);
    expect(pg.delegated_subnet_id).toBeDefined();
    expect(pg.administrator_password).toBeUndefined();
    // One password: the key vault holds it, the server gets what the vault holds (read back ephemerally).
    expect(pg.administrator_password_wo).toBe('${ephemeral.azurerm_key_vault_secret.administrator_password.value}');
    expect((await literal('postgresql', 'resource', 'azurerm_key_vault_secret', 'administrator_password')).value_wo).toBe('${ephemeral.random_password.administrator.result}');
    expect((await literal('postgresql', 'ephemeral', 'azurerm_key_vault_secret', 'administrator_password')).depends_on).toEqual(['${azurerm_key_vault_secret.administrator_password}']);
    expect((await literal('postgresql', 'resource', 'azurerm_postgresql_flexible_server_configuration', 'require_secure_transport')).value).toBe('on');
    // TLS 1.2 is the floor: tls_min_version defaults to it and admits only TLSv1.2 or TLSv1.3 (raising, never lowering).
    expect((await literal('postgresql', 'resource', 'azurerm_postgresql_flexible_server_configuration', 'ssl_min_protocol_version')).value).toBe('${var.tls_min_version}');
    const tls = ((await parseModule(path.join(modulesDir, 'postgresql'))).variable as Record<string, Body[]>).tls_min_version![0]!;
    expect(tls.default).toBe('TLSv1.2');
    expect((tls.validation as Body[])[0]!.condition).toBe('${contains(["TLSv1.2", "TLSv1.3"], var.tls_min_version)}');
    const secret = await literal('postgresql', 'resource', 'azurerm_key_vault_secret', 'administrator_password');
    expect(secret.value).toBeUndefined();
    expect(secret.value_wo).toBeDefined();
    const outputs = readFileSync(path.join(modulesDir, 'postgresql/outputs.tf'), 'utf8');
    expect(outputs).not.toMatch(/random_password|password_wo|\.value\b/);
  });
});

describe('first apply and day two', () => {
  const resource = async (m: string, type: string, name: string): Promise<Body> => blocksOf(await parseModule(path.join(modulesDir, m)), 'resource').find(([t, n]) => t === type && n === name)![2];

  // AKS managed-identity-overview: the control plane needs Managed Identity Operator on the kubelet
  // identity at create; CustomKubeletIdentityMissingPermissionError while it propagates.
  it('creates the cluster only after its role assignments had time to propagate', async () => {
    const sleep = await resource('aks', 'time_sleep', 'role_propagation');
    expect(sleep.create_duration).toBe('60s');
    // The pod subnet's role (mode pod-subnet) is checked at create as the node subnet's is.
    expect(Object.values(sleep.triggers as Record<string, string>).sort()).toEqual(['${azurerm_role_assignment.control_plane_kubelet_operator.id}', '${azurerm_role_assignment.control_plane_network.id}', '${join(",", azurerm_role_assignment.control_plane_pods[*].id)}']);
    expect((await resource('aks', 'azurerm_kubernetes_cluster', 'this')).depends_on).toEqual(['${time_sleep.role_propagation}']);
  });

  it('destroys the Flux extension before the user pools its cleanup job runs on', async () => {
    expect((await resource('aks', 'azurerm_kubernetes_cluster_extension', 'flux')).depends_on).toEqual(['${azurerm_kubernetes_cluster_node_pool.user}']);
  });

  it('leaves the Kubernetes version to AKS when its channel moves minors, and to Terraform otherwise', async () => {
    const expression = unwrapExpression((await resource('aks', 'azurerm_kubernetes_cluster', 'this')).kubernetes_version);
    const versionFor = async (channel: string, version: string) => (await evaluateExpressions(path.join(modulesDir, 'aks'), [expression], { upgrade_channel: channel, kubernetes_version: version }))[0];
    expect(await versionFor('patch', '1.35')).toBe('1.35');
    expect(await versionFor('none', '1.35.2')).toBe('1.35.2');
    expect(await versionFor('stable', '1.35')).toBeNull();
    expect(await versionFor('rapid', '1.35')).toBeNull();
  });
});

const unwrapExpression = (expr: unknown) => String(expr).replace(/^\$\{([\s\S]*)\}$/, '$1');

describe('least privilege, locks and what Azure changes on its own', () => {
  const resource = async (m: string, kind: string, type: string, name: string): Promise<Body> =>
    blocksOf(await parseModule(path.join(modulesDir, m)), kind).find(([t, n]) => t === type && n === name)![2];

  it('makes a role named with actions a custom role of the cluster, assignable only where it is granted', async () => {
    for (const [m, scopes] of [['aks', 'local.workload_role_scopes'], ['dns-zone/modules/access', 'local.scopes']] as const) {
      const definition = await resource(m, 'resource', 'azurerm_role_definition', m === 'aks' ? 'workload' : 'this');
      expect(String(definition.for_each), m).toMatch(/if a\.actions != null/);
      expect(definition.assignable_scopes, m).toEqual([`\${${scopes}[each.value.scope]}`]);
      expect(String(definition.name), m).toMatch(/^\$\{each\.value\.role\} \(\$\{var\.name\}\)$/);
      const assignment = await resource(m, 'resource', 'azurerm_role_assignment', m === 'aks' ? 'workload' : 'this');
      expect(String(assignment.role_definition_id), m).toContain('role_definition_resource_id');
    }
  });

  // Azure DNS, dns-protect-zones-recordsets: "Locks are inherited by child resources. A lock
  // prevents any record sets in the zone from being deleted"; lock the SOA record set instead.
  it('locks a DNS zone through its SOA record set, so controllers can still delete records', async () => {
    const lock = await resource('dns-zone', 'resource', 'azurerm_management_lock', 'zone');
    expect(lock.scope).toBe('${azurerm_dns_zone.this[0].id}/SOA/@');
    expect(lock.lock_level).toBe('CanNotDelete');
    expect((await resource('postgresql', 'resource', 'azurerm_management_lock', 'server')).scope).toBe('${azurerm_postgresql_flexible_server.this.id}');
  });

  it("stops a delegation whose parent zone does not exist, naming whose dns stack to apply first", async () => {
    const values = { resource_group_name: 'rg-numbers-test-dns', location: 'westeurope', zone_name: 'test.retro.numbers.example.com', parent_zone: { name: 'retro.numbers.example.com', resource_group_name: 'rg-numbers-prod-dns', owner: 'numbers-prod' } };
    const dir = path.join(modulesDir, 'dns-zone');
    const [missing] = await evaluatePreconditions(dir, 'azurerm_dns_ns_record.delegation', values, { parent_zone_found: false });
    expect(missing).toEqual({ condition: false, message: 'The parent zone retro.numbers.example.com does not exist in resource group rg-numbers-prod-dns of the parent subscription: apply the dns stack of numbers-prod first, then apply this stack again.' });
    const [external] = await evaluatePreconditions(dir, 'azurerm_dns_ns_record.delegation', { ...values, parent_zone: { ...values.parent_zone, owner: null } }, { parent_zone_found: false });
    expect(external!.message).toContain('create it first');
    // The lookup lists zones by name across the subscription (an empty list, not an error, when there
    // is none) and matches the resource group case-insensitively, as Azure IDs vary in case.
    const found = (await parseModule(dir)).locals as Body[];
    const expression = String(found.find((l) => 'parent_zone_found' in l)!.parent_zone_found).replace(/^\$\{([\s\S]*)\}$/, '$1');
    const answer = (ids: string[]) => expression.replace('data.azurerm_resources.parent_zone[0].resources', JSON.stringify(ids.map((id) => ({ id }))).replace(/"id":/g, 'id ='));
    const zone = '/subscriptions/s/resourceGroups/RG-NUMBERS-PROD-DNS/providers/Microsoft.Network/dnszones/retro.numbers.example.com';
    const other = '/subscriptions/s/resourceGroups/rg-elsewhere/providers/Microsoft.Network/dnszones/retro.numbers.example.com';
    expect(await evaluateExpressions(dir, [answer([zone]), answer([other]), answer([])], values)).toEqual([true, false, false]);
  });

  it('gives each instance a login role that owns its database, with CONNECT taken from PUBLIC', async () => {
    const m = 'postgresql/modules/databases';
    expect((await resource(m, 'resource', 'postgresql_database', 'this')).owner).toBe('${postgresql_role.this[each.key].name}');
    expect((await resource(m, 'resource', 'postgresql_role', 'this')).password_wo).toBe('${ephemeral.azurerm_key_vault_secret.role[each.key].value}');
    expect(await resource(m, 'resource', 'postgresql_grant', 'revoke_public_connect')).toMatchObject({ role: 'public', object_type: 'database', privileges: [] });
    expect((await resource(m, 'resource', 'postgresql_role', 'this')).password).toBeUndefined();
  });

  it('leaves storage growth to Azure and forgets the databases the postgresql module used to hold without dropping them', async () => {
    const server = await resource('postgresql', 'resource', 'azurerm_postgresql_flexible_server', 'this');
    expect(server.auto_grow_enabled).toBe(true);
    expect((server.lifecycle as Body[])[0]!.ignore_changes).toEqual(expect.arrayContaining(['${storage_mb}']));
    const removed = ((await parseModule(path.join(modulesDir, 'postgresql'))).removed as Body[])[0]!;
    expect(removed.from).toBe('${azurerm_postgresql_flexible_server_database.this}');
    expect((removed.lifecycle as Body[])[0]!.destroy).toBe(false);
  });

  it('keeps previous backup versions immutable when asked, expires them afterwards, and lets an operator lock the policy', async () => {
    const account = await resource('remote-state', 'resource', 'azurerm_storage_account', 'this');
    const policy = (account.dynamic as Record<string, Body[]>).immutability_policy![0]!;
    expect(policy.for_each).toBe('${var.immutability_days == null ? [] : [var.immutability_days]}');
    expect((policy.content as Body[])[0]).toMatchObject({ state: 'Unlocked', allow_protected_append_writes: false });
    expect((account.lifecycle as Body[])[0]!.ignore_changes).toEqual(['${immutability_policy[0].state}']);
    expect(((account.blob_properties as Body[])[0]!).versioning_enabled).toBe(true);
    const expiry = await resource('remote-state', 'resource', 'azurerm_storage_management_policy', 'versions');
    expect(String(expiry.count)).toBe('${var.immutability_days == null ? 0 : 1}');
    expect(JSON.stringify(expiry.rule)).toContain('delete_after_days_since_creation');
  });

  it('collects Container Insights and the control-plane audit into the workspace when Log Analytics is on', async () => {
    const association = await resource('aks', 'resource', 'azurerm_monitor_data_collection_rule_association', 'container_insights');
    expect(association.target_resource_id).toBe('${azurerm_kubernetes_cluster.this.id}');
    const diagnostics = await resource('aks', 'resource', 'azurerm_monitor_diagnostic_setting', 'cluster');
    expect(diagnostics.log_analytics_destination_type).toBe('Dedicated');
    expect(String(diagnostics.count)).toBe('${var.log_analytics.enabled ? 1 : 0}');
    const categories = ((diagnostics.dynamic as Record<string, Body[]>).enabled_log![0]!.for_each as string);
    for (const c of ['kube-audit-admin', 'kube-apiserver', 'guard']) expect(categories).toContain(c);
  });
});

// terraform plan fails with "Invalid count argument" / "Invalid for_each argument" when count or a
// for_each key depends on something known only after apply (an identity created in the same run).
describe('count and for_each are known at plan time', () => {
  it.each(modules.map(rel))('%s reads only variables and locals built from them', async (m) => {
    expect(await planTimeProblems(path.join(modulesDir, m))).toEqual([]);
  });

  it('catches a count that reads an identity created in the same apply (the check can fail)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-count-'));
    writeFileSync(path.join(dir, 'main.tf'), 'variable "ids" {\n  type = map(string)\n}\nresource "azurerm_role_assignment" "x" {\n  count = var.ids["cert-manager"] == null ? 0 : 1\n}\nresource "azurerm_role_assignment" "y" {\n  count = module.aks.principal_ids["cert-manager"] == null ? 0 : 1\n}\n');
    expect(await planTimeProblems(dir)).toEqual(['resource.azurerm_role_assignment.y.count: ${module.aks.principal_ids["cert-manager"] == null ? 0 : 1}']);
    expect(await planTimeVariables(dir)).toEqual(['ids']);
  });
});
