// ingress-nginx: the ingress controller behind the Azure load balancer. Retired upstream (no fixes
// since March 2026); kept per DESIGN.md and flagged by validate (INGRESS_NGINX_RETIRED).
import type { Environment } from '../model/environment.ts';
import { charts, INGRESS_CLASS, MONITORING_RELEASE, monitoringLabels, onPool } from './charts.ts';
import type { Release, Values } from './types.ts';
import { mergeValues } from './values.ts';

export const INGRESS_NAMESPACE = 'ingress-nginx';
const selector = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };

const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } });

const base: Values = {
  controller: {
    topologySpreadConstraints: [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')],
    nodeSelector: onPool('apps'),
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
    ingressClassResource: { name: INGRESS_CLASS, enabled: true, default: true },
    allowSnippetAnnotations: false,
    config: { 'server-tokens': 'false', 'ssl-protocols': 'TLSv1.2 TLSv1.3', hsts: 'true' },
    service: {
      // AKS's load balancer probes "/" by default, which the controller answers with 404.
      annotations: { 'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz' },
    },
    metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: monitoringLabels } },
  },
};

export function ingressNginx(env: Environment): Release {
  const replicas = env.releases.ingressNginx.replicas;
  return {
    name: 'ingress-nginx',
    namespace: INGRESS_NAMESPACE,
    source: charts.ingressNginx.source,
    version: env.releases.ingressNginx.chartVersion ?? charts.ingressNginx.version,
    needs: [MONITORING_RELEASE],
    crds: false,
    baseValues: base,
    values: mergeValues(base, {
      // The chart only creates the PodDisruptionBudget with more than one replica.
      controller: { replicaCount: replicas, minAvailable: Math.max(1, replicas - 1) },
    }),
  };
}
