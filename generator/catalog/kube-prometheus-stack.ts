// kube-prometheus-stack: Prometheus with retention and a persistent volume, Alertmanager with the
// environment's receivers, Grafana behind the ingress with TLS and its admin password from Key Vault.
import { z } from 'zod';
import { chartVersionPin, dnsLabel, duration, email, hostname } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { REPLACE_ME, type VaultSecret } from '../model/key-vault-secrets.ts';
import { unreachableReceivers, type AlertRoute } from '../model/rules/alert-routes.ts';
import { duplicates, error, warning, type Finding } from '../model/rules/rule.ts';
import { charts, clusterIssuerName, INGRESS_CLASS, MONITORING_NAMESPACE, MONITORING_RELEASE, onPool } from './charts.ts';
import { platformRelease, type DefaultsContext, type PlatformDefinition } from './definition.ts';
import { csiVolume, secretProviderClass } from './secret-provider-class.ts';
import type { KubeObject, Values } from './types.ts';
import { mergeValues } from './values.ts';

/** SecretProviderClass mounted by Alertmanager (receiver credentials as files) and by Grafana (its admin Secret, synced while a pod mounts the class). */
export const MONITORING_SECRETS = 'monitoring-secrets';
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';
export const GRAFANA_ADMIN_USER_SECRET = 'grafana-admin-user';
export const GRAFANA_ADMIN_PASSWORD_SECRET = 'grafana-admin-password';
export const SMTP_PASSWORD_SECRET = 'alertmanager-smtp-password';
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
      volumes: [csiVolume('secrets-store', MONITORING_SECRETS)],
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
    extraSecretMounts: [{ name: 'secrets-store', mountPath: '/mnt/secrets-store', readOnly: true, csi: csiVolume('secrets-store', MONITORING_SECRETS).csi }],
    ingress: { enabled: true, ingressClassName: INGRESS_CLASS, path: '/' },
  },
};

const input = z
  .strictObject({
    chartVersion: chartVersionPin,
    retention: z.string().regex(/^\d+(h|d|w|y)$/, 'Use a Prometheus retention such as 15d.').optional().describe('Prometheus retention. Default: 30d in prod, 7d otherwise.'),
    storageSize: z.string().regex(/^\d+(Gi|Ti)$/, 'Use a size such as 50Gi.').optional().describe('Prometheus volume size. Default: 50Gi in prod, 20Gi otherwise.'),
    grafanaHost: hostname.optional().describe('Host for Grafana (inside the zone). Default: grafana.<zone>.'),
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
  /** Prometheus and Alertmanager replicas: two in prod. */
  replicas: byStage(2, 1),
});

export const kubePrometheusStack: PlatformDefinition<'monitoring', typeof input, ReturnType<typeof settings>> = platformRelease({
  key: 'monitoring',
  name: MONITORING_RELEASE,
  chart: charts.kubePrometheusStack,
  namespace: { name: MONITORING_NAMESPACE, podSecurity: 'baseline' },
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
        grafana: {
          ingress: {
            annotations: { 'cert-manager.io/cluster-issuer': clusterIssuerName(env.releases.certManager.issuer) },
            hosts: [host],
            tls: [{ secretName: 'grafana-tls', hosts: [host] }],
          },
        },
      }),
    };
  },
  // The SecretProviderClass CRD comes with the AKS Key Vault secrets provider add-on, not with a
  // chart: the class can go in before the release whose pods mount it.
  objects: (env) => ({ base: [monitoringSecrets(env)] }),
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
    ];
  },
  rules: (env) => {
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
  },
  hosts: (env) => [{ host: env.releases.monitoring.grafanaHost, path: ['releases', 'monitoring', 'grafanaHost'], label: 'Grafana' }],
});

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

/** The SecretProviderClass Alertmanager and Grafana mount; it also syncs Grafana's admin Secret, which Grafana reads as env. */
function monitoringSecrets(env: Environment): KubeObject {
  const m = env.releases.monitoring;
  const receiverSecrets = m.receivers.flatMap((r) => receiverSecret(r) ?? []);
  const objects = [GRAFANA_ADMIN_USER_SECRET, GRAFANA_ADMIN_PASSWORD_SECRET, ...receiverSecrets, ...(m.smtp ? [SMTP_PASSWORD_SECRET] : [])];
  return secretProviderClass(env, MONITORING_SECRETS, MONITORING_NAMESPACE, objects, {
    secretName: GRAFANA_ADMIN_SECRET,
    keys: { 'admin-user': GRAFANA_ADMIN_USER_SECRET, 'admin-password': GRAFANA_ADMIN_PASSWORD_SECRET },
  });
}
