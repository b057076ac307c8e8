// kube-prometheus-stack: Prometheus with retention and a persistent volume, Alertmanager with the
// environment's receivers, Grafana behind the ingress with TLS and its admin password from Key Vault.
import type { Environment, Receiver } from '../model/environment.ts';
import { GRAFANA_ADMIN_PASSWORD_SECRET, GRAFANA_ADMIN_USER_SECRET, receiverSecret, SMTP_PASSWORD_SECRET } from '../model/key-vault-secrets.ts';
import { charts, clusterIssuerName, INGRESS_CLASS, MONITORING_RELEASE, onPool } from './charts.ts';
import { csiVolume, secretProviderClass } from './secret-provider-class.ts';
import type { KubeObject, Release, Values } from './types.ts';
import { mergeValues } from './values.ts';

export const MONITORING_NAMESPACE = 'monitoring';
/** SecretProviderClass mounted by Alertmanager: receiver credentials as files, Grafana's admin Secret synced. */
export const MONITORING_SECRETS = 'monitoring-secrets';
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';
const SECRETS_DIR = '/etc/alertmanager/secrets-store';

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
  grafana: {
    admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
    ingress: { enabled: true, ingressClassName: INGRESS_CLASS, path: '/' },
  },
};

export function kubePrometheusStack(env: Environment): Release {
  const m = env.releases.monitoring;
  const ha = env.stage === 'prod';
  const host = m.grafanaHost;
  return {
    name: MONITORING_RELEASE,
    namespace: MONITORING_NAMESPACE,
    source: charts.kubePrometheusStack.source,
    version: m.chartVersion ?? charts.kubePrometheusStack.version,
    needs: [],
    crds: true,
    baseValues: base,
    values: mergeValues(base, {
      // Cilium replaces kube-proxy.
      kubeProxy: { enabled: env.aks.network.dataPlane !== 'cilium' },
      prometheus: {
        prometheusSpec: {
          replicas: ha ? 2 : 1,
          retention: m.retention,
          scrapeInterval: m.scrapeInterval,
          storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: m.storageSize } } } } },
        },
      },
      alertmanager: { alertmanagerSpec: { replicas: ha ? 2 : 1 }, config: alertmanagerConfig(env) },
      grafana: {
        ingress: {
          annotations: { 'cert-manager.io/cluster-issuer': clusterIssuerName(env.releases.certManager.issuer) },
          hosts: [host],
          tls: [{ secretName: 'grafana-tls', hosts: [host] }],
        },
      },
    }),
  };
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
    route: {
      receiver: m.receivers[0]?.name ?? 'null',
      group_by: ['alertname', 'namespace'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
    },
    receivers: [{ name: 'null' }, ...m.receivers.map(receiverConfig)],
  };
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

/** The SecretProviderClass Alertmanager mounts (it also syncs Grafana's admin Secret). */
export function monitoringSecrets(env: Environment): KubeObject {
  const m = env.releases.monitoring;
  const receiverSecrets = m.receivers.flatMap((r) => receiverSecret(r) ?? []);
  const objects = [GRAFANA_ADMIN_USER_SECRET, GRAFANA_ADMIN_PASSWORD_SECRET, ...receiverSecrets, ...(m.smtp ? [SMTP_PASSWORD_SECRET] : [])];
  return secretProviderClass(env, MONITORING_SECRETS, MONITORING_NAMESPACE, objects, {
    secretName: GRAFANA_ADMIN_SECRET,
    keys: { 'admin-user': GRAFANA_ADMIN_USER_SECRET, 'admin-password': GRAFANA_ADMIN_PASSWORD_SECRET },
  });
}
