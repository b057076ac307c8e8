// Velero with the Azure plugin: backups to the storage account outside the cluster (Entra ID, no
// keys), disk snapshots in the node resource group, schedules from the environment.
import type { Environment } from '../model/environment.ts';
import { workloadIdentity } from '../model/workload-identities.ts';
import { charts, MONITORING_RELEASE, monitoringLabels, onPool, VELERO_AZURE_PLUGIN_IMAGE, workloadIdentityPodLabels, workloadIdentityServiceAccount } from './charts.ts';
import type { Release, Values } from './types.ts';
import { mergeValues } from './values.ts';

const id = workloadIdentity('velero');

const base: Values = {
  initContainers: [
    {
      name: 'velero-plugin-for-microsoft-azure',
      image: VELERO_AZURE_PLUGIN_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    },
  ],
  podLabels: workloadIdentityPodLabels,
  serviceAccount: { server: { name: id.serviceAccount, ...workloadIdentityServiceAccount(id.clientIdVariable) } },
  snapshotsEnabled: true,
  deployNodeAgent: false,
  metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: monitoringLabels } },
  nodeSelector: onPool('apps'),
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
};

export function velero(env: Environment): Release | undefined {
  const v = env.releases.velero;
  if (!v.enabled) return undefined;
  const n = env.names;
  return {
    name: 'velero',
    namespace: id.namespace,
    source: charts.velero.source,
    version: v.chartVersion ?? charts.velero.version,
    needs: [MONITORING_RELEASE],
    crds: true,
    baseValues: base,
    values: mergeValues(base, {
      // Not credentials: with workload identity the file only names the subscription and the
      // resource group of the disks (the plugin still expects the file).
      credentials: {
        useSecret: true,
        secretContents: { cloud: `AZURE_SUBSCRIPTION_ID=${env.azure.subscriptionId}\nAZURE_RESOURCE_GROUP=${n.nodeResourceGroup}\nAZURE_CLOUD_NAME=AzurePublicCloud\n` },
      },
      configuration: {
        backupStorageLocation: [
          {
            name: 'default',
            provider: 'azure',
            bucket: n.backupContainer,
            default: true,
            config: {
              resourceGroup: n.backupResourceGroup,
              storageAccount: n.backupStorageAccount,
              storageAccountURI: `https://${n.backupStorageAccount}.blob.core.windows.net/`,
              subscriptionId: env.azure.subscriptionId,
              useAAD: 'true',
            },
          },
        ],
        volumeSnapshotLocation: [
          { name: 'default', provider: 'azure', config: { resourceGroup: n.nodeResourceGroup, subscriptionId: env.azure.subscriptionId, incremental: 'true' } },
        ],
      },
      schedules: Object.fromEntries(
        v.schedules.map((s) => [
          s.name,
          {
            disabled: false,
            schedule: s.schedule,
            useOwnerReferencesInBackup: false,
            template: { ttl: s.ttl, storageLocation: 'default', includedNamespaces: s.includedNamespaces },
          },
        ]),
      ),
    }),
  };
}
