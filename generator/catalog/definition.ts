// What the catalog knows about a release, in one place (DESIGN.md "A release has one home"): its
// slice of the environment schema and the defaults that complete it, its chart and pin, namespace
// and Pod Security level, workload identity and Azure roles, Flux layer, values, the objects around
// it, the Key Vault secrets it reads and the rules it adds to validation. Schema, model, names,
// helmfile, Flux and Terraform inputs are derived from the catalog list (catalog/index.ts); no
// renderer decides what a release is by looking at its chart.
import type { z } from 'zod';
import type { Stage } from '../../schema/identity.ts';
import type { Environment } from '../model/environment.ts';
import type { VaultSecret } from '../model/key-vault-secrets.ts';
import type { Finding } from '../model/rules/rule.ts';
import type { AlertGroup } from './alert-rules.ts';
import type { Chart } from './charts.ts';
import type { KubeObject, Release } from './types.ts';

/** What defaults may depend on: the stage above all (prod is highly available, test is cheap). */
export interface DefaultsContext {
  readonly stage: Stage;
  /** The environment name and DNS zone, for names and hosts derived from them. */
  readonly name: string;
  readonly zone: string;
  /** prodValue in prod, otherValue in test and staging. */
  byStage<T>(prodValue: T, otherValue: T): T;
}

/** Pod Security Standards level enforced in a namespace (restricted is always warned). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface NamespaceSpec {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
  /** Why a namespace needs more than restricted allows; written on the namespace for operators. */
  readonly reason?: string;
  /**
   * Pods that must reach node IPs (Prometheus scraping kubelets and host-network exporters), which a
   * NetworkPolicy ipBlock cannot express under Cilium: they are left out of the namespace's
   * metadata-endpoint policy there (catalog/objects.ts), with the reason written on the policy.
   */
  readonly nodeNetworkClients?: { readonly labels: Readonly<Record<string, string>>; readonly reason: string };
}

/**
 * An Azure role the identity holds, on a scope the stacks know by name: the environment's DNS zone
 * or its resource group (granted by the aks stack through the dns-zone access module), the node
 * resource group or the backup storage account (granted by the aks module).
 */
export interface AzureRole {
  /** A built-in role, or with actions the name of a custom role made for this cluster. */
  readonly role: string;
  readonly scope: 'dns-zone' | 'dns-resource-group' | 'node-resource-group' | 'backup-storage';
  /** The custom role's permissions: only what the release calls, where a built-in role would grant more. */
  readonly actions?: readonly string[];
}

/** A user-assigned identity federated with one service account (Azure workload identity). */
export interface WorkloadIdentitySpec {
  /** Key of the identity: its Azure name is id-<env>-<key>, its federated credential is named <key>. */
  readonly key: string;
  readonly serviceAccount: string;
  /** Flux post-build variable (and helmfile environment variable) holding the client ID after apply. */
  readonly clientIdVariable: string;
  /** Roles granted outside the aks stack's own resources, for this environment. */
  roles(env: Environment): readonly AzureRole[];
}

/** Plain objects that come with a release: "base" before any release, "config" once the CRDs are in. */
export interface ReleaseObjects {
  readonly base?: readonly KubeObject[];
  readonly config?: readonly KubeObject[];
}

/**
 * Pods of one namespace that read Key Vault secrets through a SecretProviderClass with an identity of
 * their own (the Secrets Store CSI driver's workload identity mode): a user-assigned identity
 * federated with each of their service accounts and granted Key Vault Secrets User on exactly these
 * secrets, so no other pod, and no node, can read them.
 */
export interface SecretReader {
  /** Identity key: the Azure identity is id-<env>-<key>. */
  readonly key: string;
  /** The SecretProviderClass, in the namespace. */
  readonly name: string;
  readonly namespace: string;
  /** Service accounts of the pods that mount the class. */
  readonly serviceAccounts: readonly string[];
  /** Key Vault secret names. */
  readonly secrets: readonly string[];
  /** Flux post-build variable (and helmfile environment variable) holding the identity's client ID after apply. */
  readonly clientIdVariable: string;
}

/** A database and its owner role (same name), whose password Terraform writes to the key vault secret passwordSecret. */
export interface AppDatabase {
  readonly name: string;
  readonly passwordSecret: string;
  /** Raised to rotate the role's password. */
  readonly passwordVersion: number;
}

/** Hosts a release serves, with the field that names each (for the host rules). */
export interface ServedHost {
  readonly host: string;
  readonly path: readonly PropertyKey[];
  /** Who serves it, in messages: "Grafana", "Postfacto instance main". */
  readonly label: string;
}

/**
 * An Azure Container Registry pods of a release pull from: the kubelet identity gets AcrPull on it
 * (aks stack), so no pull secret exists anywhere. Created by the aks stack, or an existing one.
 */
