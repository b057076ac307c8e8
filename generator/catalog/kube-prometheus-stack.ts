// kube-prometheus-stack: Prometheus with retention and a persistent volume, Alertmanager with the
// environment's receivers, Grafana (admin password from Key Vault) behind the ingress only with
// Entra ID sign-in or a source allow-list, else internal; NetworkPolicies that keep every pod
// outside `monitoring` away from Alertmanager, Prometheus and Grafana.
import { z } from '../../schema/zod.ts';
import { chartVersionPin, cidr, dnsLabel, duration, email, guid, hostname } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { REPLACE_ME, type VaultSecret } from '../model/key-vault-secrets.ts';
import { unreachableReceivers, type AlertRoute } from '../model/rules/alert-routes.ts';
import { duplicates, error, warning, type Finding } from '../model/rules/rule.ts';
import { charts, clusterIssuerName, INGRESS_CLASS, MONITORING_NAMESPACE, MONITORING_RELEASE, onPool } from './charts.ts';
import { platformRelease, type DefaultsContext, type PlatformDefinition, type SecretReader } from './definition.ts';
import { http01SolverPolicy } from './cert-manager.ts';
import { INGRESS_NAMESPACE } from './ingress-nginx.ts';
import { csiVolume, readerSecretProviderClass } from './secret-provider-class.ts';
import { DEFAULT_DATASOURCE_INPUTS, PROMETHEUS_DATASOURCE_UID, readDashboardFile } from './grafana-dashboards.ts';
import type { KubeObject, Values } from './types.ts';
import { mergeValues } from './values.ts';

/** SecretProviderClass mounted by Alertmanager (receiver credentials as files) and by Grafana (its admin Secret, synced while a pod mounts the class). */
/** One class per reader: Grafana's (its admin user and password, the Entra client secret) and Alertmanager's (receiver credentials). */
export const GRAFANA_SECRETS = 'grafana-secrets';
export const ALERTMANAGER_SECRETS = 'alertmanager-secrets';
/** The service accounts the chart gives them (kube-prometheus-stack 88.5.3: <release>-grafana, <release>-alertmanager). */
const GRAFANA_SERVICE_ACCOUNT = `${MONITORING_RELEASE}-grafana`;
const ALERTMANAGER_SERVICE_ACCOUNT = `${MONITORING_RELEASE}-alertmanager`;
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';
export const GRAFANA_ADMIN_USER_SECRET = 'grafana-admin-user';
export const GRAFANA_ADMIN_PASSWORD_SECRET = 'grafana-admin-password';
export const SMTP_PASSWORD_SECRET = 'alertmanager-smtp-password';
/** Client secret of Grafana's Entra ID app registration; Grafana reads it as a file of the class ($__file{}). */
export const GRAFANA_ENTRA_SECRET = 'grafana-entra-client-secret';
const GRAFANA_SECRETS_DIR = '/mnt/secrets-store';
const SECRETS_DIR = '/etc/alertmanager/secrets-store';
/** node-exporter needs the host's network, process and file system namespaces: its own namespace. */
export const NODE_EXPORTER_NAMESPACE = 'monitoring-node-exporter';

/** Severities Slipway's alert rules and the chart's default rules use (info only explains other alerts). */
const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const DEFAULT_RECEIVER_SEVERITIES: readonly Severity[] = ['critical', 'warning'];

/** What decides which alerts a receiver gets: one route per receiver, each with continue, so several receivers can get one alert. */
const routing = {
  severities: z
    .array(z.enum(SEVERITIES))
    .min(1)
    .optional()
    .describe("Severities of the alerts this receiver gets. Default: critical and warning (every alert of Slipway's rules and of the chart's; info alerts only explain others)."),
  labels: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Use a Prometheus label name such as namespace or alertname.'),
      z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'Use a label value of letters, digits, "-" and "_", such as postfacto-main.')).min(1),
    )
    .optional()
    .describe('Only alerts whose labels have one of the listed values, e.g. namespace: [postfacto-main]; every label listed must match. Default: no restriction.'),
};

const receiver = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('email'), name: dnsLabel, to: email, ...routing }),
  z.strictObject({
    type: z.literal('slack'),
    name: dnsLabel,
    channel: z.string().regex(/^#[-\w]+$/, 'Use a channel such as #alerts.'),
    ...routing,
  }),
  z.strictObject({ type: z.literal('webhook'), name: dnsLabel, ...routing }),
]);

/** A receiver with its routing defaults applied. */
export type Receiver = z.output<typeof receiver> & { readonly severities: readonly Severity[]; readonly labels: Readonly<Record<string, readonly string[]>> };

/** Alertmanager's receiver for alerts nobody should get (the chart's Watchdog, info alerts no receiver asks for). */
export const NULL_RECEIVER = 'null';

