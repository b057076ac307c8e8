// What `slipway verify` builds for one environment and what its checks read: every object the
// cluster would hold, as Flux would apply it (the Flux Kustomizations built like kustomize, post-build
// variables substituted, every HelmRelease rendered with its real pinned chart), with where each
// object comes from, plus the apply-order graph and the contract with Terraform.
import type { KubeObject } from '../catalog/types.ts';
import type { Environment } from '../model/environment.ts';

/** Kind/namespace/name, the way findings and the diff name an object. */
export const objectId = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export interface RenderedObject {
  /** The complete object, after post-build substitution (and after helm rendering). Read-only. */
  readonly object: KubeObject;
  /** The Flux Kustomization that applies it, directly or through the HelmRelease that rendered it. */
  readonly kustomization: string;
  /** The HelmRelease whose chart rendered it; undefined for objects that are in git. */
  readonly release?: { readonly name: string; readonly namespace: string };
  /** The file under out/ that carries it, or that carries its HelmRelease. */
  readonly file: string;
  /** The ${VAR} names it held before post-build substitution (objects in git only). */
  readonly variables?: readonly string[];
}

/** A Flux Kustomization: what it applies and what it waits for. */
export interface FluxKustomization {
  readonly name: string;
  /** ./out/<env>/flux/... as in spec.path. */
  readonly path: string;
  readonly dependsOn: readonly string[];
  readonly wait: boolean;
  /** Go duration, as in spec.timeout. */
  readonly timeout: string;
}

/** A HelmRelease as the apply-order checks see it. */
export interface HelmReleaseNode {
  readonly name: string;
  readonly namespace: string;
  readonly kustomization: string;
  readonly dependsOn: ReadonlyArray<{ readonly name: string; readonly namespace: string }>;
  /** Custom resource kinds whose CRDs its chart installs, as "<group>/<Kind>". */
  readonly installsCrds: readonly string[];
}

/** The same, for helmfile: releases as namespace/name with their needs. */
export interface HelmfileNode {
  readonly id: string;
  readonly needs: readonly string[];
}

/** Everything one environment puts into its cluster, and what it relies on outside it. */
export interface ClusterState {
  readonly environment: Environment;
  readonly objects: readonly RenderedObject[];
  readonly kustomizations: readonly FluxKustomization[];
  readonly releases: readonly HelmReleaseNode[];
  readonly helmfile: readonly HelmfileNode[];
  /** Post-build variables the gitops stack's Flux configuration sets (names). */
  readonly substitutions: readonly string[];
  /** Key Vault secrets some Terraform stack writes (names). */
  readonly vaultSecrets: readonly string[];
  /** The workload identities the aks stack creates: the service accounts each trusts, and its client ID as Flux substitutes it. */
  readonly identities: readonly WorkloadIdentityInput[];
}

export interface WorkloadIdentityInput {
  readonly key: string;
  readonly namespace: string;
  readonly serviceAccounts: readonly string[];
  readonly clientId: string;
}

/** One problem a check found, about an object or a release, with the environment field that caused it. */
export interface VerifyFinding {
  /** Stable code, e.g. VERIFY_POD_SECURITY. */
  readonly code: string;
  readonly severity: 'error' | 'warning';
  /** A sentence naming the object, the rule and what goes wrong in the cluster. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
  /** objectId() of the object the finding is about. */
  readonly object?: string;
  /** namespace/name of the HelmRelease involved. */
  readonly release?: string;
  /** out/ file of the object or of its HelmRelease. */
  readonly file?: string;
  /** The field of the environment file behind it, when one is (e.g. ['apps', 'postfacto', 0]). */
  readonly cause?: readonly PropertyKey[];
}

export type Check = (state: ClusterState) => VerifyFinding[];
