// Derives every Azure name from the environment name. Each derived name is checked against the
// Azure naming rules in rules/azure-names.ts; the rules themselves live in schema/azure-names.ts.
import { workloadIdentities } from '../catalog/index.ts';
import type { AzureNames } from './environment.ts';

/** The user-assigned identity of a workload identity key (a release's, or a secret reader's). */
export const identityName = (environment: string, key: string) => `id-${environment}-${key}`;

export function deriveNames(name: string, backupStorageAccount: string | undefined): AzureNames {
  const compact = name.replace(/-/g, '');
  return {
    resourceGroup: `rg-${name}`,
    dnsResourceGroup: `rg-${name}-dns`,
    postgresqlResourceGroup: `rg-${name}-postgresql`,
    nodeResourceGroup: `rg-${name}-aks-nodes`,
    virtualNetwork: `vnet-${name}`,
    aksSubnet: 'snet-aks',
    postgresqlSubnet: 'snet-postgresql',
    cluster: `aks-${name}`,
    dnsPrefix: name,
    postgresqlServer: `psql-${name}`,
    postgresqlPrivateDnsZone: `${name}.private.postgres.database.azure.com`,
    keyVault: `kv-${name}`,
    logAnalyticsWorkspace: `log-${name}`,
    backupResourceGroup: `rg-${name}-backup`,
    backupStorageAccount: backupStorageAccount ?? `st${compact}bkp`,
    backupContainer: 'velero',
    identities: {
      controlPlane: `id-${name}-aks`,
      kubelet: `id-${name}-kubelet`,
      workloads: Object.fromEntries(workloadIdentities.map((w) => [w.key, identityName(name, w.key)])),
    },
  };
}
