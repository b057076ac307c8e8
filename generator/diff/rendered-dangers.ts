// Changes of rendered objects that Helm cannot apply or that destroy something, each with the
// reason: the whole list is RENDERED_DANGERS below. Read from the objects before and after (not from
// the shown paths, which are capped). An object Helm keeps (annotation helm.sh/resource-policy:
// keep) is not deleted when it leaves the chart, so its removal is no danger.
import type { KubeObject } from '../catalog/types.ts';
import type { Danger } from './dangers.ts';
import { same } from './semantic.ts';

/** One rendered object of one release: added (no before), removed (no after) or changed. */
export interface RenderedChange {
  readonly release: string;
  /** Kind/namespace/name. */
  readonly key: string;
  readonly before?: KubeObject | undefined;
  readonly after?: KubeObject | undefined;
}

interface Rule {
  readonly kind: Danger['kind'];
  /** The sentence naming what happens, or undefined when the rule does not apply. */
  readonly what: (c: RenderedChange, object: string) => string | undefined;
  readonly reason: (c: RenderedChange) => string;
}

const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (o: unknown, ...keys: string[]): any => keys.reduce<any>((v, k) => (isMap(v) ? v[k] : undefined), o);
const show = (v: unknown) => (v === undefined ? 'unset' : typeof v === 'string' ? v : JSON.stringify(v));
const kindOf = (c: RenderedChange) => (c.before ?? c.after)!.kind;
const changedAt = (c: RenderedChange, ...keys: string[]) => c.before !== undefined && c.after !== undefined && !same(at(c.before, ...keys), at(c.after, ...keys));
/** Removed from the chart, and deleted by Helm (not kept by helm.sh/resource-policy: keep). */
const deleted = (c: RenderedChange) => c.before !== undefined && c.after === undefined && c.before.metadata.annotations?.['helm.sh/resource-policy'] !== 'keep';
const isHook = (o: KubeObject | undefined) => typeof o?.metadata.annotations?.['helm.sh/hook'] === 'string';
/**
 * A CRD from the chart's crds/ folder, which Helm installs once and never upgrades or deletes: the
 * engine gives the origin labels helm-controller post-renders (helm.toolkit.fluxcd.io/name) to
 * template objects only (verify/flux.ts releaseObjects).
 */
const fromCrdsFolder = (o: KubeObject) => o.metadata.labels?.['helm.toolkit.fluxcd.io/name'] === undefined && !isHook(o);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Every rule, in the order they are reported. */
export const RENDERED_DANGERS: readonly Rule[] = [
  {
    kind: 'immutable',
    what: (c, o) => (WORKLOADS.has(kindOf(c)) && changedAt(c, 'spec', 'selector') ? `${o}: spec.selector changes` : undefined),
    reason: () =>
      "A workload's selector is immutable: the API server rejects the change and the Helm upgrade fails. The object has to be deleted and created again (or the release uninstalled and installed), and its pods stop meanwhile.",
  },
  {
    kind: 'immutable',
    what: (c, o) => (kindOf(c) === 'StatefulSet' && changedAt(c, 'spec', 'volumeClaimTemplates') ? `${o}: volumeClaimTemplates change` : undefined),
    reason: () =>
      'volumeClaimTemplates cannot change on an existing StatefulSet: the Helm upgrade fails. The StatefulSet has to be deleted (kubectl delete --cascade=orphan keeps its pods and claims) and created again, and existing claims keep their old size and class.',
  },
  {
    kind: 'prune',
    what: (c, o) => (kindOf(c) === 'PersistentVolumeClaim' && deleted(c) ? `${o} removed` : undefined),
    reason: () => 'Helm deletes the claim, and with the Delete reclaim policy of the AKS storage classes the volume and its data go with it. Back it up, or keep it with the annotation helm.sh/resource-policy: keep.',
  },
  {
    kind: 'replace',
    what: (c, o) => (kindOf(c) === 'PersistentVolumeClaim' && changedAt(c, 'spec', 'storageClassName') ? `${o}: storage class ${show(at(c.before, 'spec', 'storageClassName'))} -> ${show(at(c.after, 'spec', 'storageClassName'))}` : undefined),
    reason: () => "A claim's storage class cannot change: the Helm upgrade fails, and a claim created again on the new class is a new, empty volume. The data has to be copied over.",
  },
  {
    kind: 'replace',
    what: (c, o) => {
      const type = (x: KubeObject | undefined) => at(x, 'spec', 'type') ?? 'ClusterIP';
      return kindOf(c) === 'Service' && c.before && c.after && type(c.before) !== type(c.after) ? `${o}: type ${type(c.before)} -> ${type(c.after)}` : undefined;
    },
    reason: () =>
      'The Service is reached another way: a LoadBalancer gets or loses its Azure load balancer and public IP (a new address, or none), a NodePort opens or closes a port on every node. Clients and DNS records that use the old address break, and exposure changes.',
  },
  {
    kind: 'immutable',
    what: (c, o) => (kindOf(c) === 'Service' && (changedAt(c, 'spec', 'clusterIP') || changedAt(c, 'spec', 'clusterIPs')) ? `${o}: clusterIP ${show(at(c.before, 'spec', 'clusterIP'))} -> ${show(at(c.after, 'spec', 'clusterIP'))}` : undefined),
    reason: () => "A Service's clusterIP is immutable (a headless Service cannot become a normal one or back): the Helm upgrade fails unless the Service is deleted and created again, with a new address.",
  },
  {
    kind: 'prune',
    what: (c, o) => (kindOf(c) === 'CustomResourceDefinition' && deleted(c) && !fromCrdsFolder(c.before!) ? `${o} removed` : undefined),
    reason: (c) => `Helm deletes the CustomResourceDefinition, and Kubernetes deletes every ${at(c.before, 'spec', 'names', 'kind') ?? 'resource of its kind'} in the cluster with it.`,
  },
  {
    kind: 'prune',
    what: (c, o) => (kindOf(c) === 'Namespace' && deleted(c) ? `${o} removed` : undefined),
    reason: () => 'Helm deletes the namespace, and Kubernetes everything in it.',
  },
  {
    kind: 'immutable',
    what: (c, o) => (kindOf(c) === 'Job' && !isHook(c.before) && !isHook(c.after) && changedAt(c, 'spec', 'template') ? `${o}: pod template changes` : undefined),
    reason: () => "A Job's pod template is immutable: the Helm upgrade fails unless the Job is deleted first (a Helm hook Job is created anew on every upgrade instead).",
  },
];

const objectName = (c: RenderedChange) => {
  const [kind, namespace, ...name] = c.key.split('/');
  return `${kind} ${namespace ? `${namespace}/` : ''}${name.join('/')} (release ${c.release})`;
};

export function renderedDangers(changes: readonly RenderedChange[]): Danger[] {
  const out: Danger[] = [];
  for (const rule of RENDERED_DANGERS) {
    for (const c of changes) {
      const what = rule.what(c, objectName(c));
      if (what !== undefined) out.push({ kind: rule.kind, what, reason: rule.reason(c) });
    }
  }
  return out;
}
