// slipway plan-summary on plans written by hand in Terraform's JSON plan format ("JSON Output
// Format", https://developer.hashicorp.com/terraform/internals/json-format: resource_changes[] with
// address, mode and change.actions ["create"], ["update"], ["delete"], ["delete","create"] and
// ["create","delete"] for a replace, ["no-op"], ["read"]; ["forget"] and ["create","forget"] and
// change.importing as Terraform's internal/command/jsonplan/plan.go writes them). Terraform itself
// is on this machine but its providers cannot be downloaded, so no real plan can be made here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countsLine, summarizePlan, summaryMarkdown } from '../../generator/delivery/plan-summary.ts';
import { runCli } from '../helpers/workspace.ts';

const change = (address: string, actions: string[], extra: Record<string, unknown> = {}, changeExtra: Record<string, unknown> = {}) => ({
  address,
  mode: address.includes('.data.') || address.startsWith('data.') ? 'data' : 'managed',
  type: address.split('.').at(-2)!.replace(/\[.*$/, ''),
  name: address.split('.').at(-1)!.replace(/\[.*$/, ''),
  provider_name: 'registry.terraform.io/hashicorp/azurerm',
  change: { actions, before: actions[0] === 'create' ? null : { name: 'old', administrator_password: 'hunter2-in-clear' }, after: actions.includes('delete') && actions.length === 1 ? null : { name: 'new' }, after_unknown: {}, before_sensitive: { administrator_password: true }, after_sensitive: {}, ...changeExtra },
  ...extra,
});

/** A plan of the aks stack as `terraform show -json tfplan` would print it (format 1.2, Terraform 1.11). */
const PLAN = {
  format_version: '1.2',
  terraform_version: '1.11.4',
  variables: { name: { value: 'aks-numbers-prod' } },
  planned_values: { root_module: {} },
  resource_drift: [change('module.aks.azurerm_key_vault.this', ['update'])],
  resource_changes: [
    change('module.aks.azurerm_kubernetes_cluster.this', ['update']),
    change('module.aks.azurerm_kubernetes_cluster_node_pool.this["apps"]', ['delete', 'create'], { index: 'apps', action_reason: 'replace_because_cannot_update' }, { replace_paths: [['vm_size']] }),
    change('module.aks.azurerm_user_assigned_identity.this["velero"]', ['create']),
    change('module.aks.azurerm_role_assignment.velero', ['create', 'delete'], { action_reason: 'replace_by_request' }),
    change('module.aks.azurerm_storage_container.old', ['delete'], { action_reason: 'delete_because_no_resource_config' }),
    change('module.aks.azurerm_monitor_diagnostic_setting.audit', ['no-op']),
    change('module.aks.data.azurerm_client_config.current', ['read']),
    change('module.aks.azurerm_management_lock.this', ['no-op'], { previous_address: 'module.aks.azurerm_management_lock.cluster' }),
    change('module.aks.azurerm_resource_group.this', ['no-op'], {}, { importing: { id: '/subscriptions/x/resourceGroups/rg-numbers-prod' } }),
    change('module.aks.azurerm_log_analytics_workspace.this', ['forget']),
  ],
  output_changes: {
    cluster_id: { change: { actions: ['no-op'], before: 'a', after: 'a' } },
    kubelet_identity: { change: { actions: ['update'], before: 'a', after: 'b' } },
  },
  prior_state: { format_version: '1.0', values: { root_module: {} } },
  configuration: { root_module: {} },
  errored: false,
};

describe('plan summary (follows the "JSON Output Format" of terraform show -json)', () => {
  it('counts as terraform plan does: a replace is one to add and one to destroy, data sources and no-ops are not counted', () => {
    const s = summarizePlan(PLAN, 'numbers-prod/aks');
    expect(s.counts).toEqual({ import: 1, add: 3, change: 1, destroy: 3, forget: 1 });
    expect(s.replaced).toBe(2);
    expect(s.moved).toBe(1);
    expect(s.drifted).toBe(1);
    expect(s.outputs).toEqual(['kubelet_identity']);
    expect(countsLine(s)).toBe('1 to import, 3 to add, 1 to change, 3 to destroy, 1 to forget');
    expect(s.changes.map((c) => [c.action, c.address])).toEqual([
      ['update', 'module.aks.azurerm_kubernetes_cluster.this'],
      ['replace', 'module.aks.azurerm_kubernetes_cluster_node_pool.this["apps"]'],
      ['create', 'module.aks.azurerm_user_assigned_identity.this["velero"]'],
      ['replace', 'module.aks.azurerm_role_assignment.velero'],
      ['delete', 'module.aks.azurerm_storage_container.old'],
      ['move', 'module.aks.azurerm_management_lock.this'],
      ['import', 'module.aks.azurerm_resource_group.this'],
      ['forget', 'module.aks.azurerm_log_analytics_workspace.this'],
    ]);
  });

  it('calls out every destroy, replacements included, with the reason; lists the changes; prints no attribute value', () => {
    const md = summaryMarkdown(summarizePlan(PLAN, 'numbers-prod/aks'));
    expect(md).toBe(`#### \`numbers-prod/aks\`: 1 to import, 3 to add, 1 to change, 3 to destroy, 1 to forget

> [!CAUTION]
> 3 resources are destroyed (2 of them replaced: destroyed and created again):
> - \`module.aks.azurerm_kubernetes_cluster_node_pool.this["apps"]\` (replaced): cannot be updated in place
> - \`module.aks.azurerm_role_assignment.velero\` (replaced): replace requested
> - \`module.aks.azurerm_storage_container.old\`: no longer configured

1 object changed outside Terraform since the last apply.
Outputs that change: \`kubelet_identity\`.

<details><summary>8 changes</summary>

| action | resource |
| --- | --- |
| destroy | \`module.aks.azurerm_storage_container.old\` |
| replace | \`module.aks.azurerm_kubernetes_cluster_node_pool.this["apps"]\` |
| replace | \`module.aks.azurerm_role_assignment.velero\` |
| forget (kept, no longer managed) | \`module.aks.azurerm_log_analytics_workspace.this\` |
| update | \`module.aks.azurerm_kubernetes_cluster.this\` |
| create | \`module.aks.azurerm_user_assigned_identity.this["velero"]\` |
| import | \`module.aks.azurerm_resource_group.this\` |
| move | \`module.aks.azurerm_management_lock.this\` (moved from \`module.aks.azurerm_management_lock.cluster\`) |

</details>
`);
    expect(md).not.toContain('hunter2');
    expect(JSON.stringify(summarizePlan(PLAN, 'x'))).not.toContain('hunter2');
  });

  it('says "no changes" for a plan without any, and warns of an errored one', () => {
    const empty = { format_version: '1.2', resource_changes: [change('azurerm_resource_group.this', ['no-op'])], planned_values: {} };
    expect(summaryMarkdown(summarizePlan(empty, 'numbers-test/dns'))).toBe('#### `numbers-test/dns`: no changes\n');
    const none = { format_version: '1.0', planned_values: {} }; // no resource_changes at all: an empty configuration
    expect(countsLine(summarizePlan(none, 'x'))).toBe('no changes');
    const errored = summaryMarkdown(summarizePlan({ ...empty, errored: true }, 'numbers-test/dns'));
    expect(errored).toContain('> The plan stopped with errors: the changes below are incomplete.');
  });

  it('reads a replace that forgets the old object, and treats an unknown combination with "delete" as a destroy', () => {
    const s = summarizePlan(
      {
        format_version: '1.2',
        resource_changes: [change('a.b', ['create', 'forget']), change('c.d', ['delete', 'teleport']), change('e.f', ['teleport'])],
        deferred_changes: [{ reason: 'provider_config_unknown', resource_change: change('g.h', ['create']) }],
      },
      't',
    );
    expect(s.counts).toEqual({ import: 0, add: 1, change: 0, destroy: 1, forget: 1 });
    expect(countsLine(s)).toBe('1 to add, 0 to change, 1 to destroy, 1 to forget, 1 other');
    const md = summaryMarkdown(s);
    expect(md).toContain('| replace (old object kept, forgotten) | `a.b` |');
    expect(md).toContain('| other | `e.f` (teleport) |');
    expect(md).toContain('1 change is deferred to a later plan.');
  });

  it('keeps long plans within bounds', () => {
    const many = { format_version: '1.2', resource_changes: Array.from({ length: 130 }, (_, i) => change(`azurerm_dns_a_record.r[${i}]`, ['delete'])) };
    const md = summaryMarkdown(summarizePlan(many, 'big'), 100);
    expect(md).toContain('> - and 30 more');
    expect(md).toContain('| … | and 30 more: see the job log |');
    expect(md.split('\n').filter((l) => l.startsWith('| destroy |'))).toHaveLength(100);
  });
});

describe('slipway plan-summary', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'slipway-plan-summary-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const f = path.join(dir, name);
    writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
    return f;
  };

  it('prints the markdown summary, or JSON, or writes it to a file', async () => {
    const plan = file('plan.json', PLAN);
    const md = await runCli(['plan-summary', plan, '--title', 'numbers-prod/aks']);
    expect(md).toMatchObject({ code: 0, stderr: '' });
    expect(md.stdout.split('\n')[0]).toBe('#### `numbers-prod/aks`: 1 to import, 3 to add, 1 to change, 3 to destroy, 1 to forget');
    const asJson = JSON.parse((await runCli(['plan-summary', plan, '--format', 'json'])).stdout) as { title: string; counts: unknown };
    expect(asJson).toMatchObject({ title: plan, counts: { add: 3, destroy: 3 } });
    const out = path.join(dir, 'summary.md');
    expect(await runCli(['plan-summary', plan, '--title', 't', '--output', out])).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(out, 'utf8')).toMatch(/^#### `t`: /);
  });

  it.each([
    ['a state file', { format_version: '1.0', terraform_version: '1.11.4', values: { root_module: {} } }, /is not a Terraform JSON plan: this is a state, not a plan/],
    ['a newer major format', { format_version: '2.0', resource_changes: [] }, /format_version 2\.0 is not supported/],
    ['JSON log lines of terraform plan -json', '{"@level":"info","type":"version"}\n{"@level":"info"}\n', /is not JSON \(/],
    ['something else', { hello: 'world' }, /no format_version: expected the output of "terraform show -json PLANFILE"/],
    ['a change without actions', { format_version: '1.2', resource_changes: [{ address: 'a.b', change: {} }] }, /resource_changes\[0\] has no address or change\.actions/],
  ])('refuses %s with exit 1', async (_name, content, says) => {
    const run = await runCli(['plan-summary', file('bad.json', content)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(says);
    expect(run.stdout).toBe('');
  });

  it('needs exactly one readable file', async () => {
    expect(await runCli(['plan-summary'])).toMatchObject({ code: 2, stderr: expect.stringContaining('PLAN_JSON is required') });
    expect(await runCli(['plan-summary', 'a', 'b'])).toMatchObject({ code: 2, stderr: expect.stringContaining('one plan at a time, not 2.') });
    expect(await runCli(['plan-summary', path.join(dir, 'missing.json')])).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
  });
});
