// The gitops stack's Flux configuration refuses to start Flux before its first sync can succeed:
// preconditions evaluated by the real terraform (console, no provider needed).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatePreconditions } from '../helpers/terraform-conditions.ts';
import { repoRoot } from '../helpers/workspace.ts';

const moduleDir = path.join(repoRoot, 'terraform/modules/aks/modules/flux-configuration');
const base = {
  cluster_id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks',
  git: { repository_url: 'https://github.com/numbers/platform-gitops', branch: 'main', path: './out/numbers-test/flux', sync_interval_seconds: 60 },
  timeout_seconds: 2700,
  substitute: {},
  client_id_variables: {},
  client_ids: {},
  required_secret_names: ['grafana-admin-password', 'postgresql-administrator-password'],
  key_vault_id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
  postgresql_secret_names: ['grafana-admin-password'],
  database_secret_names: ['postgresql-administrator-password'],
};
const evaluate = (values: Record<string, unknown>) => evaluatePreconditions(moduleDir, 'azurerm_kubernetes_flux_configuration.this', { ...base, ...values });

describe('the Flux configuration starts only when its first sync can succeed', () => {
  it('passes for a public repository once the postgresql and databases stacks wrote every secret the cluster reads', async () => {
    expect((await evaluate({})).map((r) => r.condition)).toEqual([true, true]);
  });

  it('names the secrets the earlier stacks have not written yet', async () => {
    const [secrets] = await evaluate({ postgresql_secret_names: [] });
    expect(secrets).toEqual({ condition: false, message: 'The key vault lacks secrets the cluster reads (grafana-admin-password): apply the postgresql and databases stacks first.' });
  });

  it("stops a private repository's first sync until the credentials Secret exists, naming the command that creates it", async () => {
    const command = 'az aks get-credentials --resource-group rg --name aks && kubectl create secret generic gitops-credentials --namespace flux-system ...';
    const [, missing] = await evaluate({ credentials: { secret_name: 'gitops-credentials', created: false }, credentials_command: command });
    expect(missing!.condition).toBe(false);
    expect(missing!.message).toContain('the Secret gitops-credentials in flux-system');
    expect(missing!.message).toContain(command);
    expect(missing!.message).toContain('gitops.secretCreated: true');
    const [, created] = await evaluate({ credentials: { secret_name: 'gitops-credentials', created: true } });
    expect(created!.condition).toBe(true);
  });
});
