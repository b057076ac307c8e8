// The generated root stacks: formatted as written, parseable, and a contract with the modules they
// call (only declared variables, every required one, values of the declared types, references to
// outputs that exist).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../../generator/model/environment.ts';
import { substitutionVariableNames } from '../../../generator/model/workload-identities.ts';
import { renderTerraform } from '../../../generator/render/terraform/render.ts';
import { STACKS } from '../../../generator/render/terraform/stacks.ts';
import { parseFile, parseModule, terraformEnv, type Body, type Hcl } from '../../helpers/hcl.ts';
import { examples } from '../../helpers/render.ts';
import { parseType, typeProblems } from '../../helpers/hcl-types.ts';
import { oneLineType } from '../../helpers/module-docs.ts';
import { repoRoot } from '../../helpers/workspace.ts';

const FILES = ['backend.tf', 'main.tf', 'outputs.tf', 'terraform.tfvars.json', 'variables.tf', 'versions.tf'];

let environments: readonly Environment[];
let files: Map<string, string>;
let outDir: string;

beforeAll(() => {
  environments = examples().environments;
  files = renderTerraform(environments);
  // Written under a repository-shaped folder so the relative module sources resolve.
  outDir = mkdtempSync(path.join(tmpdir(), 'slipway-tf-'));
  execFileSync('cp', ['-r', path.join(repoRoot, 'terraform'), outDir]);
  for (const [file, content] of files) {
    mkdirSync(path.dirname(path.join(outDir, 'out', file)), { recursive: true });
    writeFileSync(path.join(outDir, 'out', file), content);
  }
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const stackDir = (env: string, stack: string) => path.join(outDir, 'out', env, 'terraform', stack);
const cases = () => ['numbers-prod', 'numbers-test'].flatMap((env) => STACKS.map((stack) => [env, stack] as const));

describe('terraform stacks', () => {
  it('renders four stacks of six files for each example environment', () => {
    for (const env of environments) {
      const stacks = [...files.keys()].filter((f) => f.startsWith(`${env.name}/terraform/`));
      expect(stacks.sort()).toEqual(STACKS.flatMap((s) => FILES.map((f) => `${env.name}/terraform/${s}/${f}`)).sort());
    }
  });

  it('passes terraform fmt -check as written', () => {
    expect(() => execFileSync('terraform', ['fmt', '-check', '-recursive', '-diff', path.join(outDir, 'out')], { env: terraformEnv, stdio: 'pipe' })).not.toThrow();
  });

  it.each(cases())('%s/%s: every .tf parses as HCL and the tfvars as JSON', async (env, stack) => {
    for (const f of FILES.filter((x) => x.endsWith('.tf'))) await expect(parseFile(path.join(stackDir(env, stack), f))).resolves.toBeTypeOf('object');
    expect(() => JSON.parse(readFileSync(path.join(stackDir(env, stack), 'terraform.tfvars.json'), 'utf8'))).not.toThrow();
  });

  it.each(cases())('%s/%s: module calls honour the module contract', async (env, stack) => {
    const dir = stackDir(env, stack);
    const root = await parseModule(dir);
    const tfvars = JSON.parse(readFileSync(path.join(dir, 'terraform.tfvars.json'), 'utf8')) as Record<string, unknown>;
    const rootVars = (root.variable as Record<string, Body[]>) ?? {};
    const problems: string[] = [];

    // Every root variable has a value, and every value a variable.
    expect(Object.keys(tfvars).sort()).toEqual(Object.keys(rootVars).sort());

    for (const [label, [call]] of Object.entries(root.module as Record<string, Body[]>)) {
      const moduleDir = path.resolve(dir, String(call!.source));
      const mod = await parseModule(moduleDir);
      const declared = mod.variable as Record<string, Body[]>;
      const inputs = Object.keys(call!).filter((k) => !['source', 'providers'].includes(k));
      for (const k of inputs) if (!(k in declared)) problems.push(`module.${label}: sets undeclared variable "${k}"`);
      for (const [k, [v]] of Object.entries(declared)) if (!('default' in v!) && !inputs.includes(k)) problems.push(`module.${label}: required variable "${k}" is not set`);

      for (const k of inputs) {
        const expr = String(call![k]);
        const moduleType = oneLineType(declared[k]?.[0]!.type);
        const varRef = /^\$\{var\.(\w+)\}$/.exec(expr);
        if (varRef) {
          const rootVar = rootVars[varRef[1]!]?.[0];
          if (!rootVar) problems.push(`module.${label}.${k}: var.${varRef[1]} is not declared in the root`);
          else if (oneLineType(rootVar.type) !== moduleType) problems.push(`module.${label}.${k}: root type ${oneLineType(rootVar.type)} differs from module type ${moduleType}`);
          const value = tfvars[varRef[1]!];
          if (value === null && declared[k]?.[0]!.nullable === false) problems.push(`module.${label}.${k}: null for a non-nullable variable`);
          problems.push(...typeProblems(value, parseType(moduleType), `${label}.${k}`));
          continue;
        }
        const remote = /^\$\{data\.terraform_remote_state\.(\w+)\.outputs\.(\w+)\}$/.exec(expr);
        if (remote) {
          const upstream = await parseModule(stackDir(env, remote[1]!));
          if (!(remote[2]! in (upstream.output as Hcl))) problems.push(`module.${label}.${k}: stack ${remote[1]} has no output ${remote[2]}`);
          continue;
        }
        const moduleRef = /^\$\{module\.(\w+)\.(\w+)(\[.*\])?\}$/.exec(expr);
        if (moduleRef) {
          const source = String((root.module as Record<string, Body[]>)[moduleRef[1]!]![0]!.source);
          const other = await parseModule(path.resolve(dir, source));
          if (!(moduleRef[2]! in (other.output as Hcl))) problems.push(`module.${label}.${k}: module.${moduleRef[1]} has no output ${moduleRef[2]}`);
          continue;
        }
        if (expr !== 'null') problems.push(`module.${label}.${k}: unexpected expression ${expr}`);
      }
    }
    // Root outputs only read outputs the module has.
    for (const [name, [o]] of Object.entries((root.output as Record<string, Body[]>) ?? {})) {
      const ref = /^\$\{module\.(\w+)\.(\w+)\}$/.exec(String(o!.value));
      expect(ref, `output ${name}`).not.toBeNull();
    }
    expect(problems).toEqual([]);
  });

  it('the contract check catches a wrong type and a missing attribute', () => {
    const t = parseType('object({ a = string, b = optional(list(number), []), c = map(bool) })');
    expect(typeProblems({ a: 'x', c: { k: true } }, t, 'v')).toEqual([]);
    expect(typeProblems({ a: 1, b: ['x'], extra: 1 }, t, 'v')).toEqual([
      'v: attribute "extra" is not in the object type',
      'v.a: expected a string, got 1',
      'v.b[0]: expected a number, got "x"',
      'v: required attribute "c" is missing',
    ]);
  });
});

describe('terraform values come from the model', () => {
  const tfvarsOf = (env: string, stack: string) => JSON.parse(files.get(`${env}/terraform/${stack}/terraform.tfvars.json`)!) as Record<string, any>;

  it('uses one state key per stack in the environment state account, with Entra ID auth', () => {
    const backend = files.get('numbers-prod/terraform/aks/backend.tf')!;
    expect(backend).toContain('backend "azurerm"');
    expect(backend).toMatch(/key\s+= "numbers-prod\/aks\.tfstate"/);
    expect(backend).toMatch(/use_azuread_auth\s+= true/);
    expect(backend).toMatch(/storage_account_name = "stnumbersprodtfstate"/);
  });

  it('bootstraps state on a local backend until state.bootstrapped is true', () => {
    expect(files.get('numbers-test/terraform/state/backend.tf')).toContain('backend "local"');
    expect(files.get('numbers-test/terraform/state/backend.tf')).toContain('terraform init -migrate-state');
    expect(files.get('numbers-prod/terraform/state/backend.tf')).toContain('backend "azurerm"');
    expect(files.get('numbers-test/terraform/dns/backend.tf')).toContain('backend "azurerm"');
  });

  it('passes zones, pools, network and Flux settings exactly', () => {
    const prod = environments.find((e) => e.name === 'numbers-prod')!;
    const aks = tfvarsOf('numbers-prod', 'aks');
    expect(aks.zones).toEqual(['1', '2', '3']);
    expect(aks.user_node_pools.data).toEqual({ vm_size: 'Standard_E4ds_v5', min_count: 3, max_count: 3, labels: { 'slipway.io/pool': 'data' }, taints: ['slipway.io/pool=data:NoSchedule'] });
    expect(aks.network).toMatchObject({ plugin: 'azure', plugin_mode: 'overlay', policy: 'cilium', data_plane: 'cilium', address_space: '10.50.0.0/16' });
    expect(aks.api_server_authorized_ip_ranges).toEqual(prod.aks.apiServerAuthorizedRanges);
    expect(aks.flux).toMatchObject({ path: './out/numbers-prod/flux', branch: 'main', repository_url: 'https://github.com/numbers/platform-gitops', sync_interval_seconds: 60 });
    expect(tfvarsOf('numbers-test', 'aks').flux.sync_interval_seconds).toBe(300);
  });

  it('sets exactly the substitution variables the manifests may reference', () => {
    for (const env of environments) {
      const flux = tfvarsOf(env.name, 'aks').flux;
      const names = [...Object.keys(flux.substitute), ...Object.values(flux.client_id_variables as Record<string, string>), flux.secrets_provider_client_id_variable].sort();
      expect(names).toEqual(substitutionVariableNames(env));
    }
  });

  it('creates one database per Postfacto instance, with zone-redundant HA in prod', () => {
    const pg = tfvarsOf('numbers-prod', 'postgresql');
    expect(pg.databases).toEqual(['postfacto_v4_3_11', 'postfacto_v4_3_10']);
    expect(pg).toMatchObject({ high_availability: 'ZoneRedundant', geo_redundant_backup: true, backup_retention_days: 35, maintenance_window: { day_of_week: 0, start_hour: 2, start_minute: 30 } });
    expect(tfvarsOf('numbers-test', 'postgresql')).toMatchObject({ high_availability: 'Disabled', sku_name: 'B_Standard_B1ms' });
  });

  it('grants cert-manager DNS rights only when DNS-01 is chosen', () => {
    expect(files.get('numbers-prod/terraform/aks/main.tf')).toMatch(/cert_manager_principal_id = module\.aks\.workload_identity_principal_ids\["cert-manager"\]/);
    expect(files.get('numbers-test/terraform/aks/main.tf')).toMatch(/cert_manager_principal_id = null/);
  });

  it('delegates from the parent zone through a provider in its subscription', () => {
    const versions = files.get('numbers-test/terraform/dns/versions.tf')!;
    expect(versions).toMatch(/alias\s+= "parent"\n\s+subscription_id\s+= "6f1c8a52-6d0e-4b9a-9c21-7e5d4a8b0f13"/);
    expect(tfvarsOf('numbers-test', 'dns').parent_zone).toEqual({ name: 'retro.numbers.example.com', resource_group_name: 'rg-numbers-prod' });
  });

  it('chooses state replication by stage', () => {
    expect(tfvarsOf('numbers-prod', 'state').replication_type).toBe('GZRS');
    expect(tfvarsOf('numbers-test', 'state').replication_type).toBe('LRS');
  });

  it('never writes a password, key or open network range into any stack', () => {
    for (const [file, content] of files) {
      expect(content, file).not.toMatch(/password\s*[=:]\s*"[^"]+"|"(client_secret|access_key|sas_token)"/i);
      expect(content, file).not.toContain('0.0.0.0/0');
    }
  });
});
