// The hand-written modules: formatted, parseable, AVM-shaped, documented, bounded, and every
// argument and nested block checked against the azurerm 4.73 / random 3.9 provider schemas.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocksOf, moduleBlockTypes, moduleDirs, parseModule, terraformEnv, type Body } from '../helpers/hcl.ts';
import { moduleReadmeTables } from '../helpers/module-docs.ts';
import { providerSchema, schemaProblems } from '../helpers/provider-schema.ts';
import { repoRoot } from '../helpers/workspace.ts';

const modulesDir = path.join(repoRoot, 'terraform/modules');
const modules = moduleDirs(modulesDir);
const rel = (p: string) => path.relative(modulesDir, p);


describe('terraform modules', () => {
  it('are the four modules plus the dns-zone access submodule', () => {
    expect(modules.map(rel).sort()).toEqual(['aks', 'dns-zone', 'dns-zone/modules/access', 'postgresql', 'remote-state']);
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
  it('was derived from the azurerm 4.73.0 and random 3.9.1 provider packages', () => {
    expect(providerSchema.sources.join(' ')).toContain('hashicorp/azurerm 4.73.0');
    expect(providerSchema.sources.join(' ')).toContain('hashicorp/random 3.9.1');
  });

  it('covers every provider type the modules use (else rerun scripts/provider-schema.ts)', async () => {
    const used = (await moduleBlockTypes(modulesDir)).filter((t) => /\.(azurerm|random)_/.test(t));
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
    expect(pg.administrator_password_wo).toBe('${ephemeral.random_password.administrator.result}');
    expect((await literal('postgresql', 'resource', 'azurerm_postgresql_flexible_server_configuration', 'require_secure_transport')).value).toBe('on');
    expect((await literal('postgresql', 'resource', 'azurerm_postgresql_flexible_server_configuration', 'ssl_min_protocol_version')).value).toBe('TLSv1.2');
    const secret = await literal('postgresql', 'resource', 'azurerm_key_vault_secret', 'administrator_password');
    expect(secret.value).toBeUndefined();
    expect(secret.value_wo).toBeDefined();
    const outputs = readFileSync(path.join(modulesDir, 'postgresql/outputs.tf'), 'utf8');
    expect(outputs).not.toMatch(/random_password|password_wo|\.value\b/);
  });
});
