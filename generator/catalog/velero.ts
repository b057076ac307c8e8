// Velero with the Azure plugin: backups to the storage account outside the cluster (Entra ID, no
// keys), disk snapshots in the node resource group, schedules from the environment.
import { z } from '../../schema/zod.ts';
import { azureName } from '../../schema/azure-names.ts';
import { chartVersionPin, dnsLabel, guid } from '../../schema/common.ts';
import { error } from '../model/rules/rule.ts';
import { alert } from './alert-rules.ts';
import { charts, MONITORING_RELEASE, monitoringLabels, onPool, IMAGES, imageReference, workloadIdentityPodLabels, workloadIdentityServiceAccount } from './charts.ts';
import { platformRelease, type DefaultsContext, type PlatformDefinition, type WorkloadIdentitySpec } from './definition.ts';
import type { Values } from './types.ts';
import { mergeValues } from './values.ts';

/** Velero TTLs are Go durations in hours, e.g. 720h for 30 days. */
const ttl = z.string().regex(/^\d+h(\d+m)?(\d+s)?$/, 'Use a duration in hours such as 720h (30 days).');
const cron = z.string().regex(/^(\S+\s+){4}\S+$/, 'Use a five-field cron expression such as "0 2 * * *".');

const schedule = z.strictObject({
  name: dnsLabel.describe('Schedule name.'),
  schedule: cron.describe('Cron expression (UTC).'),
  ttl: ttl.optional().describe('How long backups are kept. Default: 720h.'),
  includedNamespaces: z.array(dnsLabel).optional().describe('Namespaces to back up. Default: all.'),
  excludedNamespaces: z
    .array(dnsLabel)
    .optional()
    .describe('Namespaces left out. Default: kube-system (AKS rebuilds it) and flux-system (Flux is reinstalled from git; its Git credentials stay out of backups).'),
  includeSecrets: z
    .boolean()
    .optional()
    .describe(
      'Back up Kubernetes Secrets too. Off by default: backups hold objects in plain text, and every Secret Slipway deploys comes back without them (the Secrets Store driver syncs them from Key Vault, cert-manager reissues certificates). Default: false.',
    ),
});

const identity: WorkloadIdentitySpec = {
  key: 'velero',
  serviceAccount: 'velero',
  clientIdVariable: 'VELERO_CLIENT_ID',
  roles: () => [
    // Backups as blobs, with Entra ID (shared keys are off); Reader to find the account.
    { role: 'Storage Blob Data Contributor', scope: 'backup-storage' },
    { role: 'Reader', scope: 'backup-storage' },
    // Disk snapshots live next to the disks. Contributor there could also delete the nodes: the
    // custom role holds what the Azure plugin calls for snapshots and restores, nothing more
    // (velero-plugin-for-microsoft-azure README, "Snapshot Management" and "Disk Management").
    {
      role: 'Velero disk snapshots',
      scope: 'node-resource-group',
      actions: [
        'Microsoft.Compute/disks/read',
        'Microsoft.Compute/disks/write',
        'Microsoft.Compute/disks/beginGetAccess/action',
        'Microsoft.Compute/disks/endGetAccess/action',
        'Microsoft.Compute/snapshots/read',
        'Microsoft.Compute/snapshots/write',
        'Microsoft.Compute/snapshots/delete',
      ],
    },
  ],
};

const base: Values = {
  initContainers: [
    {
      name: 'velero-plugin-for-microsoft-azure',
      image: imageReference(IMAGES.veleroAzurePlugin),
      imagePullPolicy: 'IfNotPresent',
      volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    },
  ],
  podLabels: workloadIdentityPodLabels,
  serviceAccount: { server: { name: identity.serviceAccount, ...workloadIdentityServiceAccount(identity.clientIdVariable) } },
  snapshotsEnabled: true,
  deployNodeAgent: false,
  metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: monitoringLabels } },
  nodeSelector: onPool('apps'),
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
};

