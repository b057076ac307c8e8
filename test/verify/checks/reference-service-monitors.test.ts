// VERIFY_REFERENCE_SERVICE_MONITOR: a ServiceMonitor selects a Service with the named port, where
// namespaceSelector says, and a Prometheus picks it up.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { REFERENCE_SERVICE_MONITOR, serviceMonitorCheck } from '../../../generator/verify/checks/reference-service-monitors.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, deployment, service } from './helpers/state.ts';

/** null leaves a selector out: nil selects nothing, a nil namespace selector means the Prometheus's own namespace. */
const prometheus = (selector: unknown = {}, namespaceSelector: unknown = {}): KubeObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'Prometheus',
  metadata: { name: 'kps-prometheus', namespace: 'monitoring' },
  spec: { ...(selector !== null && { serviceMonitorSelector: selector }), ...(namespaceSelector !== null && { serviceMonitorNamespaceSelector: namespaceSelector }) },
});
const veleroLabels = { 'app.kubernetes.io/name': 'velero' };
const velero = [deployment('velero', 'velero', veleroLabels, { containers: [{ name: 'velero', ports: [{ name: 'http-monitoring', containerPort: 8085 }] }] }), service('velero', 'velero', veleroLabels, [{ name: 'http-monitoring', port: 8085, targetPort: 'http-monitoring' }], veleroLabels)];
const monitor = (o: { namespace?: string; selector?: Record<string, string>; port?: string; namespaceSelector?: unknown; labels?: Record<string, string>; targetPort?: number } = {}): KubeObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'velero', namespace: o.namespace ?? 'velero', labels: o.labels ?? { release: 'kube-prometheus-stack' } },
  spec: {
    selector: { matchLabels: o.selector ?? veleroLabels },
    ...(o.namespaceSelector !== undefined && { namespaceSelector: o.namespaceSelector }),
    endpoints: [o.targetPort ? { targetPort: o.targetPort } : { port: o.port ?? 'http-monitoring' }],
  },
});

describe('ServiceMonitor references', () => {
  checkCases(serviceMonitorCheck, [
    {
      name: 'selecting no Service',
      code: REFERENCE_SERVICE_MONITOR,
      broken: () => clusterState([prometheus(), ...velero, monitor({ selector: { 'app.kubernetes.io/name': 'velero-server' } })]),
      fixed: () => clusterState([prometheus(), ...velero, monitor()]),
    },
    {
      name: 'a Service in another namespace without namespaceSelector',
      code: REFERENCE_SERVICE_MONITOR,
      broken: () => clusterState([prometheus(), ...velero, monitor({ namespace: 'monitoring' })]),
      fixed: () => clusterState([prometheus(), ...velero, monitor({ namespace: 'monitoring', namespaceSelector: { matchNames: ['velero'] } })]),
    },
    {
      name: 'a port name the Service does not have',
      code: REFERENCE_SERVICE_MONITOR,
      broken: () => clusterState([prometheus(), ...velero, monitor({ port: 'metrics' })]),
      fixed: () => clusterState([prometheus(), ...velero, monitor({ port: 'http-monitoring' })]),
      says: /port named metrics/,
    },
    {
      name: 'a container port the pods do not have',
      code: REFERENCE_SERVICE_MONITOR,
      broken: () => clusterState([prometheus(), ...velero, monitor({ targetPort: 9090 })]),
      fixed: () => clusterState([prometheus(), ...velero, monitor({ targetPort: 8085 })]),
    },
    {
      name: 'no Prometheus picking it up',
      code: REFERENCE_SERVICE_MONITOR,
      severity: 'warning',
      broken: () => clusterState([prometheus({ matchLabels: { release: 'kube-prometheus-stack' } }, null), ...velero, monitor()]),
      fixed: () => clusterState([prometheus({ matchLabels: { release: 'kube-prometheus-stack' } }, {}), ...velero, monitor()]),
      says: /No Prometheus in the render selects ServiceMonitor velero\/velero/,
    },
  ]);

  it('knows the Services the platform keeps (the API server, the kubelet Service of prometheus-operator)', () => {
    const operator = deployment('monitoring', 'operator', { app: 'operator' }, { containers: [{ name: 'operator', args: ['--kubelet-service=kube-system/kps-kubelet'] }] });
    const kubelet = monitor({ namespace: 'monitoring', selector: { 'k8s-app': 'kubelet' }, namespaceSelector: { matchNames: ['kube-system'] }, port: 'https-metrics' });
    const apiserver = { ...monitor({ namespace: 'monitoring', selector: { component: 'apiserver', provider: 'kubernetes' }, namespaceSelector: { matchNames: ['default'] }, port: 'https' }), metadata: { name: 'apiserver', namespace: 'monitoring', labels: {} } };
    expect(serviceMonitorCheck(clusterState([prometheus(), operator, kubelet, apiserver]))).toEqual([]);
    expect(serviceMonitorCheck(clusterState([prometheus(), kubelet])).map((f) => f.code)).toEqual([REFERENCE_SERVICE_MONITOR]);
  });
});