/** Key vault secret holding a receiver's credential (Slack or webhook URL), or undefined for e-mail. */
export const receiverSecret = (r: Receiver): string | undefined => (r.type === 'email' ? undefined : `alertmanager-${r.type}-${r.name}`);

const base: Values = {
  crds: { enabled: true },
  // AKS manages the control plane: these targets cannot be scraped and would only alert.
  kubeControllerManager: { enabled: false },
  kubeScheduler: { enabled: false },
  kubeEtcd: { enabled: false },
  prometheus: {
    prometheusSpec: {
      // Pick up ServiceMonitors and rules of every release, not only those labelled for this one.
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
      probeSelectorNilUsesHelmValues: false,
      nodeSelector: onPool('apps'),
      resources: { requests: { cpu: '200m', memory: '1Gi' } },
      storageSpec: { volumeClaimTemplate: { spec: { storageClassName: 'managed-csi-premium', accessModes: ['ReadWriteOnce'] } } },
    },
  },
  alertmanager: {
    alertmanagerSpec: {
      nodeSelector: onPool('apps'),
      volumes: [csiVolume('secrets-store', ALERTMANAGER_SECRETS)],
      volumeMounts: [{ name: 'secrets-store', mountPath: SECRETS_DIR, readOnly: true }],
    },
  },
  // Outside the monitoring namespace, which then needs no more than baseline (prometheus-node-exporter
  // subchart: namespaceOverride).
  'prometheus-node-exporter': { namespaceOverride: NODE_EXPORTER_NAMESPACE },
  grafana: {
    // The admin Secret is synced from Key Vault only while some pod mounts its SecretProviderClass
    // (Secrets Store CSI driver, "Sync as Kubernetes secret"): Grafana, which reads it, mounts it itself.
    admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
    extraSecretMounts: [{ name: 'secrets-store', mountPath: GRAFANA_SECRETS_DIR, readOnly: true, csi: csiVolume('secrets-store', GRAFANA_SECRETS).csi }],
    // Off unless the environment exposes Grafana (grafana.exposure).
    ingress: { ingressClassName: INGRESS_CLASS, path: '/' },
    // A Role in monitoring instead of a ClusterRole that reads every ConfigMap and Secret of the
    // cluster (grafana chart 12.11.1 templates/role.yaml, clusterrole.yaml); the sidecars then look
    // in monitoring only, where kube-prometheus-stack puts its dashboards and datasource (it sets
    // searchNamespace: ALL, which namespaced RBAC would leave with 403s).
    rbac: { namespaced: true },
    sidecar: {
      dashboards: { searchNamespace: MONITORING_NAMESPACE },
      // No Alertmanager datasource: Grafana's editors could silence alerts through it, and the
      // monitoring NetworkPolicies admit only Prometheus (and Alertmanager's peers) to Alertmanager.
      datasources: { searchNamespace: MONITORING_NAMESPACE, alertmanager: { enabled: false } },
    },
  },
};

const dashboard = z.strictObject({
  name: dnsLabel.max(40, 'Keep dashboard names at most 40 characters: they name files and ConfigMaps.').describe('Name of the dashboard in Slipway: the file Grafana loads it from, and for a file dashboard its ConfigMap grafana-dashboard-<name>.'),
  gnetId: z.int().min(1).optional().describe('ID of a dashboard on grafana.com (grafana.com/grafana/dashboards/<gnetId>), which Grafana downloads when it starts. With revision; not with file.'),
  revision: z.int().min(1).optional().describe('Revision of the grafana.com dashboard, pinned so that every start downloads the same one (required with gnetId).'),
  datasourceInputs: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Use the name of a datasource input such as DS_PROMETHEUS.'))
    .min(1)
    .optional()
    .describe("The grafana.com dashboard's datasource inputs (its __inputs, written ${DS_PROMETHEUS}) to point at Prometheus. Default: [DS_PROMETHEUS]."),
  file: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\.json$/, 'Use a relative path to a .json file, such as dashboards/postfacto.json.')
    .optional()
    .describe(
      'A dashboard JSON file in the repository, relative to the environment file (dashboards/postfacto.json, ../dashboards/x.json), as Grafana exports it; read when Slipway generates and shipped as a ConfigMap that Grafana loads. Prometheus datasource inputs are pointed at Prometheus. Not with gnetId.',
    ),
});

/** A dashboard with its defaults applied: exactly one of gnetId (with revision) and file (rules say so). */
export interface Dashboard {
  readonly name: string;
  readonly gnetId: number | null;
  readonly revision: number | null;
  readonly datasourceInputs: readonly string[];
  readonly file: string | null;
}