const input = z
  .strictObject({
    chartVersion: chartVersionPin,
    enabled: z.boolean().optional().describe('Back up the cluster with Velero. Default: true.'),
    storageAccount: azureName('storageAccount').optional().describe('Backup storage account outside the cluster. Default: st<name>bkp.'),
    storageSubscriptionId: guid
      .optional()
      .describe(
        "Subscription of the backup storage account: another one than the cluster's, where the cluster's deployers and operators hold no role, keeps backups out of reach of an insider or a stolen credential of this environment. The aks stack's principal needs Contributor and User Access Administrator there. Default: azure.subscriptionId.",
      ),
    immutableDays: z
      .int()
      .min(1)
      .max(3650)
      .optional()
      .describe(
        'Keep every overwritten or deleted backup blob as an immutable previous version for this many days (Azure version-level WORM, which Velero tolerates), then delete it. Set when the account is created: changing it replaces the account and its backups. Default: 35 in prod (the 30-day TTL plus a margin), none otherwise.',
      ),
    schedules: z.array(schedule).optional().describe('Backup schedules. Default: daily at 02:00 UTC, kept 720h.'),
  })
  .optional();

const settings = (given: z.output<typeof input>, { byStage }: DefaultsContext) => ({
  chartVersion: given?.chartVersion ?? null,
  enabled: given?.enabled ?? true,
  schedules: (given?.schedules ?? [{ name: 'daily', schedule: '0 2 * * *' }]).map((s) => ({
    name: s.name,
    schedule: s.schedule,
    ttl: s.ttl ?? '720h',
    includedNamespaces: s.includedNamespaces ?? ['*'],
    excludedNamespaces: s.excludedNamespaces ?? ['kube-system', 'flux-system'],
    includeSecrets: s.includeSecrets ?? false,
  })),
  storageSubscriptionId: given?.storageSubscriptionId?.toLowerCase() ?? null,
  immutableDays: given?.immutableDays ?? byStage<number | null>(35, null),
  /** Replication of the backup storage account: geo-zone-redundant in prod. */
  storageReplication: byStage('GZRS' as const, 'ZRS' as const),
});

export const velero: PlatformDefinition<'velero', typeof input, ReturnType<typeof settings>> = platformRelease({
  key: 'velero',
  name: 'velero',
  chart: charts.velero,
  namespace: { name: 'velero', podSecurity: 'baseline' },
  input,
  settings,
  enabled: (settings) => settings.enabled,
  identity,
  needs: [MONITORING_RELEASE],
  crds: true,
  values: (env) => {
    const v = env.releases.velero;
    const n = env.names;
    return {
      base,
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
                subscriptionId: v.storageSubscriptionId ?? env.azure.subscriptionId,
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
              template: {
                ttl: s.ttl,
                storageLocation: 'default',
                includedNamespaces: s.includedNamespaces,
                excludedNamespaces: s.excludedNamespaces,
                // Velero resource filtering: excludedResources applies to every namespace of the backup.
                ...(!s.includeSecrets && { excludedResources: ['secrets'] }),
              },
            },
          ]),
        ),
      }),
    };
  },
  alerts: () => [
    {
      name: 'backups',
      rules: [
        alert('VeleroBackupFailed', 'increase(velero_backup_failure_total{schedule!=""}[2h]) > 0', '5m', 'critical', 'A Velero backup of schedule {{ .Labels.schedule }} failed.'),
        alert('VeleroBackupMissing', '(time() - velero_backup_last_successful_timestamp{schedule!=""}) > 2 * 86400', '30m', 'critical', 'Schedule {{ .Labels.schedule }} has had no successful backup for two days.'),
      ],
    },
  ],
  rules: (env) =>
    env.stage === 'prod' && (!env.releases.velero.enabled || env.releases.velero.schedules.length === 0)
      ? [error('PROD_BACKUPS', ['releases', 'velero'], 'Production environments keep Velero backups on with at least one schedule.', 'Set releases.velero.enabled to true and keep a schedule (the default is daily).')]
      : [],
});
