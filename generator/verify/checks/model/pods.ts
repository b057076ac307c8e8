// The pods the cluster will run, as far as the render shows them: the pod template of each
// workload, and the pods the Prometheus operator creates for its Prometheus and Alertmanager
// resources (labels as prometheus-operator sets them on its StatefulSets' pods, plus
// spec.podMetadata; the volumes, containers and security context the resource asks for).
import { objectId, type RenderedObject } from '../../types.ts';
import { at, isMap, list, map, maps, stringMap, text, type Json, type Labels } from './data.ts';

export interface PodModel {
  /** The workload (or operator resource) the pods come from. */
  readonly source: RenderedObject;
  readonly namespace: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly spec: Json;
  /** Where the pod spec sits inside the source, for field paths in messages. */
  readonly path: string;
  /** Stays up (Deployment, StatefulSet, DaemonSet, ...), unlike a Job's pods. */
  readonly longRunning: boolean;
  /** Rendered as a pod template (Pod Security applies to it as written), or derived from an operator's resource. */
  readonly derived: boolean;
  /** How messages name pods that no rendered object stands for (the platform's, modelled ones). */
  readonly describe?: string;
}

export interface ContainerAt {
  readonly container: Json;
  readonly name: string;
  /** Field path of the container inside the pod spec: containers[app]. */
  readonly field: string;
}

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

const OPERATOR_PODS: Readonly<Record<string, { readonly app: string; readonly port: number; readonly extraLabels: (name: string) => Labels }>> = {
  'monitoring.coreos.com/Prometheus': {
    app: 'prometheus',
    port: 9090,
    extraLabels: (name) => ({ prometheus: name, 'operator.prometheus.io/name': name, 'operator.prometheus.io/shard': '0' }),
  },
  'monitoring.coreos.com/Alertmanager': { app: 'alertmanager', port: 9093, extraLabels: (name) => ({ alertmanager: name }) },
};

const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

export function podsOf(r: RenderedObject): PodModel | undefined {
  const o = r.object;
  const namespace = o.metadata.namespace ?? 'default';
  if (o.kind === 'Pod' && group(o.apiVersion) === '') {
    return { source: r, namespace, labels: stringMap(o.metadata.labels), annotations: stringMap(o.metadata.annotations), spec: map(o.spec), path: 'spec', longRunning: true, derived: false };
  }
  const templatePath = group(o.apiVersion) === 'apps' || group(o.apiVersion) === 'batch' || o.apiVersion === 'v1' ? TEMPLATE_PATHS[o.kind] : undefined;
  if (templatePath) {
    const template = at(o, ...templatePath);
    if (!isMap(template)) return undefined;
    return {
      source: r,
      namespace,
      labels: stringMap(at(template, 'metadata', 'labels')),
      annotations: stringMap(at(template, 'metadata', 'annotations')),
      spec: map(template.spec),
      path: `${templatePath.join('.')}.spec`,
      longRunning: o.kind !== 'Job' && o.kind !== 'CronJob',
      derived: false,
    };
  }
  const operator = OPERATOR_PODS[`${group(o.apiVersion)}/${o.kind}`];
  if (operator) {
    const spec = map(o.spec);
    const name = o.metadata.name;
    const main = { name: operator.app, ports: [{ name: 'web', containerPort: operator.port, protocol: 'TCP' }] };
    // The operator adds its config-reloader sidecar, serving its own metrics.
    const reloader = { name: 'config-reloader', ports: [{ name: 'reloader-web', containerPort: 8080, protocol: 'TCP' }] };
    return {
      source: r,
      namespace,
      labels: {
        ...stringMap(at(spec, 'podMetadata', 'labels')),
        'app.kubernetes.io/name': operator.app,
        'app.kubernetes.io/instance': name,
        'app.kubernetes.io/managed-by': 'prometheus-operator',
        ...operator.extraLabels(name),
      },
      annotations: stringMap(at(spec, 'podMetadata', 'annotations')),
      spec: {
        containers: [main, reloader, ...maps(spec.containers).filter((c) => c.name !== operator.app && c.name !== reloader.name)],
        initContainers: maps(spec.initContainers),
        // The operator mounts spec.secrets and spec.configMaps into the pods under these volume names.
        volumes: [
          ...maps(spec.volumes),
          ...list(spec.secrets).map((s) => ({ name: `secret-${String(s)}`, secret: { secretName: String(s) } })),
          ...list(spec.configMaps).map((c) => ({ name: `configmap-${String(c)}`, configMap: { name: String(c) } })),
        ],
        ...(isMap(spec.securityContext) && { securityContext: spec.securityContext }),
        ...(text(spec.serviceAccountName) && { serviceAccountName: spec.serviceAccountName }),
        ...(isMap(spec.affinity) && { affinity: spec.affinity }),
        imagePullSecrets: maps(spec.imagePullSecrets),
      },
      path: 'spec',
      longRunning: true,
      derived: true,
    };
  }
  return undefined;
}

/** Every container of a pod spec: init, regular and ephemeral, each with its field path. */
export function containersOf(spec: Json): ContainerAt[] {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    maps(spec[field]).map((container, i) => {
      const name = text(container.name) ?? String(i);
      return { container, name, field: `${field}[${name}]` };
    }),
  );
}

/** "Deployment postfacto-main/postfacto-main-web" */
export const workloadName = (p: PodModel) => p.describe ?? objectId(p.source.object);

/** The container port a Service targetPort or NetworkPolicy port names, on this pod. */
export function namedPort(p: PodModel, name: string): { port: number; protocol: string } | undefined {
  for (const { container } of containersOf(p.spec)) {
    for (const port of maps(container.ports)) {
      if (port.name === name && typeof port.containerPort === 'number') return { port: port.containerPort, protocol: text(port.protocol) ?? 'TCP' };
    }
  }
  return undefined;
}
