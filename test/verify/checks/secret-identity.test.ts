// VERIFY_SECRET_IDENTITY: the Secrets Store CSI driver reads Key Vault as the identity a class names
// only for pods whose service account that identity trusts (AKS, "Access Azure Key Vault with the
// CSI driver", workload identity); a class on the node's identity lets any pod read its secrets.
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { secretIdentityCheck, SECRET_IDENTITY } from '../../../generator/verify/checks/secret-identity.ts';
import { describe } from 'vitest';
import { checkCases } from './helpers/cases.ts';
import { clusterState, deployment, namespace } from './helpers/state.ts';

const NS = 'app';
const CLIENT = '0b6c2f4e-1d3a-4c5b-8e7f-9a0b1c2d3e4f';
const spc = (parameters: Record<string, string>): KubeObject => ({ apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name: 'secrets', namespace: NS }, spec: { provider: 'azure', parameters } });
const reader = spc({ usePodIdentity: 'false', clientID: CLIENT, keyvaultName: 'kv', tenantId: 't', objects: 'array: []' });
const mounting = (account: string) =>
  deployment(NS, 'web', { app: 'web' }, { serviceAccountName: account, volumes: [{ name: 's', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'secrets' } } }] });
const identities = [{ key: 'secrets-app', namespace: NS, serviceAccounts: ['app'], clientId: CLIENT }];

describe('the identity a SecretProviderClass reads Key Vault with', () => {
  checkCases(secretIdentityCheck, [
    {
      name: 'a pod whose service account the identity does not trust',
      code: SECRET_IDENTITY,
      broken: () => clusterState([namespace(NS), reader, mounting('default')], { identities }),
      fixed: () => clusterState([namespace(NS), reader, mounting('app')], { identities }),
      says: /mount SecretProviderClass app\/secrets as ServiceAccount app\/default, which its identity secrets-app does not trust \(it trusts app\/app\)/,
    },
    {
      name: 'a clientID no identity of the aks stack has',
      code: SECRET_IDENTITY,
      broken: () => clusterState([namespace(NS), reader, mounting('app')], { identities: [{ ...identities[0]!, clientId: 'other' }] }),
      fixed: () => clusterState([namespace(NS), reader, mounting('app')], { identities }),
      says: /whose clientID 0b6c2f4e-1d3a-4c5b-8e7f-9a0b1c2d3e4f is none of the identities/,
    },
    {
      name: "a class on the node's identity",
      code: SECRET_IDENTITY,
      broken: () => clusterState([namespace(NS), spc({ usePodIdentity: 'false', useVMManagedIdentity: 'true', userAssignedIdentityID: CLIENT, keyvaultName: 'kv', objects: 'array: []' })], { identities }),
      fixed: () => clusterState([namespace(NS), reader], { identities }),
      says: /reads Key Vault with the node's identity \(useVMManagedIdentity\)/,
    },
  ]);
});
