// Chart sources and pinned versions (DESIGN.md "Decisions already taken"). An environment can pin
// another version per release with releases.<name>.chartVersion.
import { placeholder, type ChartSource } from './types.ts';

export interface Chart {
  readonly source: ChartSource;
  readonly version: string;
}

export const charts = {
  ingressNginx: { version: '4.15.1', source: { kind: 'helm', repository: 'ingress-nginx', url: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx' } },
  externalDns: { version: '1.21.1', source: { kind: 'helm', repository: 'external-dns', url: 'https://kubernetes-sigs.github.io/external-dns/', chart: 'external-dns' } },
  certManager: { version: 'v1.21.1', source: { kind: 'oci', repository: 'jetstack', url: 'oci://quay.io/jetstack/charts/cert-manager', chart: 'cert-manager' } },
  velero: { version: '12.1.0', source: { kind: 'helm', repository: 'vmware-tanzu', url: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero' } },
  kubePrometheusStack: {
    version: '88.5.3',
    source: { kind: 'oci', repository: 'prometheus-community', url: 'oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack', chart: 'kube-prometheus-stack' },
  },
  appTemplate: { version: '4.1.1', source: { kind: 'oci', repository: 'bjw-s-labs', url: 'oci://ghcr.io/bjw-s-labs/helm/app-template', chart: 'app-template' } },
} as const satisfies Record<string, Chart>;

/** Image of the Velero plugin for Azure matching Velero 1.18 (chart 12.1.0). */
export const VELERO_AZURE_PLUGIN_IMAGE = 'velero/velero-plugin-for-microsoft-azure:v1.14.0';
/** Redis for Postfacto's Action Cable, in-cluster. */
export const REDIS_IMAGE = { repository: 'redis', tag: '7.4.2-alpine' };

/** Label kube-prometheus-stack selects ServiceMonitors and PrometheusRules by, and its namespace. */
export const MONITORING_RELEASE = 'kube-prometheus-stack';
export const MONITORING_NAMESPACE = 'monitoring';
export const monitoringLabels = { release: MONITORING_RELEASE } as const;

/** Node pool label set by the AKS stack (normalize.ts nodePoolDefaults). */
export const onPool = (pool: 'apps' | 'data' | 'system') => ({ 'slipway.io/pool': pool });
export const dataPoolToleration = { key: 'slipway.io/pool', operator: 'Equal', value: 'data', effect: 'NoSchedule' } as const;

/** Pods the workload identity webhook should inject a token into. */
export const workloadIdentityPodLabels = { 'azure.workload.identity/use': 'true' } as const;

/** Service account metadata of a workload identity: the label, and the client ID filled after apply. */
export const workloadIdentityServiceAccount = (clientIdVariable: string) => ({
  labels: workloadIdentityPodLabels,
  annotations: { 'azure.workload.identity/client-id': placeholder(clientIdVariable) },
});

export const INGRESS_CLASS = 'nginx';
export const clusterIssuerName = (issuer: 'staging' | 'production') => `letsencrypt-${issuer}`;
