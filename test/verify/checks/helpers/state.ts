// Small ClusterStates for the checks' tests: a list of objects, each placed in a Kustomization and
// optionally a HelmRelease, with the numbers-test environment behind them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeObject } from '../../../../generator/catalog/types.ts';
import { loadEnvironmentTexts } from '../../../../generator/load/load-environments.ts';
import type { Environment } from '../../../../generator/model/environment.ts';
import type { ClusterState, RenderedObject } from '../../../../generator/verify/types.ts';
import { repoRoot } from '../../../helpers/workspace.ts';

const file = 'environments/numbers-test.yaml';
const loaded = loadEnvironmentTexts([{ file, text: readFileSync(path.join(repoRoot, file), 'utf8') }]);
if (!loaded.environments[0]) throw new Error(`${file} does not load: ${loaded.issues.map((i) => i.message).join(' ')}`);
/** numbers-test: one Postfacto instance "main" (release postfacto-main, namespace postfacto-main), staging issuer, HTTP-01. */
export const environment: Environment = loaded.environments[0];

/** An object with where it comes from; release is "namespace/name" of the HelmRelease that renders it. */
export interface Placed {
  readonly object: KubeObject;
  readonly kustomization?: string;
  readonly release?: string;
}

const isPlaced = (x: KubeObject | Placed): x is Placed => 'object' in x && !('apiVersion' in x);

export const inRelease = (release: string, kustomization: string, ...objects: KubeObject[]): Placed[] => objects.map((object) => ({ object, release, kustomization }));
export const inGit = (kustomization: string, ...objects: KubeObject[]): Placed[] => objects.map((object) => ({ object, kustomization }));

export function clusterState(items: ReadonlyArray<KubeObject | Placed>, rest: Partial<Omit<ClusterState, 'objects' | 'environment'>> = {}): ClusterState {
  const objects = items.map((item): RenderedObject => {
    const placed = isPlaced(item) ? item : { object: item };
    const [namespace, name] = placed.release?.split('/') ?? [];
    return {
      object: placed.object,
      kustomization: placed.kustomization ?? 'apps',
      ...(namespace && name && { release: { namespace, name } }),
      file: 'numbers-test/flux/apps/kustomization.yaml',
    };
  });
  return { environment, objects, kustomizations: [], releases: [], helmfile: [], substitutions: [], vaultSecrets: [], identities: [], ...rest };
}

// ---------------------------------------------------------------- objects

type Spec = Record<string, unknown>;

export const namespace = (name: string, level?: 'privileged' | 'baseline' | 'restricted'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(level && { labels: { 'pod-security.kubernetes.io/enforce': level } }) },
});

/** A Deployment whose pods carry `labels` and run `pod` (default: one container "app"). */
export const deployment = (ns: string, name: string, labels: Record<string, string>, pod: Spec = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'example/app:1' }], ...pod } } },
});

export const service = (ns: string, name: string, selector: Record<string, string> | undefined, ports: Spec[], labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, ...(labels && { labels }) },
  spec: { ...(selector && { selector }), ports },
});

export const secret = (ns: string, name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'Opaque', data });

export const networkPolicy = (ns: string, name: string, spec: Spec): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