/** The grafana chart's dashboard provider for the grafana.com downloads: a folder of its own, read-only. */
export const GRAFANA_COM_PROVIDER = 'grafana-com';
/** Grafana's dashboard sidecar loads ConfigMaps with this label (kube-prometheus-stack 88.5.3 grafana.sidecar.dashboards.label, labelValue "1"). */
export const DASHBOARD_LABEL = 'grafana_dashboard';
export const dashboardConfigMapName = (d: Dashboard) => `grafana-dashboard-${d.name}`;

/** How Grafana is reached and who signs in, with the defaults applied. */
export interface GrafanaAccess {
  readonly exposure: 'ingress' | 'internal';
  readonly sourceRanges: readonly string[];
  readonly entra: { readonly clientId: string; readonly allowedGroups: readonly string[] } | null;
}

const input = z
  .strictObject({
    chartVersion: chartVersionPin,
    retention: z.string().regex(/^\d+(h|d|w|y)$/, 'Use a Prometheus retention such as 15d.').optional().describe('Prometheus retention. Default: 30d in prod, 7d otherwise.'),
    storageSize: z.string().regex(/^\d+(Gi|Ti)$/, 'Use a size such as 50Gi.').optional().describe('Prometheus volume size. Default: 50Gi in prod, 20Gi otherwise.'),
    grafanaHost: hostname.optional().describe('Host for Grafana (inside the zone), served when grafana.exposure is ingress. Default: grafana.<zone>.'),
    receivers: z
      .array(receiver)
      .optional()
      .describe(
        'Alertmanager receivers. Each gets every alert of its severities (and labels), whatever the others get. Credentials and URLs come from Key Vault, never from this file.',
      ),
    smtp: z
      .strictObject({
        smarthost: z.string().regex(/^[a-z0-9.-]+:\d{2,5}$/, 'Use host:port, such as smtp.example.com:587.').describe('SMTP server, host:port (TLS required).'),
        from: email.describe('Sender address of alert e-mails.'),
        username: z.string().min(1).describe('SMTP user; the password is the key vault secret alertmanager-smtp-password.'),
      })
      .optional()
      .describe('Mail server for e-mail receivers.'),
    scrapeInterval: duration.optional().describe('Prometheus scrape interval. Default: 30s.'),
    grafana: z
      .strictObject({
        exposure: z
          .enum(['ingress', 'internal'])
          .optional()
          .describe(
            'ingress: Grafana at grafanaHost through ingress-nginx, with TLS; internal: no Ingress, reach it with kubectl port-forward. Default: ingress when entra or sourceRanges is set, internal otherwise, so Grafana never reaches the internet behind its local admin password alone (prod refuses that: PROD_GRAFANA_EXPOSED).',
          ),
        sourceRanges: z
          .array(cidr)
          .min(1)
          .optional()
          .describe(
            "Client IPv4 ranges that may reach Grafana's Ingress (nginx.ingress.kubernetes.io/whitelist-source-range); ingress-nginx then keeps client addresses (externalTrafficPolicy: Local), without which it sees node addresses. Default: none.",
          ),
        entra: z
          .strictObject({
            clientId: guid.describe(
              "Application (client) ID of Grafana's app registration in azure.tenantId, made outside Slipway: web redirect URI https://<grafanaHost>/login/azuread, a client secret you put into the key vault secret grafana-entra-client-secret, the groups claim (security groups) for allowedGroups, optionally the app roles Viewer, Editor and Admin (without one a user is a Viewer).",
            ),
            allowedGroups: z.array(guid).min(1).describe('Entra ID group object IDs whose members may sign in (Grafana allowed_groups); everyone else is refused.'),
          })
          .optional()
          .describe('Sign-in with Microsoft Entra ID (Grafana [auth.azuread], tenant azure.tenantId) instead of the login form, which is hidden. Default: none.'),
      })
      .optional()
      .describe('How Grafana is reached and who signs in. Default: internal.'),
    dashboards: z
      .array(dashboard)
      .max(50)
      .optional()
      .describe(
        "Grafana dashboards besides the chart's own: from grafana.com by gnetId and revision (Grafana downloads them from grafana.com when it starts: it needs egress to grafana.com:443, which monitoring's NetworkPolicies leave open, and the curl image from Docker Hub), or from a file in the repository (a ConfigMap in monitoring that Grafana's sidecar loads). Default: none.",
      ),
  })
  .optional();

