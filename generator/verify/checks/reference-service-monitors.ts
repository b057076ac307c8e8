// VERIFY_REFERENCE_SERVICE_MONITOR: every ServiceMonitor selects a Service (in its own namespace,
// or where namespaceSelector says) that has each endpoint's named port, and some Prometheus picks
// the ServiceMonitor up (serviceMonitorSelector and serviceMonitorNamespaceSelector; nil selects
// nothing, {} everything, a nil namespace selector means the Prometheus's own namespace). Otherwise
// Prometheus has no target for it and the alerts built on its metrics never fire.
import type { KubeObject } from '../../catalog/types.ts';
import { objectId, type Check, type VerifyFinding } from '../types.ts';
import { indexOf, type ClusterIndex } from './model/cluster.ts';
import { at, isMap, list, maps, stringMap, text, type Labels } from './model/data.ts';
import { platformServices } from './model/external.ts';
import { finding } from './model/finding.ts';
import { namedPort } from './model/pods.ts';
import { describeSelector, matchesSelector } from './model/selectors.ts';
import { servicePods } from './reference-selectors.ts';

export const REFERENCE_SERVICE_MONITOR = 'VERIFY_REFERENCE_SERVICE_MONITOR';

export interface MonitoredService {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly string[];
  /** The Service as rendered; undefined for the platform's own Services. */
  readonly object?: KubeObject;
}

/** The namespaces a ServiceMonitor looks in. */
export function monitorNamespaces(monitor: KubeObject, all: readonly string[]): string[] {
  const selector = at(monitor, 'spec', 'namespaceSelector');
  if (at(selector, 'any') === true) return [...all];
  const names = list(at(selector, 'matchNames')).map(String);
  return names.length ? names : [monitor.metadata.namespace ?? 'default'];
}

/** Every Service a ServiceMonitor selects, rendered or the platform's. */
export function monitoredServices(index: ClusterIndex, monitor: KubeObject): MonitoredService[] {
  const services: MonitoredService[] = [
    ...index.ofKind('Service').map(({ object }) => ({
      namespace: object.metadata.namespace ?? 'default',
      name: object.metadata.name,
      labels: stringMap(object.metadata.labels),
      ports: maps(at(object, 'spec', 'ports')).flatMap((p) => text(p.name) ?? []),
      object,
    })),
    ...platformServices(index),
  ];
  const namespaces = new Set(monitorNamespaces(monitor, [...new Set(services.map((s) => s.namespace))]));
  const selector = at(monitor, 'spec', 'selector');
  return services.filter((s) => namespaces.has(s.namespace) && matchesSelector(selector, s.labels));
}

/** Does this Prometheus pick the ServiceMonitor up? */
export function picks(index: ClusterIndex, prometheus: KubeObject, monitor: KubeObject): boolean {
  const selector = at(prometheus, 'spec', 'serviceMonitorSelector');
  const namespaceSelector = at(prometheus, 'spec', 'serviceMonitorNamespaceSelector');
  const ns = monitor.metadata.namespace ?? 'default';
  const inNamespace = isMap(namespaceSelector) ? matchesSelector(namespaceSelector, index.namespaceLabels(ns)) : ns === prometheus.metadata.namespace;
  return inNamespace && isMap(selector) && matchesSelector(selector, stringMap(monitor.metadata.labels));
}

export const serviceMonitorCheck: Check = (state) => {
  const index = indexOf(state);
  const out: VerifyFinding[] = [];
  const prometheusRendered = index.ofKind('Prometheus').length > 0;
  for (const r of index.ofKind('ServiceMonitor')) {
    const o = r.object;
    const id = objectId(o);
    const services = monitoredServices(index, o);
    const where = monitorNamespaces(o, index.namespaces).join(', ');
    if (services.length === 0) {
      out.push(
        finding(state, r, {
          code: REFERENCE_SERVICE_MONITOR,
          severity: 'error',
          message: `${id} selects Services labelled ${describeSelector(at(o, 'spec', 'selector'))} in ${where}, and there is none; Prometheus scrapes nothing for it and alerts on its metrics never fire.`,
          hint: 'Select the labels the Service carries (metadata.labels, not its selector), in the namespace it is in.',
        }),
      );
      continue;
    }
    for (const [i, endpoint] of maps(at(o, 'spec', 'endpoints')).entries()) {
      const port = text(endpoint.port);
      if (port && !services.some((s) => s.ports.includes(port))) {
        out.push(
          finding(state, r, {
            code: REFERENCE_SERVICE_MONITOR,
            severity: 'error',
            message: `${id} endpoint ${i} scrapes the Service port named ${port}, which none of the Services it selects (${services.map((s) => `${s.namespace}/${s.name}`).join(', ')}) has; that endpoint yields no target.`,
            hint: `Use a port name the Service defines (${[...new Set(services.flatMap((s) => s.ports))].join(', ') || 'it names none'}).`,
          }),
        );
      }
      const target = endpoint.targetPort;
      if (port === undefined && target !== undefined) {
        const pods = services.flatMap((s) => (s.object ? (servicePods(index, s.object) ?? []) : []));
        const found = pods.some((p) =>
          typeof target === 'number' ? maps(p.spec.containers).some((c) => maps(c.ports).some((cp) => cp.containerPort === target)) : namedPort(p, String(target)) !== undefined,
        );
        if (pods.length > 0 && !found) {
          out.push(
            finding(state, r, {
              code: REFERENCE_SERVICE_MONITOR,
              severity: 'error',
              message: `${id} endpoint ${i} scrapes container port ${String(target)}, which none of the selected Services' pods declares; that endpoint yields no target.`,
              hint: 'Use a container port the pods declare, or scrape a named Service port instead.',
            }),
          );
        }
      }
    }
    if (prometheusRendered && !index.ofKind('Prometheus').some((p) => picks(index, p.object, o))) {
      out.push(
        finding(state, r, {
          code: REFERENCE_SERVICE_MONITOR,
          severity: 'warning',
          message: `No Prometheus in the render selects ${id} (serviceMonitorSelector and serviceMonitorNamespaceSelector); its targets are never scraped.`,
          hint: 'Label the ServiceMonitor the way the Prometheus selects them (release: kube-prometheus-stack), or widen the Prometheus selectors.',
        }),
      );
    }
  }
  return out;
};
