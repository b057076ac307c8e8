// cert-manager with its CRDs; workload identity only when DNS-01 through Azure DNS is chosen.
import type { Environment } from '../model/environment.ts';
import { workloadIdentity } from '../model/workload-identities.ts';
import { charts, MONITORING_RELEASE, monitoringLabels, onPool, workloadIdentityPodLabels, workloadIdentityServiceAccount } from './charts.ts';
import type { Release, Values } from './types.ts';
import { mergeValues } from './values.ts';

const base: Values = {
  crds: { enabled: true, keep: true },
  nodeSelector: onPool('apps'),
  resources: { requests: { cpu: '50m', memory: '128Mi' } },
  webhook: { nodeSelector: onPool('apps') },
  cainjector: { nodeSelector: onPool('apps') },
  prometheus: { enabled: true, servicemonitor: { enabled: true, labels: monitoringLabels } },
};

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
    baseValues: base,
    values: mergeValues(base, {
      replicaCount: ha ? 2 : 1,
      podDisruptionBudget: { enabled: ha },
      webhook: { replicaCount: ha ? 2 : 1 },
      cainjector: { replicaCount: ha ? 2 : 1 },
      ...(dns01 && {
        podLabels: workloadIdentityPodLabels,
        serviceAccount: { name: id.serviceAccount, ...workloadIdentityServiceAccount(id.clientIdVariable) },
      }),
    }),
  };
}
