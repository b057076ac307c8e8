// Alerts the platform must raise: a Postfacto instance down or degraded, a failed or missing
// Velero backup, a certificate close to expiry or not ready. Templates use .Labels and .Value
// (not $labels/$value) so no "$" meets Flux substitution or Go templating.
import type { Environment } from '../model/environment.ts';
import { monitoringLabels } from './charts.ts';
import { MONITORING_NAMESPACE } from './kube-prometheus-stack.ts';
import type { KubeObject } from './types.ts';

const rule = (alert: string, expr: string, forDuration: string, severity: string, summary: string) => ({
  alert,
  expr,
  for: forDuration,
  labels: { severity },
  annotations: { summary },
});

export function alertRules(env: Environment): KubeObject[] {
  const postfacto = env.apps.postfacto.flatMap((p) => {
    const selector = `namespace="${p.namespace}", deployment="${p.release}-web"`;
    return [
      rule(`PostfactoDown`, `sum(kube_deployment_status_replicas_available{${selector}}) < 1`, '5m', 'critical', `Postfacto ${p.name} (${p.host}) has no available web pod.`),
      rule(
        `PostfactoDegraded`,
        `sum(kube_deployment_status_replicas_available{${selector}}) < ${p.replicas.min}`,
        '15m',
        'warning',
        `Postfacto ${p.name} runs fewer than its ${p.replicas.min} minimum web pods.`,
      ),
    ];
  });
  const groups = [
    { name: 'postfacto', rules: postfacto },
    {
      name: 'certificates',
      rules: [
        rule('CertificateExpiresSoon', '(certmanager_certificate_expiration_timestamp_seconds - time()) < 14 * 86400', '1h', 'warning', 'Certificate {{ .Labels.namespace }}/{{ .Labels.name }} expires in less than 14 days.'),
        rule('CertificateNotReady', 'certmanager_certificate_ready_status{condition="False"} == 1', '30m', 'critical', 'Certificate {{ .Labels.namespace }}/{{ .Labels.name }} is not ready.'),
      ],
    },
    ...(env.releases.velero.enabled
      ? [
          {
            name: 'backups',
            rules: [
              rule('VeleroBackupFailed', 'increase(velero_backup_failure_total{schedule!=""}[2h]) > 0', '5m', 'critical', 'A Velero backup of schedule {{ .Labels.schedule }} failed.'),
              rule(
                'VeleroBackupMissing',
                '(time() - velero_backup_last_successful_timestamp{schedule!=""}) > 2 * 86400',
                '30m',
                'critical',
                'Schedule {{ .Labels.schedule }} has had no successful backup for two days.',
              ),
            ],
          },
        ]
      : []),
  ];
  return [{ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'slipway-platform', namespace: MONITORING_NAMESPACE, labels: monitoringLabels }, spec: { groups } }];
}