const settings = (given: z.output<typeof input>, { byStage, zone }: DefaultsContext) => ({
  chartVersion: given?.chartVersion ?? null,
  retention: given?.retention ?? byStage('30d', '7d'),
  storageSize: given?.storageSize ?? byStage('50Gi', '20Gi'),
  grafanaHost: given?.grafanaHost ?? `grafana.${zone}`,
  receivers: (given?.receivers ?? []).map((r): Receiver => ({ ...r, severities: [...new Set(r.severities ?? DEFAULT_RECEIVER_SEVERITIES)], labels: r.labels ?? {} })),
  smtp: given?.smtp ?? null,
  scrapeInterval: given?.scrapeInterval ?? '30s',
  grafana: grafanaAccess(given?.grafana),
  dashboards: (given?.dashboards ?? []).map(
    (d): Dashboard => ({ name: d.name, gnetId: d.gnetId ?? null, revision: d.revision ?? null, datasourceInputs: d.datasourceInputs ?? DEFAULT_DATASOURCE_INPUTS, file: d.file ?? null }),
  ),
  /** Prometheus and Alertmanager replicas: two in prod. */
  replicas: byStage(2, 1),
});

function grafanaAccess(given: NonNullable<z.output<typeof input>>['grafana']): GrafanaAccess {
  const entra = given?.entra ? { clientId: given.entra.clientId.toLowerCase(), allowedGroups: given.entra.allowedGroups.map((g) => g.toLowerCase()) } : null;
  const sourceRanges = given?.sourceRanges ?? [];
  return { exposure: given?.exposure ?? (entra || sourceRanges.length ? 'ingress' : 'internal'), sourceRanges, entra };
}

export const kubePrometheusStack: PlatformDefinition<'monitoring', typeof input, ReturnType<typeof settings>> = platformRelease({
  key: 'monitoring',
  name: MONITORING_RELEASE,
  chart: charts.kubePrometheusStack,
  namespace: {
    name: MONITORING_NAMESPACE,
    podSecurity: 'baseline',
    // Prometheus scrapes the kubelets and node-exporter on node IPs (app.kubernetes.io/name as the operator labels its pods).
    nodeNetworkClients: { labels: { 'app.kubernetes.io/name': 'prometheus' }, reason: 'Prometheus scrapes kubelets and node-exporter on node IPs, which a NetworkPolicy cannot allow under Cilium; its pods keep the metadata endpoint.' },
  },
  otherNamespaces: [
    { name: NODE_EXPORTER_NAMESPACE, podSecurity: 'privileged', reason: "node-exporter reads the node's metrics through hostNetwork, hostPID and hostPath volumes" },
  ],
  input,
  settings,
  needs: [],
  crds: true,
  values: (env) => {
    const m = env.releases.monitoring;
    const host = m.grafanaHost;
    return {
      base,
      values: mergeValues(base, {
        // Cilium replaces kube-proxy.
        kubeProxy: { enabled: env.aks.network.dataPlane !== 'cilium' },
        prometheus: {
          prometheusSpec: {
            replicas: m.replicas,
            retention: m.retention,
            scrapeInterval: m.scrapeInterval,
            storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: m.storageSize } } } } },
          },
        },
        alertmanager: { alertmanagerSpec: { replicas: m.replicas }, config: alertmanagerConfig(env) },
        grafana: mergeValues(grafanaValues(env, host), dashboardValues(m.dashboards)),
      }),
    };
  },
  // The SecretProviderClass CRD comes with the AKS Key Vault secrets provider add-on, not with a
  // chart: the class can go in before the release whose pods mount it.
  objects: (env) => ({ base: [...monitoringSecrets(env), ...monitoringPolicies(env), ...dashboardConfigMaps(env)] }),
  secretReaders,
  vaultSecrets: (env) => {
    const m = env.releases.monitoring;
    return [
      { name: GRAFANA_ADMIN_USER_SECRET, generate: false, initialValue: 'admin' },
      { name: GRAFANA_ADMIN_PASSWORD_SECRET, generate: true },
      ...m.receivers.flatMap((r): VaultSecret[] => {
        const name = receiverSecret(r);
        return name ? [{ name, generate: false, initialValue: REPLACE_ME }] : [];
      }),
      ...(m.smtp ? [{ name: SMTP_PASSWORD_SECRET, generate: false, initialValue: REPLACE_ME }] : []),
      ...(m.grafana.entra ? [{ name: GRAFANA_ENTRA_SECRET, generate: false, initialValue: REPLACE_ME }] : []),
    ];
  },
  rules: (env) => [...grafanaRules(env), ...receiverSetupRules(env), ...dashboardRules(env)],
  hosts: (env) => (env.releases.monitoring.grafana.exposure === 'ingress' ? [{ host: env.releases.monitoring.grafanaHost, path: ['releases', 'monitoring', 'grafanaHost'], label: 'Grafana' }] : []),
});

