// cert-manager with its CRDs, and the Let's Encrypt ClusterIssuers; workload identity (and the DNS
// zone role) only when the DNS-01 solver goes through Azure DNS.
import { z } from '../../schema/zod.ts';
import { chartVersionPin, email } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { error, warning } from '../model/rules/rule.ts';
import { alert } from './alert-rules.ts';
import { INGRESS_NAMESPACE } from './ingress-nginx.ts';
import { charts, clusterIssuerName, INGRESS_CLASS, MONITORING_RELEASE, monitoringLabels, onPool, workloadIdentityPodLabels, workloadIdentityServiceAccount } from './charts.ts';
import { platformRelease, type DefaultsContext, type PlatformDefinition, type WorkloadIdentitySpec } from './definition.ts';
import type { KubeObject, Values } from './types.ts';
import { mergeValues } from './values.ts';

const NAMESPACE = 'cert-manager';
/** The controller's service account: the chart's default (its fullname), set in the values because a policy names it. */
const CONTROLLER_SERVICE_ACCOUNT = 'cert-manager';
/**
 * The user cert-manager's controller acts as (Kubernetes: a service account authenticates as
 * system:serviceaccount:<namespace>:<name>): the only one that may create CertificateRequests for a
 * ClusterIssuer (admission-policies.ts).
 */
export const CERT_MANAGER_USER = `system:serviceaccount:${NAMESPACE}:${CONTROLLER_SERVICE_ACCOUNT}`;

const identity: WorkloadIdentitySpec = {
  key: 'cert-manager',
  serviceAccount: CONTROLLER_SERVICE_ACCOUNT,
  clientIdVariable: 'CERT_MANAGER_CLIENT_ID',
  // The DNS-01 solver writes and deletes the TXT record set _acme-challenge.<name> and nothing else
  // (cert-manager pkg/issuer/acme/dns/azuredns: Present and CleanUp on RecordTypeTXT; the zone is
  // read only without hostedZoneName). DNS Zone Contributor could delete the zone or its NS records.
  roles: (env) =>
    env.releases.certManager.solver === 'dns01'
      ? [
          {
            role: 'cert-manager DNS-01 TXT records',
            scope: 'dns-zone',
            actions: ['Microsoft.Network/dnszones/read', 'Microsoft.Network/dnszones/TXT/read', 'Microsoft.Network/dnszones/TXT/write', 'Microsoft.Network/dnszones/TXT/delete'],
          },
        ]
      : [],
};

const base: Values = {
  crds: { enabled: true, keep: true },
  serviceAccount: { name: CONTROLLER_SERVICE_ACCOUNT },
  nodeSelector: onPool('apps'),
  resources: { requests: { cpu: '50m', memory: '128Mi' } },
  webhook: { nodeSelector: onPool('apps') },
  cainjector: { nodeSelector: onPool('apps') },
  prometheus: { enabled: true, servicemonitor: { enabled: true, labels: monitoringLabels } },
};

const ACME = { staging: 'https://acme-staging-v02.api.letsencrypt.org/directory', production: 'https://acme-v02.api.letsencrypt.org/directory' } as const;

const input = z
  .strictObject({
    chartVersion: chartVersionPin,
    enabled: z
      .boolean()
      .optional()
      .describe(
        "Install cert-manager and the Let's Encrypt ClusterIssuers. Off only when no host is served (every app host and an exposed Grafana take their certificates from it: RELEASE_NEEDED). Turning it off uninstalls it; its CRDs stay (crds.keep), and with them the certificates' Secrets. Default: true.",
      ),
    email: email.describe("Let's Encrypt account e-mail."),
    issuer: z.enum(['staging', 'production']).optional().describe("Let's Encrypt issuer. Default: production in prod, staging otherwise."),
    solver: z.enum(['http01', 'dns01']).optional().describe('ACME challenge: http01 through the ingress class, dns01 through Azure DNS. Default: http01.'),
  })
  .describe('cert-manager and the ACME ClusterIssuers.');

const settings = (given: z.output<typeof input>, { byStage }: DefaultsContext) => ({
  chartVersion: given.chartVersion ?? null,
  enabled: given.enabled ?? true,
  email: given.email,
  issuer: given.issuer ?? byStage('production' as const, 'staging' as const),
  solver: given.solver ?? ('http01' as const),
  /** Controller, webhook and cainjector replicas: two in prod, with a disruption budget. */
  replicas: byStage(2, 1),
});

