// VERIFY_ORDER_WAIT / VERIFY_ORDER_NAMESPACE: nothing that is waited on needs something that comes
// later. A release's pods that need a Secret, ConfigMap, SecretProviderClass or service account that
// only a later Kustomization applies never become ready: the HelmRelease fails its install (and
// exhausts its retries), and a Kustomization with wait: true stays not Ready, so the later one,
// which dependsOn it, never runs. The same holds for a HelmRelease whose dependsOn names a release
// applied after it, and for objects whose namespace is created later (or by nothing).
import { systemNamespaces } from '../../model/environment.ts';
import { objectId, type Check, type ClusterState, type RenderedObject, type VerifyFinding } from '../types.ts';
import { applyOrder, type ApplyOrder, type Origin, type Timing } from './model/apply-order.ts';
import { indexOf, type ClusterIndex } from './model/cluster.ts';
import { at, maps } from './model/data.ts';
import { finding, releaseFinding } from './model/finding.ts';
import { mountedProviderClasses, podReferences, type PodReference } from './model/pod-references.ts';
import { workloadName, type PodModel } from './model/pods.ts';

export const ORDER_WAIT = 'VERIFY_ORDER_WAIT';
export const ORDER_NAMESPACE = 'VERIFY_ORDER_NAMESPACE';

const RANK: Readonly<Record<Timing, number>> = { 'in-time': 0, unordered: 1, later: 2 };
const best = (timings: readonly Timing[]): Timing => timings.reduce<Timing>((a, b) => (RANK[b] < RANK[a] ? b : a), 'later');
const worst = (timings: readonly Timing[]): Timing => timings.reduce<Timing>((a, b) => (RANK[b] > RANK[a] ? b : a), 'in-time');

const originName = (o: Origin) => (o.release ? `HelmRelease ${o.release.namespace}/${o.release.name} (Kustomization ${o.kustomization})` : `Kustomization ${o.kustomization}`);

interface Need {
  readonly what: string;
  readonly timing: Timing;
  /** The providers that decide the timing (the late ones). */
  readonly late: readonly RenderedObject[];
}

/** A need met by one of several providers (the earliest counts). */
function earliest(order: ApplyOrder, pod: PodModel, providers: readonly RenderedObject[]): { timing: Timing; late: readonly RenderedObject[] } {
  const timings = providers.map((p) => order.timing(p, pod.source));
  const timing = best(timings);
  return { timing, late: providers.filter((_, i) => timings[i] === timing) };
}

/** Where a pod's reference comes from and when; undefined when the render does not provide it (the reference checks report that). */
function need(index: ClusterIndex, order: ApplyOrder, pod: PodModel, ref: PodReference): Need | undefined {
  const direct = index.all(ref.kind, pod.namespace, ref.name);
  if (direct.length) return { what: `${ref.kind} ${pod.namespace}/${ref.name}`, ...earliest(order, pod, direct) };
  if (ref.kind !== 'Secret') return undefined;
  const classes = index.ofKind('SecretProviderClass').filter((s) => s.object.metadata.namespace === pod.namespace && maps(at(s.object, 'spec', 'secretObjects')).some((o) => o.secretName === ref.name));
  if (!classes.length) return undefined;
  const names = classes.map((c) => c.object.metadata.name);
  // The synced Secret needs the class and a pod mounting it: the reader itself, or another one.
  const parts = [earliest(order, pod, classes)];
  const mountsItself = mountedProviderClasses(pod).some((c) => names.includes(c));
  const mounters = mountsItself ? [] : index.podsIn(pod.namespace).filter((p) => p !== pod && p.longRunning && mountedProviderClasses(p).some((c) => names.includes(c)));
  if (mounters.length) parts.push(earliest(order, pod, mounters.map((m) => m.source)));
  const timing = worst(parts.map((p) => p.timing));
  return {
    what: `Secret ${pod.namespace}/${ref.name} (synced by the CSI driver from SecretProviderClass ${names.join(', ')}${mounters.length ? ` while ${[...new Set(mounters.map(workloadName))].join(', ')} mount it` : ''})`,
    timing,
    late: parts.filter((p) => p.timing === timing).flatMap((p) => p.late),
  };
}