/** Receivers: at least one (else a warning), a mail server for e-mail, unique names, each reachable. */
function receiverSetupRules(env: Environment): Finding[] {
  const m = env.releases.monitoring;
  if (m.receivers.length === 0) {
    return [warning('MONITORING_NO_RECEIVERS', ['releases', 'monitoring'], 'releases.monitoring.receivers is empty: Alertmanager routes every alert to nowhere, so a Postfacto outage or a failed backup goes unnoticed.', 'Add a receiver (email, slack or webhook) under releases.monitoring.receivers.')];
  }
  return [
    ...(m.receivers.some((r) => r.type === 'email') && !m.smtp
      ? [error('MONITORING_SMTP', ['releases', 'monitoring', 'receivers'], 'E-mail receivers need a mail server, and releases.monitoring.smtp is not set.', 'Add releases.monitoring.smtp with smarthost, from and username; the password goes into the key vault secret alertmanager-smtp-password.')]
      : []),
    ...receiverRules(env),
  ];
}

function alertmanagerConfig(env: Environment) {
  const m = env.releases.monitoring;
  const smtp = m.smtp;
  return {
    global: {
      resolve_timeout: '5m',
      ...(smtp && {
        smtp_smarthost: smtp.smarthost,
        smtp_from: smtp.from,
        smtp_auth_username: smtp.username,
        smtp_auth_password_file: `${SECRETS_DIR}/${SMTP_PASSWORD_SECRET}`,
        smtp_require_tls: true,
      }),
    },
    route: alertRoute(m.receivers),
    receivers: [{ name: NULL_RECEIVER }, ...m.receivers.map(receiverConfig)],
  };
}

/** A matcher for a label that takes one of these values (values are letters, digits, "-" and "_": no regex escaping). */
const oneOf = (label: string, values: readonly string[]) => (values.length === 1 ? `${label} = "${values[0]}"` : `${label} =~ "${values.join('|')}"`);

/**
 * The route tree: Watchdog (the chart's always-firing heartbeat) to the null receiver first, then one
 * route per receiver, matching its severities and labels, with `continue: true` so every receiver
 * whose route matches gets the alert (Alertmanager dispatch/route.go: without continue the first
 * matching route ends the search). What no receiver asks for stays with the root's null receiver.
 */
