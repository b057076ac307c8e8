// VERIFY_SUBSTITUTION / VERIFY_VAULT_SECRET: the Flux variables and Key Vault secrets the manifests
// use are the ones the Terraform stacks provide.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { SUBSTITUTION, terraformContractCheck, VAULT_SECRET, vaultObjects } from '../../../generator/verify/checks/terraform-contract.ts';
import { checkCases } from './helpers/cases.ts';
import { layout } from './helpers/graph.ts';
import { clusterState, environment, inGit, inRelease } from './helpers/state.ts';

const fluxKustomization = (substitute: Record<string, string>): KubeObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'apps', namespace: 'flux-system' },
  spec: { path: './out/numbers-test/flux/apps', postBuild: { substitute } },
});
const serviceAccount = (clientId: string): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'external-dns', namespace: 'external-dns', annotations: { 'azure.workload.identity/client-id': clientId } } });
const spc = (objects: string[], keyvaultName = environment.names.keyVault): KubeObject => ({
  apiVersion: 'secrets-store.csi.x-k8s.io/v1',
  kind: 'SecretProviderClass',
  metadata: { name: 'postfacto-main', namespace: 'postfacto-main' },
  spec: { provider: 'azure', parameters: { keyvaultName, objects: `array:\n${objects.map((o) => `  - |\n    objectName: ${o}\n    objectType: secret\n`).join('')}` } },
});
/** The apps Kustomization and a ServiceAccount it applies, with the variable names it used before substitution. */
function withVariables(apps: KubeObject, variables: string[]) {
  const state = clusterState([...inGit('flux-system', apps), ...inGit('apps', serviceAccount(''))], contract);
  return { ...state, objects: state.objects.map((r) => (r.kustomization === 'apps' ? { ...r, variables } : r)) };
}
const contract = { kustomizations: layout(), substitutions: ['EXTERNAL_DNS_CLIENT_ID', 'SECRETS_PROVIDER_CLIENT_ID'], vaultSecrets: ['postgresql-administrator-password', 'postfacto-main-secret-key-base'] };

describe('the contract with Terraform', () => {
  checkCases(terraformContractCheck, [
    {
      name: 'a Kustomization passing on a variable the aks stack does not set',
      code: SUBSTITUTION,
      broken: () => clusterState(inGit('flux-system', fluxKustomization({ EXTERNAL_DNS_CLIENT_ID: '${EXTERNAL_DNS_CLIENT_ID}', DNS_CLIENT_ID: '${DNS_CLIENT_ID}' })), contract),
      fixed: () => clusterState(inGit('flux-system', fluxKustomization({ EXTERNAL_DNS_CLIENT_ID: '${EXTERNAL_DNS_CLIENT_ID}' })), contract),
      says: /passes post-build variable DNS_CLIENT_ID on/,
    },
    {
      name: 'an object from git referencing a variable nobody sets',
      code: SUBSTITUTION,
      broken: () => clusterState(inGit('infrastructure-controllers', serviceAccount('${EXTERNALDNS_CLIENT_ID}')), contract),
      fixed: () => clusterState(inGit('infrastructure-controllers', serviceAccount('0000-client-id')), contract),
      says: /uses post-build variable EXTERNALDNS_CLIENT_ID \(still there at \/metadata\/annotations\/azure\.workload\.identity~1client-id\), which the gitops stack's Flux configuration does not set/,
    },
    {
      name: 'an object from git whose Kustomization does not pass a known variable on (it defines none: nothing substituted)',
      code: SUBSTITUTION,
      broken: () => clusterState([...inGit('flux-system', fluxKustomization({})), ...inGit('apps', serviceAccount('${EXTERNAL_DNS_CLIENT_ID}'))], contract),
      fixed: () => clusterState([...inGit('flux-system', fluxKustomization({ EXTERNAL_DNS_CLIENT_ID: 'x' })), ...inGit('apps', serviceAccount('0000-client-id'))], contract),
      says: /Kustomization apps does not pass on/,
    },
    {
      name: 'the names the engine recorded before substitution (the value is already empty)',
      code: SUBSTITUTION,
      broken: () => withVariables(fluxKustomization({ SECRETS_PROVIDER_CLIENT_ID: 'x' }), ['EXTERNAL_DNS_CLIENT_ID']),
      fixed: () => withVariables(fluxKustomization({ SECRETS_PROVIDER_CLIENT_ID: 'x', EXTERNAL_DNS_CLIENT_ID: 'x' }), ['EXTERNAL_DNS_CLIENT_ID']),
      says: /ServiceAccount external-dns\/external-dns uses post-build variable EXTERNAL_DNS_CLIENT_ID, which Kustomization apps does not pass on/,
    },
    {
      name: 'a SecretProviderClass reading a Key Vault secret no stack writes',
      code: VAULT_SECRET,
      broken: () => clusterState(inRelease('postfacto-main/postfacto-main', 'apps', spc(['postgresql-administrator-password', 'postfacto-main-secret-key'])), contract),
      fixed: () => clusterState(inRelease('postfacto-main/postfacto-main', 'apps', spc(['postgresql-administrator-password', 'postfacto-main-secret-key-base'])), contract),
      says: /reads Key Vault secret postfacto-main-secret-key, which no Terraform stack writes to kv-numbers-test/,
    },
    {
      name: "a SecretProviderClass reading another vault than the environment's",
      code: VAULT_SECRET,
      broken: () => clusterState(inRelease('postfacto-main/postfacto-main', 'apps', spc(['postgresql-administrator-password'], 'kv-numbers-prod')), contract),
      fixed: () => clusterState(inRelease('postfacto-main/postfacto-main', 'apps', spc(['postgresql-administrator-password'])), contract),
    },
  ]);

  it('leaves ${...} in chart-rendered objects alone: Flux substitutes only what is in git', () => {
    const dashboards: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboards', namespace: 'monitoring' }, data: { 'board.json': '{"datasource": "${datasource}"}' } };
    expect(terraformContractCheck(clusterState(inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', dashboards), contract))).toEqual([]);
  });

  it("reads the provider's object list (a YAML string of YAML strings)", () => {
    expect(vaultObjects({ object: spc(['a', 'b']), kustomization: 'apps', file: 'x' })).toEqual([
      { name: 'a', type: 'secret' },
      { name: 'b', type: 'secret' },
    ]);
  });
});
