// One index of a ClusterState, built once and shared by every check of a run: objects by kind and
// by namespace/name, namespaces with their labels, and the pods of each namespace.
import type { ClusterState, RenderedObject } from '../../types.ts';
import { stringMap, type Labels } from './data.ts';
import { platformPods } from './external.ts';
import { podsOf, type PodModel } from './pods.ts';

export interface ClusterIndex {
  readonly state: ClusterState;
  /** Objects of a kind (any apiVersion). */
  ofKind(kind: string): readonly RenderedObject[];
  /** The object of that kind, namespace and name (namespace '' for cluster-scoped objects). */
  get(kind: string, namespace: string, name: string): RenderedObject | undefined;
  /** Every object of that kind, namespace and name (the same object may come from several places). */
  all(kind: string, namespace: string, name: string): readonly RenderedObject[];
  /** Labels of a namespace as the API server has them: its own plus kubernetes.io/metadata.name. */
  namespaceLabels(namespace: string): Labels;
  readonly namespaces: readonly string[];
  /** The pods of the render (workload templates and operator-made pods). */
  readonly pods: readonly PodModel[];
  podsIn(namespace: string): readonly PodModel[];
  /** The render's pods plus the platform's own (CoreDNS, kube-proxy): what selectors and policies can address. */
  selectablePods(namespace: string): readonly PodModel[];
}

const cache = new WeakMap<ClusterState, ClusterIndex>();

export function indexOf(state: ClusterState): ClusterIndex {
  let index = cache.get(state);
  if (!index) {
    index = build(state);
    cache.set(state, index);
  }
  return index;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const values = m.get(k);
  if (values) values.push(v);
  else m.set(k, [v]);
}

const key = (kind: string, namespace: string, name: string) => `${kind}\u0000${namespace}\u0000${name}`;

function build(state: ClusterState): ClusterIndex {
  const byKind = new Map<string, RenderedObject[]>();
  const byKey = new Map<string, RenderedObject[]>();
  const pods: PodModel[] = [];
  const podsByNamespace = new Map<string, PodModel[]>();
  const namespaceObjects = new Map<string, RenderedObject>();
  for (const r of state.objects) {
    const o = r.object;
    push(byKind, o.kind, r);
    push(byKey, key(o.kind, o.metadata.namespace ?? '', o.metadata.name), r);
    if (o.kind === 'Namespace' && o.apiVersion === 'v1') namespaceObjects.set(o.metadata.name, r);
    const pod = podsOf(r);
    if (pod) {
      pods.push(pod);
      push(podsByNamespace, pod.namespace, pod);
    }
  }
  const platform = new Map<string, PodModel[]>();
  for (const p of platformPods(state.environment)) {
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: p.name, namespace: p.namespace, labels: p.labels }, spec: { containers: [{ name: p.name, ports: p.ports }] } };
    push(platform, p.namespace, { source: { object, kustomization: '', file: '' }, namespace: p.namespace, labels: p.labels, annotations: {}, spec: object.spec, path: 'spec', longRunning: true, derived: true, describe: `${p.describe} (${p.namespace})` });
  }
  const namespaces = [...new Set([...namespaceObjects.keys(), ...state.objects.flatMap((r) => r.object.metadata.namespace ?? [])])].sort();
  return {
    state,
    ofKind: (kind) => byKind.get(kind) ?? [],
    get: (kind, namespace, name) => byKey.get(key(kind, namespace, name))?.[0],
    all: (kind, namespace, name) => byKey.get(key(kind, namespace, name)) ?? [],
    namespaceLabels: (namespace) => ({ ...stringMap(namespaceObjects.get(namespace)?.object.metadata.labels), 'kubernetes.io/metadata.name': namespace }),
    namespaces,
    pods,
    podsIn: (namespace) => podsByNamespace.get(namespace) ?? [],
    selectablePods: (namespace) => [...(podsByNamespace.get(namespace) ?? []), ...(platform.get(namespace) ?? [])],
  };
}
