// ingress-nginx: the ingress controller behind the Azure load balancer. Retired upstream (no fixes
// since March 2026); kept per DESIGN.md and flagged by validate (INGRESS_NGINX_RETIRED).
import { z } from 'zod';
import { chartVersionPin } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { error, warning } from '../model/rules/rule.ts';
import { charts, INGRESS_CLASS, MONITORING_RELEASE, monitoringLabels, onPool } from './charts.ts';
import { platformRelease, type DefaultsContext, type PlatformDefinition } from './definition.ts';
import type { Values } from './types.ts';
import { mergeValues } from './values.ts';

export const INGRESS_NAMESPACE = 'ingress-nginx';
const selector = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };

/** One year, ingress-nginx's own default (internal/ingress/controller/config/config.go hstsMaxAge). */
export const DEFAULT_HSTS_MAX_AGE = 31536000;

const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } });

const base: Values = {
  controller: {
    topologySpreadConstraints: [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')],
    nodeSelector: onPool('apps'),
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
    ingressClassResource: { name: INGRESS_CLASS, enabled: true, default: true },
    allowSnippetAnnotations: false,
    // HSTS on every TLS host; includeSubDomains off unless the environment turns it on: ingress-nginx
    // defaults hsts-include-subdomains to "true" (docs/user-guide/nginx-configuration/configmap.md,
    // controller-v1.15.1), which would also pin every name under this environment's hosts to HTTPS
    // with a trusted certificate, other environments' included. ConfigMap values are strings.
    config: {
      'server-tokens': 'false',
      'ssl-protocols': 'TLSv1.2 TLSv1.3',
      hsts: 'true',
      'hsts-include-subdomains': 'false',
      'hsts-max-age': String(DEFAULT_HSTS_MAX_AGE),
    },
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
    enabled: z
      .boolean()
      .optional()
      .describe(
        'Install ingress-nginx. Off only when nothing is served through an Ingress: no app host, Grafana internal, and cert-manager off or on DNS-01 (validate says what still needs it: RELEASE_NEEDED). Turning it off uninstalls it, and its load balancer IP goes back to Azure. Default: true.',
      ),
    replicas: z.int().min(1).max(20).optional().describe('Controller replicas. Default: 3 in prod, 1 otherwise.'),
    hsts: z
      .strictObject({
        includeSubDomains: z
          .boolean()
          .optional()
          .describe(
            "Send HSTS with includeSubDomains: browsers then also refuse plain HTTP and untrusted certificates on every name under this environment's hosts, which no environment can take back for maxAge. Default: false, because another environment's hosts may sit under this one's (a test zone under prod's apex, with Let's Encrypt staging certificates); turn it on only when every name below is yours and served over trusted HTTPS (validate warns with FLEET_HSTS_SUBDOMAINS when another environment's hosts sit below).",
          ),
        maxAge: z
          .int()
          .min(0)
          .max(63072000)
          .optional()
          .describe('HSTS max-age in seconds: how long browsers remember to use only HTTPS. Default: 31536000 (one year, ingress-nginx\'s default).'),
      })
      .optional()
      .describe('Strict-Transport-Security header ingress-nginx sends on every TLS host (always on).'),
  })
  .optional();

const settings = (given: z.output<typeof input>, { byStage }: DefaultsContext) => ({
  chartVersion: given?.chartVersion ?? null,
  enabled: given?.enabled ?? true,
  replicas: given?.replicas ?? byStage(3, 1),
  hsts: { includeSubDomains: given?.hsts?.includeSubDomains ?? false, maxAge: given?.hsts?.maxAge ?? DEFAULT_HSTS_MAX_AGE },
});

/**
 * An allow-list by source range (whitelist-source-range) needs the client's address. Behind the
 * Azure load balancer with the default externalTrafficPolicy Cluster, the controller sees the node's
 * instead (AKS docs, configure-load-balancer-standard.md: "To maintain the client's IP address, you
 * must set service.spec.externalTrafficPolicy to local"); with Local the load balancer probes each
 * node's healthCheckNodePort and sends traffic only to nodes that run a controller pod. Set only
 * when some Ingress has an allow-list, today Grafana's (releases.monitoring.grafana.sourceRanges).
 */
export const keepsClientAddresses = (env: Environment): boolean => env.releases.monitoring.grafana.exposure === 'ingress' && env.releases.monitoring.grafana.sourceRanges.length > 0;

export const ingressNginx: PlatformDefinition<'ingressNginx', typeof input, ReturnType<typeof settings>> = platformRelease({
  key: 'ingressNginx',
  name: 'ingress-nginx',
  chart: charts.ingressNginx,
  namespace: { name: INGRESS_NAMESPACE, podSecurity: 'baseline' },
  input,
  settings,
  enabled: (settings) => settings.enabled,
  needs: [MONITORING_RELEASE],
  crds: false,
  values: (env) => {
    const replicas = env.releases.ingressNginx.replicas;
    // The chart only creates the PodDisruptionBudget with more than one replica.
    const hsts = env.releases.ingressNginx.hsts;
    return {
      base,
      values: mergeValues(base, {
        controller: {
          replicaCount: replicas,
          minAvailable: Math.max(1, replicas - 1),
          config: { 'hsts-include-subdomains': String(hsts.includeSubDomains), 'hsts-max-age': String(hsts.maxAge) },
          ...(keepsClientAddresses(env) && { service: { externalTrafficPolicy: 'Local' } }),
        },
      }),
    };
  },
  // Switched off, it has nothing to say: what still needs it is rules/release-dependencies.ts's concern.
  rules: (env) => !env.releases.ingressNginx.enabled ? [] : [
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
