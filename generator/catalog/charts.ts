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

/**
 * An image Slipway names itself (the charts pin their own). With a digest, the tag is only for
 * people: the digest is what the node pulls, so a retagged image never sneaks in. Without one, why.
 */
export interface PinnedImage {
  readonly repository: string;
  readonly tag: string;
  readonly digest: `sha256:${string}` | null;
  readonly unpinned?: string;
}

/** "repository:tag@digest" (or without a digest), as Kubernetes and helm take it. */
export const imageReference = (i: PinnedImage) => `${i.repository}:${imageTag(i)}`;
/** The tag field for charts that join repository and tag themselves (app-template). */
export const imageTag = (i: PinnedImage) => (i.digest ? `${i.tag}@${i.digest}` : i.tag);

export const IMAGES = {
  /** Redis for Postfacto's Action Cable, in-cluster: 7.4.11, the 7.4 release with the 2025-2026 CVE fixes (CVE-2025-49844 and later). */
  redis: { repository: 'redis', tag: '7.4.11-alpine', digest: 'sha256:ff02b58f971e7d7d156a1267e283fcbbeee91773b6aa36c49dac28ecfe28eadf' },
  /** The Velero plugin for Azure matching Velero 1.18 (chart 12.1.0). */
  veleroAzurePlugin: {
    repository: 'velero/velero-plugin-for-microsoft-azure',
    tag: 'v1.14.0',
    digest: null,
    unpinned: 'no digest could be verified offline for this tag; pin it with "crane digest" or "docker buildx imagetools inspect" where the registry is reachable',
  },
  /** Postfacto itself: the tag is the instance's version, chosen per instance. */
  postfacto: { repository: 'postfacto/postfacto', tag: '<version>', digest: null, unpinned: 'the version is chosen per instance (apps.postfacto[].version)' },
} as const satisfies Record<string, PinnedImage>;

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
