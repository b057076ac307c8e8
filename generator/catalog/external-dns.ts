// external-dns for the environment's Azure DNS zone, authenticating with workload identity.
import type { Environment } from '../model/environment.ts';
import { workloadIdentity } from '../model/workload-identities.ts';
import { charts, MONITORING_RELEASE, monitoringLabels, onPool, workloadIdentityPodLabels, workloadIdentityServiceAccount } from './charts.ts';
import type { Release, Values } from './types.ts';
import { mergeValues } from './values.ts';

/** ConfigMap with azure.json (objects/external-dns-config.ts): no credentials in it, workload identity does the auth. */
export const EXTERNAL_DNS_CONFIG = 'external-dns-azure';

const id = workloadIdentity('external-dns');

const base: Values = {
  // The federated credential names this service account.
  fullnameOverride: id.serviceAccount,
  provider: { name: 'azure' },
  sources: ['service', 'ingress'],
  registry: 'txt',
  serviceAccount: workloadIdentityServiceAccount(id.clientIdVariable),
  podLabels: workloadIdentityPodLabels,
  extraVolumes: [{ name: 'azure-config-file', configMap: { name: EXTERNAL_DNS_CONFIG } }],
  extraVolumeMounts: [{ name: 'azure-config-file', mountPath: '/etc/kubernetes', readOnly: true }],
  nodeSelector: onPool('apps'),
  resources: { requests: { cpu: '25m', memory: '64Mi' } },
  serviceMonitor: { enabled: true, additionalLabels: monitoringLabels },
};

export function externalDns(env: Environment): Release {
  return {
    name: 'external-dns',
    namespace: id.namespace,
    source: charts.externalDns.source,
    version: env.releases.externalDns.chartVersion ?? charts.externalDns.version,
    needs: [MONITORING_RELEASE],
    crds: false,
    baseValues: base,
    values: mergeValues(base, { policy: env.releases.externalDns.policy, txtOwnerId: env.name, domainFilters: [env.dns.zone] }),
  };
}
