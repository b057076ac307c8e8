// What the catalog hands to the helmfile and Flux renderers: releases with their chart source,
// pinned version, namespace, dependencies and values, plus plain Kubernetes objects.

/** A Helm repository (helmfile `repositories`, Flux HelmRepository) or an OCI artifact (Flux OCIRepository). */
export type ChartSource =
  | { readonly kind: 'helm'; readonly repository: string; readonly url: string; readonly chart: string }
  | { readonly kind: 'oci'; readonly repository: string; /** oci://host/path/chart */ readonly url: string; readonly chart: string };

export type Values = { readonly [key: string]: unknown };

export interface Release {
  readonly name: string;
  readonly namespace: string;
  readonly source: ChartSource;
  readonly version: string;
  /** Releases (by name) that must be ready first: those of baseNeeds this environment installs. */
  readonly needs: readonly string[];
  /** Needs as every environment shares them (out/base), when the environment switches some of them off. */
  readonly baseNeeds?: readonly string[];
  /** The chart installs CRDs that it must also upgrade (Flux install/upgrade crds: CreateReplace). */
  readonly crds: boolean;
  /**
   * Chart values. Strings of the form ${VAR} are values known only after `terraform apply`
   * (model/workload-identities.ts): Flux substitutes them, helmfile reads them from the environment.
   */
  readonly values: Values;
  /** The part of values that is the same for every environment (out/base); values = merge(baseValues, delta). */
  readonly baseValues: Values;
  /** Flux layer: platform controllers, or applications (after the configs they read). */
  readonly layer: 'controllers' | 'apps';
  /** Folder of out/base/ the release builds on: its own name, or its app kind for app instances. */
  readonly base: string;
  /** Fields Helm's drift detection leaves alone because something else owns them (an autoscaler). */
  readonly driftIgnore?: ReadonlyArray<{ readonly paths: readonly string[]; readonly target: { readonly kind: string } }>;
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly [field: string]: unknown;
}

/** Placeholder for a value Terraform knows only after apply. */
export const placeholder = (variable: string) => `\${${variable}}`;
export const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)\}/g;