export const certManager: PlatformDefinition<'certManager', typeof input, ReturnType<typeof settings>> = platformRelease({
  key: 'certManager',
  name: 'cert-manager',
  chart: charts.certManager,
  namespace: { name: NAMESPACE, podSecurity: 'baseline' },
  input,
  settings,
  enabled: (settings) => settings.enabled,
  identity,
  needs: [MONITORING_RELEASE],
  crds: true,
  values: (env) => {
    const { replicas, solver } = env.releases.certManager;
    return {
      base,
      values: mergeValues(base, {
        replicaCount: replicas,
        podDisruptionBudget: { enabled: replicas > 1 },
        webhook: { replicaCount: replicas },
        cainjector: { replicaCount: replicas },
        ...(solver === 'dns01' && {
          podLabels: workloadIdentityPodLabels,
          serviceAccount: { name: identity.serviceAccount, ...workloadIdentityServiceAccount(identity.clientIdVariable) },
        }),
      }),
    };
  },
  objects: (env) => ({ config: clusterIssuers(env) }),
  alerts: () => [
    {
      name: 'certificates',
      rules: [
        alert('CertificateExpiresSoon', '(certmanager_certificate_expiration_timestamp_seconds - time()) < 14 * 86400', '1h', 'warning', 'Certificate {{ .Labels.namespace }}/{{ .Labels.name }} expires in less than 14 days.'),
        alert('CertificateNotReady', 'certmanager_certificate_ready_status{condition="False"} == 1', '30m', 'critical', 'Certificate {{ .Labels.namespace }}/{{ .Labels.name }} is not ready.'),
      ],
    },
  ],
  rules: (env) => {
    const { issuer, enabled } = env.releases.certManager;
    if (!enabled) return [];
    if (env.stage === 'prod' && issuer !== 'production') {
      return [error('PROD_ISSUER', ['releases', 'certManager', 'issuer'], "Production environments use the Let's Encrypt production issuer; browsers do not trust staging certificates.", 'Set releases.certManager.issuer to production.')];
    }
    if (env.stage !== 'prod' && issuer === 'production') {
      return [warning('ISSUER_RATE_LIMIT', ['releases', 'certManager', 'issuer'], `A ${env.stage} environment uses the Let's Encrypt production issuer, which has strict rate limits.`, 'Use the staging issuer outside prod unless browsers must trust the certificates.')];
    }
    return [];
  },
});

/**
 * Let's Encrypt staging and production; the environment picks which one its ingresses use.
 *
 * A ClusterIssuer "is non-namespaced so it can be used to issue Certificates across all namespaces"
 * (cert-manager.io/docs/concepts/issuer), and cert-manager alone has no setting that limits it to
 * some (approver-policy would, as one more controller to run). Two ways to keep a team to its own
 * hosts were weighed:
 * - namespaced Issuers, one per app namespace: a team with `edit` may edit its Issuer (the chart
 *   aggregates issuers into edit and admin, templates/rbac.yaml), and an Issuer names no hosts
 *   anyway, so nothing would limit what it signs; with DNS-01, an Issuer cannot use cert-manager's
 *   workload identity without --issuer-ambient-credentials, which would hand that identity to every
 *   team's Issuer;
 * - the ClusterIssuers as they are, with admission policies (admission-policies.ts) that refuse a
 *   Certificate for a ClusterIssuer naming a host its namespace does not serve, an Ingress whose TLS
 *   hosts or cert-manager annotations do, and any CertificateRequest for a ClusterIssuer that
 *   cert-manager's controller did not make (a CSR is opaque to the policy). Users cannot create ACME
 *   Orders or Challenges at all (chart v1.21.1 rbac.yaml, GHSA-8rvj-mm4h-c258).
 * The second is what Slipway does: the issuer is used only for the hosts of the namespace asking.
 */
function clusterIssuers(env: Environment): KubeObject[] {
  const cm = env.releases.certManager;
  const solver =
    cm.solver === 'dns01'
      ? {
          // The cert-manager service account carries the workload identity (see values above).
          dns01: {
            azureDNS: { hostedZoneName: env.dns.zone, resourceGroupName: env.names.dnsResourceGroup, subscriptionID: env.dns.subscriptionId, environment: 'AzurePublicCloud' },
          },
        }
      : { http01: { ingress: { ingressClassName: INGRESS_CLASS } } };
  return (['staging', 'production'] as const).map((issuer) => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: clusterIssuerName(issuer) },
    spec: { acme: { server: ACME[issuer], email: cm.email, privateKeySecretRef: { name: `${clusterIssuerName(issuer)}-account` }, solvers: [solver] } },
  }));
}

/**
 * With HTTP-01, cert-manager runs a solver pod in the namespace of each Ingress it gets a certificate
 * for, labelled acme.cert-manager.io/http01-solver=true and listening on 8089 (cert-manager
 * pkg/issuer/acme/http/pod.go), and the ingress controller forwards the challenge to it. A namespace
 * that denies ingress by default must let the controller in to that port.
 */
export function http01SolverPolicy(env: Environment, namespace: string): KubeObject[] {
  if (!env.releases.certManager.enabled || env.releases.certManager.solver !== 'http01') return [];
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-acme-http01-solver', namespace },
      spec: {
        podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': INGRESS_NAMESPACE } } }], ports: [{ port: 8089, protocol: 'TCP' }] }],
      },
    },
  ];
}