export function alertRoute(receivers: readonly Receiver[]): AlertRoute & { readonly [option: string]: unknown } {
  return {
    receiver: NULL_RECEIVER,
    group_by: ['alertname', 'namespace'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '4h',
    routes: [
      { receiver: NULL_RECEIVER, matchers: ['alertname = "Watchdog"'] },
      ...receivers.map((r) => ({
        receiver: r.name,
        matchers: [oneOf('severity', r.severities), ...Object.entries(r.labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([label, values]) => oneOf(label, values))],
        continue: true,
      })),
    ],
  };
}

/** Receiver names are unique and not Alertmanager's null receiver, and every receiver gets some alert. */
function receiverRules(env: Environment): Finding[] {
  const receivers = env.releases.monitoring.receivers;
  const at = (i: number) => ['releases', 'monitoring', 'receivers', i];
  const out: Finding[] = [];
  receivers.forEach((r, i) => {
    if (r.name === NULL_RECEIVER) {
      out.push(error('MONITORING_RECEIVER_NAME', [...at(i), 'name'], `Receiver name "${NULL_RECEIVER}" is taken: Slipway's route tree sends the alerts nobody should get (Watchdog) to its own receiver of that name.`, 'Choose another name, such as platform-oncall.'));
    }
  });
  for (const d of duplicates(receivers, (r) => r.name)) {
    out.push(error('MONITORING_RECEIVER_NAME', [...at(d.index), 'name'], `Receivers ${d.first + 1} and ${d.index + 1} are both named ${d.item.name}; Alertmanager refuses a configuration with two receivers of one name.`, 'Give each receiver its own name, or merge them.'));
  }
  if (out.length > 0) return out;
  const unreachable = new Set(unreachableReceivers(alertRoute(receivers), receivers.map((r) => r.name)));
  receivers.forEach((r, i) => {
    if (!unreachable.has(r.name)) return;
    out.push(
      error(
        'MONITORING_RECEIVER_UNREACHABLE',
        at(i),
        `No alert reaches receiver ${r.name}: its route (severity ${r.severities.join(' or ')}${Object.keys(r.labels).length ? `, ${Object.entries(r.labels).map(([l, v]) => `${l} ${v.join(' or ')}`).join(', ')}` : ''}) can match only alerts that an earlier route without continue keeps (the first sends Watchdog to the null receiver), or none at all because its matchers contradict each other; nobody hears what it was meant for.`,
        `Fix releases.monitoring.receivers[${i}].severities or .labels so that some alert matches them (a severity under labels must be one of severities; Watchdog never reaches a receiver), or remove the receiver.`,
      ),
    );
  });
  return out;
}

function receiverConfig(r: Receiver) {
  const file = `${SECRETS_DIR}/${receiverSecret(r)}`;
  switch (r.type) {
    case 'email':
      return { name: r.name, email_configs: [{ to: r.to, send_resolved: true }] };
    case 'slack':
      return { name: r.name, slack_configs: [{ api_url_file: file, channel: r.channel, send_resolved: true }] };
    case 'webhook':
      return { name: r.name, webhook_configs: [{ url_file: file, send_resolved: true }] };
  }
}

/** Who reads monitoring's secrets: Grafana and Alertmanager, each with its own identity and only its own secrets. */
function secretReaders(env: Environment): SecretReader[] {
  const m = env.releases.monitoring;
  const reader = (key: string, name: string, account: string, secrets: string[], variable: string): SecretReader => ({
    key,
    name,
    namespace: MONITORING_NAMESPACE,
    serviceAccounts: [account],
    secrets,
    clientIdVariable: variable,
  });
  const receiverSecrets = [...m.receivers.flatMap((r) => receiverSecret(r) ?? []), ...(m.smtp ? [SMTP_PASSWORD_SECRET] : [])];
  return [
    reader('secrets-grafana', GRAFANA_SECRETS, GRAFANA_SERVICE_ACCOUNT, [GRAFANA_ADMIN_USER_SECRET, GRAFANA_ADMIN_PASSWORD_SECRET, ...(m.grafana.entra ? [GRAFANA_ENTRA_SECRET] : [])], 'SECRETS_GRAFANA_CLIENT_ID'),
    ...(receiverSecrets.length ? [reader('secrets-alertmanager', ALERTMANAGER_SECRETS, ALERTMANAGER_SERVICE_ACCOUNT, receiverSecrets, 'SECRETS_ALERTMANAGER_CLIENT_ID')] : []),
  ];
}

/** The classes Grafana (files, and its admin Secret synced for its env) and Alertmanager (receiver credentials as files) mount. */
function monitoringSecrets(env: Environment): KubeObject[] {
  return secretReaders(env).map((reader) =>
    reader.name === GRAFANA_SECRETS
      ? readerSecretProviderClass(env, reader, { secretName: GRAFANA_ADMIN_SECRET, keys: { 'admin-user': GRAFANA_ADMIN_USER_SECRET, 'admin-password': GRAFANA_ADMIN_PASSWORD_SECRET } })
      : readerSecretProviderClass(env, reader),
  );
}

// ---------------------------------------------------------------- Grafana's exposure

/** ingress-nginx's allow-list annotation (docs/user-guide/nginx-configuration/annotations.md, controller-v1.15.1). */
export const SOURCE_RANGE_ANNOTATION = 'nginx.ingress.kubernetes.io/whitelist-source-range';

/**
 * Grafana's values for the environment: the Ingress only when exposed (TLS, the allow-list), the
 * public URL Grafana builds redirects from, and Entra ID sign-in ([auth.azuread], Grafana docs
 * configure-authentication/azuread). The client secret stays a file reference: the chart refuses a
 * literal auth.azuread.client_secret (grafana chart 12.11.1 assertNoLeakedSecrets) and Grafana reads
 * $__file{} itself when it starts.
 */
function grafanaValues(env: Environment, host: string): Values {
  const g = env.releases.monitoring.grafana;
  if (g.exposure === 'internal') return {};
  const tenant = env.azure.tenantId;
  return {
    'grafana.ini': {
      // Entra's redirect URI is <root_url>login/azuread; without root_url Grafana builds http://<host>:3000/.
      server: { root_url: `https://${host}/` },
      ...(g.entra && {
        // Only "Sign in with Microsoft Entra ID" on the login page; the admin password still serves the sidecars' reload API (basic auth).
        auth: { disable_login_form: true },
        'auth.azuread': {
          enabled: true,
          name: 'Microsoft Entra ID',
          allow_sign_up: true,
          auto_login: false,
          client_id: g.entra.clientId,
          client_secret: `$__file{${GRAFANA_SECRETS_DIR}/${GRAFANA_ENTRA_SECRET}}`,
          scopes: 'openid email profile',
          auth_url: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
          token_url: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
          // Accounts of this tenant only, and only members of the allowed groups (a space-separated list).
          allowed_organizations: tenant,
          allowed_groups: g.entra.allowedGroups.join(' '),
          role_attribute_strict: false,
          allow_assign_grafana_admin: false,
          use_pkce: true,
        },
      }),
    },
    ingress: {
      enabled: true,
      annotations: {
        'cert-manager.io/cluster-issuer': clusterIssuerName(env.releases.certManager.issuer),
        ...(g.sourceRanges.length > 0 && { [SOURCE_RANGE_ANNOTATION]: g.sourceRanges.join(',') }),
      },
      hosts: [host],
      tls: [{ secretName: 'grafana-tls', hosts: [host] }],
    },
  };
}

/** Grafana never reaches the internet behind its local admin password alone in prod; outside prod that is a warning. */
function grafanaRules(env: Environment): Finding[] {
  const g = env.releases.monitoring.grafana;
  const at = ['releases', 'monitoring', 'grafana'];
  if (g.exposure === 'internal') {
    const given = [...(g.sourceRanges.length ? ['sourceRanges'] : []), ...(g.entra ? ['entra'] : [])];
    return given.length
      ? [error('GRAFANA_EXPOSURE_CONFLICT', [...at, 'exposure'], `releases.monitoring.grafana.exposure is internal (no Ingress), yet ${given.join(' and ')} ${given.length === 1 ? 'is' : 'are'} set, which only an Ingress uses.`, `Set exposure: ingress, or remove ${given.join(' and ')}.`)]
      : [];
  }
  if (g.entra || g.sourceRanges.length) return [];
  const message = `Grafana is on the internet at ${env.releases.monitoring.grafanaHost} behind only its local admin password (releases.monitoring.grafana.exposure is ingress, with neither entra nor sourceRanges).`;
  const hint = 'Add releases.monitoring.grafana.entra (Entra ID sign-in) or sourceRanges (an allow-list), or set exposure: internal and use kubectl port-forward.';
  return [env.stage === 'prod' ? error('PROD_GRAFANA_EXPOSED', [...at, 'exposure'], message, hint) : warning('GRAFANA_PASSWORD_ONLY', [...at, 'exposure'], message, hint)];
}

// ---------------------------------------------------------------- NetworkPolicies

/** Pod labels as the charts and prometheus-operator set them (kube-prometheus-stack 88.5.3 with release name kube-prometheus-stack). */
const PODS = {
  prometheus: { 'app.kubernetes.io/name': 'prometheus' },
  alertmanager: { 'app.kubernetes.io/name': 'alertmanager' },
  grafana: { 'app.kubernetes.io/name': 'grafana' },
  kubeStateMetrics: { 'app.kubernetes.io/name': 'kube-state-metrics' },
  operator: { 'app.kubernetes.io/name': 'kube-prometheus-stack-prometheus-operator', 'app.kubernetes.io/component': 'prometheus-operator' },
} as const;

const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: 'TCP' }));
const from = (labels: Readonly<Record<string, string>>) => ({ podSelector: { matchLabels: labels } });

