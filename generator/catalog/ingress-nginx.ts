// ingress-nginx: the ingress controller behind the Azure load balancer. Retired upstream (no fixes
// since March 2026); kept per DESIGN.md and flagged by validate (INGRESS_NGINX_RETIRED).
import { z } from '../../schema/zod.ts';
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
    loadBalancer: z
      .strictObject({
        internal: z
          .boolean()
          .optional()
          .describe(
            'Put the controller behind an internal Azure load balancer (a private address in the aks subnet, service.beta.kubernetes.io/azure-load-balancer-internal): hosts are reachable only from the VNet and networks peered or connected to it; cert-manager must use the dns01 solver. Default: false (public).',
          ),
        publicIp: z
          .strictObject({
            name: z.string().regex(/^[A-Za-z0-9][-\w.]{0,78}[\w]$/, 'Use a public IP resource name: letters, digits, "_", "-" and ".", up to 80 characters.').describe('Name of a Standard SKU static public IP in the region.'),
            resourceGroup: z.string().regex(/^[-\w.()]{0,89}[-\w()]$/, 'Use a resource group name such as rg-numbers-prod-ingress.').describe("Its resource group: the node resource group, or another one in the subscription (the aks stack gives the cluster's control plane identity Network Contributor there)."),
          })
          .optional()
          .describe('A static public IP you created for the load balancer, so the address survives reinstalling the controller (AKS static-ip: the azure-pip-name and azure-load-balancer-resource-group annotations). Default: an address Azure allocates with the Service.'),
      })
      .optional()
      .describe("The controller Service's Azure load balancer: public (default) with an optional static IP, or internal."),
  })
  .optional();

const settings = (given: z.output<typeof input>, { byStage }: DefaultsContext) => ({
  chartVersion: given?.chartVersion ?? null,
  enabled: given?.enabled ?? true,
  replicas: given?.replicas ?? byStage(3, 1),
  hsts: { includeSubDomains: given?.hsts?.includeSubDomains ?? false, maxAge: given?.hsts?.maxAge ?? DEFAULT_HSTS_MAX_AGE },
  loadBalancer: { internal: given?.loadBalancer?.internal ?? false, publicIp: given?.loadBalancer?.publicIp ?? null },
});

/**
 * Annotations of the controller Service for the load balancer (cloud-provider-azure, AKS docs
 * internal-lb: azure-load-balancer-internal "true"; static-ip: azure-pip-name with
 * azure-load-balancer-resource-group when the IP is outside the node resource group).
 */
const loadBalancerAnnotations = (lb: ReturnType<typeof settings>['loadBalancer']): Record<string, string> => ({
  ...(lb.internal && { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' }),
  ...(lb.publicIp && {
    'service.beta.kubernetes.io/azure-pip-name': lb.publicIp.name,
    'service.beta.kubernetes.io/azure-load-balancer-resource-group': lb.publicIp.resourceGroup,
  }),
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
          service: {
            ...(keepsClientAddresses(env) && { externalTrafficPolicy: 'Local' }),
            annotations: loadBalancerAnnotations(env.releases.ingressNginx.loadBalancer),
          },
        },
      }),
    };
  },
  // Switched off, it has nothing to say: what still needs it is rules/release-dependencies.ts's concern.
  rules: (env) => !env.releases.ingressNginx.enabled ? [] : [
    warning('INGRESS_NGINX_RETIRED', ['releases', 'ingressNginx'], 'ingress-nginx is retired upstream: no releases or security fixes since March 2026.', 'Slipway keeps it for now; plan a move to a Gateway API implementation.'),
    ...loadBalancerRules(env),
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

/** An internal load balancer has no public address to pin, and Let's Encrypt cannot reach it for HTTP-01. */
function loadBalancerRules(env: Environment) {
  const lb = env.releases.ingressNginx.loadBalancer;
  const at = ['releases', 'ingressNginx', 'loadBalancer'];
  if (!lb.internal) return [];
  return [
    ...(lb.publicIp
      ? [error('INGRESS_LOAD_BALANCER', [...at, 'publicIp'], 'releases.ingressNginx.loadBalancer has a publicIp and internal: true; an internal load balancer takes a private address from the aks subnet.', 'Remove publicIp, or set internal to false.')]
      : []),
    ...(env.releases.certManager.enabled && env.releases.certManager.solver === 'http01'
      ? [
          error(
            'INGRESS_LOAD_BALANCER',
            [...at, 'internal'],
            "The ingress load balancer is internal while cert-manager solves HTTP-01 challenges through it: Let's Encrypt cannot reach a private address, so no certificate would be issued.",
            'Set releases.certManager.solver to dns01, or make the load balancer public.',
          ),
        ]
      : []),
  ];
}