function podNeeds(state: ClusterState, index: ClusterIndex, order: ApplyOrder): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const pod of index.pods) {
    const seen = new Set<string>();
    for (const ref of podReferences(pod)) {
      const n = need(index, order, pod, ref);
      if (!n || n.timing === 'in-time' || seen.has(n.what)) continue;
      seen.add(n.what);
      const from = [...new Set(n.late.map(originName))].join(' and ');
      out.push(
        finding(state, pod.source, {
          code: ORDER_WAIT,
          severity: n.timing === 'later' ? 'error' : 'warning',
          message:
            n.timing === 'later'
              ? `${workloadName(pod)}, applied by ${originName(pod.source)}, needs ${n.what} to start, but ${from} applies it only after that; the pods never become ready, the release fails, and with wait: true the Kustomization never gets Ready, so the later one never runs.`
              : `${workloadName(pod)}, applied by ${originName(pod.source)}, needs ${n.what} to start, which ${from} applies in no defined order with it; its first start races that apply.`,
          hint: `Apply ${n.what.split(' (')[0]} with the release or in a Kustomization that ${pod.source.kustomization} dependsOn.`,
        }),
      );
    }
  }
  return out;
}

function releaseDependencies(state: ClusterState, order: ApplyOrder): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const r of state.releases) {
    for (const d of r.dependsOn) {
      const dependency = order.release(d);
      if (!dependency || dependency.kustomization === r.kustomization) continue;
      if (!order.kustomizationBefore(r.kustomization, dependency.kustomization) || !order.kustomization(r.kustomization)?.wait) continue;
      out.push(
        releaseFinding(state, r, undefined, {
          code: ORDER_WAIT,
          severity: 'error',
          message: `HelmRelease ${r.namespace}/${r.name} (Kustomization ${r.kustomization}, wait: true) dependsOn HelmRelease ${d.namespace}/${d.name}, which Kustomization ${dependency.kustomization} applies only after ${r.kustomization} is Ready; neither ever becomes Ready.`,
          hint: `Move HelmRelease ${d.namespace}/${d.name} to ${r.kustomization} or a Kustomization it dependsOn, or drop the dependency.`,
        }),
      );
    }
  }
  return out;
}

function namespaces(state: ClusterState, index: ClusterIndex, order: ApplyOrder): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const seen = new Set<string>();
  for (const r of state.objects) {
    const ns = r.object.metadata.namespace;
    if (!ns || (systemNamespaces as readonly string[]).includes(ns)) continue;
    const key = `${r.kustomization}/${r.release ? `${r.release.namespace}/${r.release.name}` : ''}/${ns}`;
    if (seen.has(key)) continue;
    const creators = index.all('Namespace', '', ns);
    const timing = creators.length ? best(creators.map((c) => order.timing(c, r))) : undefined;
    if (timing === 'in-time') continue;
    seen.add(key);
    out.push(
      finding(state, r, {
        code: ORDER_NAMESPACE,
        severity: timing === 'unordered' ? 'warning' : 'error',
        message:
          timing === undefined
            ? `${originName(r)} puts ${objectId(r.object)} into namespace ${ns}, which nothing in the environment creates; the apply fails with "namespace not found".`
            : timing === 'later'
              ? `${originName(r)} puts ${objectId(r.object)} into namespace ${ns}, which ${[...new Set(creators.map(originName))].join(' and ')} creates only afterwards; the apply fails until then, and blocks what waits on it.`
              : `${originName(r)} puts ${objectId(r.object)} into namespace ${ns}, which ${[...new Set(creators.map(originName))].join(' and ')} creates in no defined order with it; the first apply may fail with "namespace not found".`,
        hint: 'Create every namespace in the first Kustomization (infrastructure-controllers), with its Pod Security labels.',
      }),
    );
  }
  return out;
}

export const orderWaitsCheck: Check = (state) => {
  const index = indexOf(state);
  const order = applyOrder(state);
  return [...podNeeds(state, index, order), ...releaseDependencies(state, order), ...namespaces(state, index, order)];
};