function policy(name: string, pods: Readonly<Record<string, string>> | null, ingress: unknown[]): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: MONITORING_NAMESPACE },
    spec: { podSelector: pods ? { matchLabels: pods } : {}, policyTypes: ['Ingress'], ...(ingress.length && { ingress }) },
  };
}

/**
 * Connections into `monitoring`: none unless admitted here, so no pod elsewhere (a tenant's
 * included) can reach Alertmanager's API and silence alerts, query Prometheus or reach Grafana
 * around its Ingress. Admitted: Prometheus to Alertmanager (9093) and to every scrape target here
 * (ServiceMonitors of the chart); Alertmanager replicas to each other (cluster gossip, 9094 TCP and
 * UDP); Grafana to Prometheus (9090); ingress-nginx's controller to Grafana (3000) when Grafana has
 * an Ingress (and to cert-manager's HTTP-01 solver for its certificate); anyone to the operator's port 10250, which serves the API server's admission webhook
 * calls (they come from the control plane, outside the pod network) and its metrics. Kubelet probes
 * come from the node and pass (NetworkPolicy docs: traffic from a pod's node is always allowed).
 * Egress stays open here: Alertmanager sends to receivers outside the cluster.
 */
function monitoringPolicies(env: Environment): KubeObject[] {
  const exposed = env.releases.monitoring.grafana.exposure === 'ingress';
  const controller = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': INGRESS_NAMESPACE } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
  };
  return [
    policy('default-deny-ingress', null, []),
    policy('alertmanager', PODS.alertmanager, [
      { from: [from(PODS.prometheus)], ports: tcp(9093, 8080) },
      { from: [from(PODS.alertmanager)], ports: [...tcp(9094), { port: 9094, protocol: 'UDP' }] },
    ]),
    policy('prometheus', PODS.prometheus, [
      { from: [from(PODS.grafana)], ports: tcp(9090) },
      { from: [from(PODS.prometheus)], ports: tcp(9090, 8080) },
    ]),
    policy('grafana', PODS.grafana, [{ from: [from(PODS.prometheus), ...(exposed ? [controller] : [])], ports: tcp(3000) }]),
    policy('kube-state-metrics', PODS.kubeStateMetrics, [{ from: [from(PODS.prometheus)], ports: tcp(8080) }]),
    policy('prometheus-operator', PODS.operator, [{ ports: tcp(10250) }]),
    // Grafana's certificate through HTTP-01: the controller forwards the challenge to the solver pod here.
    ...(exposed ? http01SolverPolicy(env, MONITORING_NAMESPACE) : []),
  ];
}

// ---------------------------------------------------------------- dashboards

