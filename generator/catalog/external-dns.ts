// external-dns for the environment's Azure DNS zone, authenticating with workload identity.
import { z } from 'zod';
import { chartVersionPin } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { charts, MONITORING_RELEASE, monitoringLabels, onPool, workloadIdentityPodLabels, workloadIdentityServiceAccount } from './charts.ts';
import { platformRelease, type PlatformDefinition, type WorkloadIdentitySpec } from './definition.ts';
import type { KubeObject, Values } from './types.ts';
import { mergeValues } from './values.ts';

const NAMESPACE = 'external-dns';
/** ConfigMap with azure.json: no credentials in it, workload identity does the auth. */
export const EXTERNAL_DNS_CONFIG = 'external-dns-azure';

const identity: WorkloadIdentitySpec = {
  key: 'external-dns',
  serviceAccount: 'external-dns',
  clientIdVariable: 'EXTERNAL_DNS_CLIENT_ID',
  roles: () => [
    { role: 'DNS Zone Contributor', scope: 'dns-zone' },
    { role: 'Reader', scope: 'dns-resource-group' },
  ],
};

const base: Values = {
  // The federated credential names this service account.
  fullnameOverride: identity.serviceAccount,
  provider: { name: 'azure' },
  sources: ['service', 'ingress'],
  registry: 'txt',
  serviceAccount: workloadIdentityServiceAccount(identity.clientIdVariable),
  podLabels: workloadIdentityPodLabels,
  extraVolumes: [{ name: 'azure-config-file', configMap: { name: EXTERNAL_DNS_CONFIG } }],
  extraVolumeMounts: [{ name: 'azure-config-file', mountPath: '/etc/kubernetes', readOnly: true }],
  nodeSelector: onPool('apps'),
  resources: { requests: { cpu: '25m', memory: '64Mi' } },
  serviceMonitor: { enabled: true, additionalLabels: monitoringLabels },
};

const input = z
  .strictObject({
    chartVersion: chartVersionPin,
    policy: z.enum(['upsert-only', 'sync']).optional().describe('upsert-only never deletes records; sync also deletes. Default: upsert-only.'),
  })
  .optional();

const settings = (given: z.output<typeof input>) => ({ chartVersion: given?.chartVersion ?? null, policy: given?.policy ?? ('upsert-only' as const) });

export const externalDns: PlatformDefinition<'externalDns', typeof input, ReturnType<typeof settings>> = platformRelease({
  key: 'externalDns',
  name: 'external-dns',
  chart: charts.externalDns,
  namespace: { name: NAMESPACE, podSecurity: 'baseline' },
  input,
  settings,
  identity,
  needs: [MONITORING_RELEASE],
  crds: false,
  values: (env) => ({ base, values: mergeValues(base, { policy: env.releases.externalDns.policy, txtOwnerId: env.name, domainFilters: [env.dns.zone] }) }),
  objects: (env) => ({ base: [azureConfig(env)] }),
});

/** azure.json for external-dns: which zone to manage; workload identity supplies the credential. */
function azureConfig(env: Environment): KubeObject {
  const config = { tenantId: env.azure.tenantId, subscriptionId: env.azure.subscriptionId, resourceGroup: env.names.dnsResourceGroup, useWorkloadIdentityExtension: true };
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EXTERNAL_DNS_CONFIG, namespace: NAMESPACE }, data: { 'azure.json': `${JSON.stringify(config, null, 2)}\n` } };
}
