// Apply graphs for the order checks: Kustomizations, HelmReleases and helmfile releases by name.
import type { FluxKustomization, HelmfileNode, HelmReleaseNode } from '../../../../generator/verify/types.ts';

export const kustomization = (name: string, dependsOn: string[] = [], wait = true): FluxKustomization => ({ name, path: `./out/numbers-test/flux/${name}`, dependsOn, wait, timeout: '10m' });

/** The example layout: controllers ▸ configs ▸ apps. */
export const layout = (wait = true) => [kustomization('infrastructure-controllers', [], wait), kustomization('infrastructure-configs', ['infrastructure-controllers'], wait), kustomization('apps', ['infrastructure-configs'], wait)];

/** A HelmRelease "namespace/name" applied by a Kustomization, with its dependencies and the CRDs it installs. */
export function helmRelease(id: string, kustomization: string, dependsOn: string[] = [], installsCrds: string[] = []): HelmReleaseNode {
  const [namespace, name] = id.split('/') as [string, string];
  return { name, namespace, kustomization, dependsOn: dependsOn.map((d) => ({ namespace: d.split('/')[0]!, name: d.split('/')[1]! })), installsCrds };
}

export const helmfileRelease = (id: string, needs: string[] = []): HelmfileNode => ({ id, needs });