/**
 * grafana.com dashboards through the grafana chart (12.11.1 templates/_config.tpl download_dashboards.sh):
 * an init container downloads https://grafana.com/api/dashboards/<gnetId>/revisions/<revision>/download
 * into the provider's folder and points the datasource inputs at Prometheus (sed on ${DS_...}).
 * curl verifies TLS: the chart's default options include -k, which would let anyone on the way hand
 * Grafana a dashboard of their own.
 */
function dashboardValues(dashboards: readonly Dashboard[]): Values {
  const downloads = dashboards.filter((d) => d.gnetId !== null);
  if (downloads.length === 0) return {};
  return {
    defaultCurlOptions: '-sfL',
    dashboardProviders: {
      'dashboardproviders.yaml': {
        apiVersion: 1,
        providers: [
          {
            name: GRAFANA_COM_PROVIDER,
            orgId: 1,
            folder: 'grafana.com',
            type: 'file',
            disableDeletion: true,
            editable: false,
            options: { path: `/var/lib/grafana/dashboards/${GRAFANA_COM_PROVIDER}` },
          },
        ],
      },
    },
    dashboards: {
      [GRAFANA_COM_PROVIDER]: Object.fromEntries(
        downloads.map((d) => [d.name, { gnetId: d.gnetId, revision: d.revision, datasource: d.datasourceInputs.map((name) => ({ name, value: PROMETHEUS_DATASOURCE_UID })) }]),
      ),
    },
  };
}

/**
 * File dashboards as ConfigMaps in monitoring, where the sidecar looks (searchNamespace above). Flux's
 * post-build substitution is off for them: it would blank every ${variable} of the dashboard.
 */
function dashboardConfigMaps(env: Environment): KubeObject[] {
  return env.releases.monitoring.dashboards.flatMap((d): KubeObject[] => {
    if (d.file === null || d.gnetId !== null) return [];
    const read = readDashboardFile(env.source, d.file);
    if (!read.ok) throw new Error(`Dashboard ${d.name}: ${read.problem} (validation reports this as DASHBOARD_FILE).`);
    return [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: dashboardConfigMapName(d),
          namespace: MONITORING_NAMESPACE,
          labels: { [DASHBOARD_LABEL]: '1' },
          annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' },
        },
        data: { [`${d.name}.json`]: read.json },
      },
    ];
  });
}

/** Each dashboard has one source (a pinned grafana.com revision, or a readable file) and its own name. */
function dashboardRules(env: Environment): Finding[] {
  const dashboards = env.releases.monitoring.dashboards;
  const at = (i: number, field?: string) => ['releases', 'monitoring', 'dashboards', i, ...(field ? [field] : [])];
  const out: Finding[] = [];
  dashboards.forEach((d, i) => {
    if (d.gnetId !== null && d.file !== null) {
      out.push(error('DASHBOARD_SOURCE', at(i, 'file'), `Dashboard ${d.name} names both a grafana.com dashboard (gnetId ${d.gnetId}) and a file; it can come from one of them.`, 'Keep gnetId and revision, or file.'));
    } else if (d.gnetId === null && d.file === null) {
      out.push(error('DASHBOARD_SOURCE', at(i), `Dashboard ${d.name} names neither a grafana.com dashboard nor a file.`, 'Add gnetId and revision (a grafana.com dashboard), or file (a JSON file next to the environment file).'));
    } else if (d.gnetId !== null && d.revision === null) {
      out.push(
        error('DASHBOARD_SOURCE', at(i, 'gnetId'), `Dashboard ${d.name} (grafana.com ${d.gnetId}) has no revision: without one the chart downloads revision 1, the oldest, and a pin is what keeps every start the same.`, `Add revision: the latest is listed at https://grafana.com/grafana/dashboards/${d.gnetId} (Revisions).`),
      );
    } else if (d.gnetId === null && d.revision !== null) {
      out.push(error('DASHBOARD_SOURCE', at(i, 'revision'), `Dashboard ${d.name} has a revision but no gnetId; revision pins a grafana.com dashboard.`, 'Remove revision, or add the gnetId it belongs to.'));
    }
    if (d.file !== null && d.gnetId === null) {
      const read = readDashboardFile(env.source, d.file);
      if (!read.ok) out.push(error('DASHBOARD_FILE', at(i, 'file'), `Dashboard ${d.name}: ${read.problem}.`, 'Point file at a dashboard JSON inside the repository, relative to the environment file (e.g. dashboards/postfacto.json next to it).'));
    }
  });
  for (const d of duplicates(dashboards, (x) => x.name)) {
    out.push(error('DASHBOARD_DUPLICATE', at(d.index, 'name'), `Dashboards ${d.first + 1} and ${d.index + 1} are both named ${d.item.name}; the second would replace the first.`, 'Give each dashboard its own name.'));
  }
  return out;
}
