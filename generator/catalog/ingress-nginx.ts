// ingress-nginx: the ingress controller behind the Azure load balancer. Retired upstream (no fixes
// since March 2026); kept per DESIGN.md and flagged by validate (INGRESS_NGINX_RETIRED).
import { z } from 'zod';
import { chartVersionPin } from '../../schema/common.ts';
import { error, warning } from '../model/rules/rule.ts';
import { charts, INGRESS_CLASS, MONITORING_RELEASE, monitoringLabels, onPool } from './charts.ts';
import { platformRelease, type DefaultsContext, type PlatformDefinition } from './definition.ts';
import type { Values } from './types.ts';
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

const input = z
  .strictObject({
    chartVersion: chartVersionPin,
    replicas: z.int().min(1).max(20).optional().describe('Controller replicas. Default: 3 in prod, 1 otherwise.'),
  })
  .optional();

const settings = (given: z.output<typeof input>, { byStage }: DefaultsContext) => ({ chartVersion: given?.chartVersion ?? null, replicas: given?.replicas ?? byStage(3, 1) });

export const ingressNginx: PlatformDefinition<'ingressNginx', typeof input, ReturnType<typeof settings>> = platformRelease({
  key: 'ingressNginx',
  name: 'ingress-nginx',
  chart: charts.ingressNginx,
  namespace: { name: INGRESS_NAMESPACE, podSecurity: 'baseline' },
  input,
  settings,
  needs: [MONITORING_RELEASE],
  crds: false,
  values: (env) => {
    const replicas = env.releases.ingressNginx.replicas;
    // The chart only creates the PodDisruptionBudget with more than one replica.
    return { base, values: mergeValues(base, { controller: { replicaCount: replicas, minAvailable: Math.max(1, replicas - 1) } }) };
  },
  rules: (env) => [
    warning('INGRESS_NGINX_RETIRED', ['releases', 'ingressNginx'], 'ingress-nginx is retired upstream: no releases or security fixes since March 2026.', 'Slipway keeps it for now; plan a move to a Gateway API implementation.'),
    ...(env.stage === 'prod' && env.releases.ingressNginx.replicas < 2
      ? [
          error(
            'PROD_INGRESS_REPLICAS',
            ['releases', 'ingressNginx', 'replicas'],
            `Production environments run at least 2 ingress controller replicas; releases.ingressNginx.replicas is ${env.releases.ingressNginx.replicas}.`,
            'Set releases.ingressNginx.replicas to 2 or more (the prod default is 3).',
          ),
        ]
      : []),
  ],
});
