// cert-manager with its CRDs; workload identity only when DNS-01 through Azure DNS is chosen.
import type { Environment } from '../model/environment.ts';
import { workloadIdentity } from '../model/workload-identities.ts';
import { charts, MONITORING_RELEASE, monitoringLabels, onPool } from './charts.ts';
import { placeholder, type Release } from './types.ts';

export function certManager(env: Environment): Release {
  const ha = env.stage === 'prod';
  const id = workloadIdentity('cert-manager');
  const dns01 = env.releases.certManager.solver === 'dns01';
  return {
    name: 'cert-manager',
    namespace: id.namespace,
    source: charts.certManager.source,
    version: env.releases.certManager.chartVersion ?? charts.certManager.version,
    needs: [MONITORING_RELEASE],
    crds: true,
    values: {
      crds: { enabled: true, keep: true },
      replicaCount: ha ? 2 : 1,
      podDisruptionBudget: { enabled: ha },
      nodeSelector: onPool('apps'),
      resources: { requests: { cpu: '50m', memory: '128Mi' } },
      webhook: { replicaCount: ha ? 2 : 1, nodeSelector: onPool('apps') },
      cainjector: { replicaCount: ha ? 2 : 1, nodeSelector: onPool('apps') },
      prometheus: { enabled: true, servicemonitor: { enabled: true, labels: monitoringLabels } },
      ...(dns01 && {
        podLabels: { 'azure.workload.identity/use': 'true' },
        serviceAccount: {
          name: id.serviceAccount,
          labels: { 'azure.workload.identity/use': 'true' },
          annotations: { 'azure.workload.identity/client-id': placeholder(id.clientIdVariable) },
        },
      }),
    },
  };
}
