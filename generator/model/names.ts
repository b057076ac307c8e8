// Derives every Azure name from the environment name, unless azure.names gives one. Each name is
// checked against the Azure naming rules in rules/azure-names.ts; the rules themselves live in
// schema/azure-names.ts.
import { workloadIdentities } from '../catalog/index.ts';
import type { AzureNames, NameOverrides } from './environment.ts';

/** The user-assigned identity of a workload identity key (a release's, or a secret reader's). */
export const identityName = (environment: string, key: string) => `id-${environment}-${key}`;

/** The fields of azure.names, in the order the model lists them. */
export const NAME_OVERRIDES = ['cluster', 'resourceGroup', 'nodeResourceGroup', 'dnsResourceGroup', 'postgresqlResourceGroup', 'backupResourceGroup', 'stateKey'] as const satisfies ReadonlyArray<keyof NameOverrides>;

export interface NameInputs {
  /** releases.velero.storageAccount. */
  readonly backupStorageAccount?: string;
  /** azure.names. */
  readonly overrides?: NameOverrides;
  /** dns.existing.resourceGroup: where a zone managed elsewhere is. */
  readonly existingZoneResourceGroup?: string;
}

export function deriveNames(name: string, inputs: NameInputs = {}): AzureNames {
  const compact = name.replace(/-/g, '');
  const given = inputs.overrides ?? {};
  return {
    resourceGroup: given.resourceGroup ?? `rg-${name}`,
    dnsResourceGroup: inputs.existingZoneResourceGroup ?? given.dnsResourceGroup ?? `rg-${name}-dns`,
    postgresqlResourceGroup: given.postgresqlResourceGroup ?? `rg-${name}-postgresql`,
    nodeResourceGroup: given.nodeResourceGroup ?? `rg-${name}-aks-nodes`,
    virtualNetwork: `vnet-${name}`,
    aksSubnet: 'snet-aks',
    postgresqlSubnet: 'snet-postgresql',
    podSubnet: 'snet-pods',
    cluster: given.cluster ?? `aks-${name}`,
    dnsPrefix: name,
    postgresqlServer: `psql-${name}`,
    postgresqlPrivateDnsZone: `${name}.private.postgres.database.azure.com`,
    keyVault: `kv-${name}`,
    logAnalyticsWorkspace: `log-${name}`,
    backupResourceGroup: given.backupResourceGroup ?? `rg-${name}-backup`,
    backupStorageAccount: inputs.backupStorageAccount ?? `st${compact}bkp`,
    backupContainer: 'velero',
    stateKey: given.stateKey ?? name,
    given: NAME_OVERRIDES.filter((k) => given[k] !== undefined),
    identities: {
      controlPlane: `id-${name}-aks`,
      kubelet: `id-${name}-kubelet`,
      workloads: Object.fromEntries(workloadIdentities.map((w) => [w.key, identityName(name, w.key)])),
    },
  };
}
