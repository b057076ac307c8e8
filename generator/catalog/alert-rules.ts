// The platform's PrometheusRule: the alert groups every release declares (a Postfacto instance
// down, a failed backup, a certificate close to expiry), in one object that kube-prometheus-stack
// picks up. Templates use .Labels and .Value (not $labels/$value) so no "$" meets Flux substitution
// or Go templating.
import { MONITORING_NAMESPACE, monitoringLabels } from './charts.ts';
import type { KubeObject } from './types.ts';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string };
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

export const alert = (name: string, expr: string, forDuration: string, severity: AlertRule['labels']['severity'], summary: string): AlertRule => ({
  alert: name,
  expr,
  for: forDuration,
  labels: { severity },
  annotations: { summary },
});

export const prometheusRule = (groups: readonly AlertGroup[]): KubeObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'slipway-platform', namespace: MONITORING_NAMESPACE, labels: monitoringLabels },
  spec: { groups },
});
