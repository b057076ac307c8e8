// When things reach the cluster. A Flux Kustomization starts once every Kustomization it dependsOn
// is Ready (with wait: true, Ready means everything it applied is healthy, HelmReleases included);
// it applies its objects in one go. A HelmRelease installs once every HelmRelease it dependsOn is
// Ready, and is Ready once its chart's resources are (helm-controller waits for them by default).
import type { ClusterState, FluxKustomization, HelmReleaseNode } from '../../types.ts';
import { dependencies } from './graph.ts';

export interface Origin {
  readonly kustomization: string;
  readonly release?: { readonly name: string; readonly namespace: string } | undefined;
}

/** in-time: there before the consumer needs it; later: only after the consumer is Ready (a deadlock if it waits); unordered: a race. */
export type Timing = 'in-time' | 'later' | 'unordered';

export interface ApplyOrder {
  kustomization(name: string): FluxKustomization | undefined;
  /** a is Ready before b starts: b dependsOn a, directly or through others. */
  kustomizationBefore(a: string, b: string): boolean;
  release(r: { name: string; namespace: string }): HelmReleaseNode | undefined;
  releaseBefore(a: { name: string; namespace: string }, b: { name: string; namespace: string }): boolean;
  timing(provider: Origin, consumer: Origin): Timing;
}

const releaseKey = (r: { name: string; namespace: string }) => `${r.namespace}/${r.name}`;
const cache = new WeakMap<ClusterState, ApplyOrder>();

export function applyOrder(state: ClusterState): ApplyOrder {
  const cached = cache.get(state);
  if (cached) return cached;
  const kustomizations = new Map(state.kustomizations.map((k) => [k.name, k]));
  const releases = new Map(state.releases.map((r) => [releaseKey(r), r]));
  const kDeps = new Map(state.kustomizations.map((k) => [k.name, dependencies(k.name, (n) => kustomizations.get(n)?.dependsOn ?? [])]));
  const rDeps = new Map(state.releases.map((r) => [releaseKey(r), dependencies(releaseKey(r), (n) => releases.get(n)?.dependsOn.map(releaseKey) ?? [])]));
  const kustomizationBefore = (a: string, b: string) => kDeps.get(b)?.has(a) ?? false;
  const releaseBefore = (a: { name: string; namespace: string }, b: { name: string; namespace: string }) => rDeps.get(releaseKey(b))?.has(releaseKey(a)) ?? false;
  const order: ApplyOrder = {
    kustomization: (name) => kustomizations.get(name),
    kustomizationBefore,
    release: (r) => releases.get(releaseKey(r)),
    releaseBefore,
    timing: (provider, consumer) => {
      if (provider.release && consumer.release && (releaseKey(provider.release) === releaseKey(consumer.release) || releaseBefore(provider.release, consumer.release))) return 'in-time';
      if (provider.kustomization === consumer.kustomization) return provider.release ? 'unordered' : 'in-time';
      if (kustomizationBefore(provider.kustomization, consumer.kustomization)) {
        // Without wait, the earlier Kustomization is Ready once applied, before its releases have installed.
        return !provider.release || kustomizations.get(provider.kustomization)?.wait ? 'in-time' : 'unordered';
      }
      return kustomizationBefore(consumer.kustomization, provider.kustomization) ? 'later' : 'unordered';
    },
  };
  cache.set(state, order);
  return order;
}