export interface ContainerRegistry {
  /** Registry name: the login server is <name>.azurecr.io. */
  readonly name: string;
  /** An existing registry's resource ID (the aks stack only assigns the role); null: the aks stack creates it. */
  readonly resourceId: string | null;
  /** SKU of a registry the aks stack creates; null for an existing one. */
  readonly sku: 'Basic' | 'Standard' | 'Premium' | null;
}

interface Common {
  readonly chart: Chart;
  /** Objects besides the chart's (namespaced in the release's namespaces). */
  objects?(env: Environment): ReleaseObjects;
  /** Key Vault secrets Terraform writes for the release and its pods read. */
  vaultSecrets?(env: Environment): readonly VaultSecret[];
  /** Who reads which Key Vault secrets, each with its own identity (SecretProviderClass in workload identity mode). */
  secretReaders?(env: Environment): readonly SecretReader[];
  /** Databases on the environment's PostgreSQL server, each owned by a login role of its name (databases stack). */
  databases?(env: Environment): readonly AppDatabase[];
  /** What validation adds for this release (stage policy, advisories), as findings on input paths. */
  rules?(env: Environment): readonly Finding[];
  hosts?(env: Environment): readonly ServedHost[];
  /** Alert groups for the platform's PrometheusRule. */
  alerts?(env: Environment): readonly AlertGroup[];
  /** Container registries the release's pods pull from through the kubelet identity (aks stack). */
  registries?(env: Environment): readonly ContainerRegistry[];
}

/** A platform controller, once per environment under releases.<key> (Flux layer: controllers). */
export interface PlatformDefinition<Key extends string = string, Input extends z.ZodType = z.ZodType, Settings = unknown> extends Common {
  readonly kind: 'platform';
  /** Field under `releases` in the environment file. */
  readonly key: Key;
  /** Helm release name. */
  readonly name: string;
  readonly namespace: NamespaceSpec;
  /** Namespaces the chart puts some of its workloads in, each with the reason it exists. */
  readonly otherNamespaces?: readonly NamespaceSpec[];
  /** The releases.<key> slice of the environment schema. */
  readonly input: Input;
  /** The slice with every default applied: what env.releases.<key> holds. */
  settings(input: z.output<Input>, context: DefaultsContext): Settings;
  /** A release that can be switched off: when false, nothing of it is rendered. */
  enabled?(settings: Settings): boolean;
  readonly identity?: WorkloadIdentitySpec;
  /** Releases (by name) that must be ready first. */
  readonly needs: readonly string[];
  readonly crds: boolean;
  /** Values: `base` is what every environment shares (out/base), `values` the environment's complete values. */
  values(env: Environment): { readonly base: Release['baseValues']; readonly values: Release['values'] };
}

/** What every app instance has, whatever its kind. */
export interface AppInstance {
  readonly name: string;
  /** Its Helm release name. */
  readonly release: string;
  readonly namespace: string;
}

/** What every instance of an app kind shares (env.releases.<key>): the chart pin, and whatever the kind adds. */
export interface AppSettings {
  readonly chartVersion: string | null;
}

/** An application kind, any number of instances under apps.<key>[] (Flux layer: apps). */
export interface AppDefinition<
  Key extends string = string,
  Item extends z.ZodType = z.ZodType,
  Instance extends AppInstance = AppInstance,
  Pin extends z.ZodType = z.ZodType,
  Settings extends AppSettings = AppSettings,
> extends Common {
  readonly kind: 'app';
  /** Field under `apps` (the instances) and under `releases` (the chart pin). */
  readonly key: Key;
  /** One instance in the environment file. */
  readonly item: Item;
  /** The apps.<key> list: its description and bounds. */
  list(item: Item): z.ZodType;
  /** The releases.<key> slice: the chart pin shared by every instance. */
  readonly pin: Pin;
  /** env.releases.<key>, the slice with its defaults applied; without it, the chart pin alone. */
  settings?(pin: z.output<Pin>, context: DefaultsContext): Settings;
  instance(input: z.output<Item>, context: DefaultsContext): Instance;
  instances(env: Environment): readonly Instance[];
  /** Pod Security level enforced in every instance's namespace. */
  readonly podSecurity: PodSecurityLevel;
  /** One release per instance; they share out/base/<key>. */
  release(env: Environment, instance: Instance): Omit<Release, 'layer' | 'base'>;
}

export type Definition = PlatformDefinition | AppDefinition;

/** Identity functions that keep the literal types of a definition (its key, input, settings). */
export const platformRelease = <Key extends string, Input extends z.ZodType, Settings>(d: Omit<PlatformDefinition<Key, Input, Settings>, 'kind'>): PlatformDefinition<Key, Input, Settings> => ({
  kind: 'platform',
  ...d,
});
export const appKind = <Key extends string, Item extends z.ZodType, Instance extends AppInstance, Pin extends z.ZodType, Settings extends AppSettings = AppSettings>(
  d: Omit<AppDefinition<Key, Item, Instance, Pin, Settings>, 'kind'>,
): AppDefinition<Key, Item, Instance, Pin, Settings> => ({
  kind: 'app',
  ...d,
});
