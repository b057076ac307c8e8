// The release catalog: every release Slipway installs, one definition each, and everything derived
// from the list (schema slices, defaults, namespaces, identities, secrets, rules, releases). helmfile
// and Flux both render from it, so the two outputs cannot disagree.
import type { z } from 'zod';
import type { EnvironmentInput } from '../../schema/environment.ts';
import type { Environment } from '../model/environment.ts';
import { deepFreeze } from '../model/freeze.ts';
import type { VaultSecret } from '../model/key-vault-secrets.ts';
import type { Finding } from '../model/rules/rule.ts';
import { admissionPolicies } from './admission-policies.ts';
import { prometheusRule } from './alert-rules.ts';
import { CERT_MANAGER_USER, certManager } from './cert-manager.ts';
import type { AppDatabase, ContainerRegistry, DefaultsContext, NamespaceSpec, SecretReader, ServedHost } from './definition.ts';
import { externalDns } from './external-dns.ts';
import { INGRESS_NAMESPACE, ingressNginx } from './ingress-nginx.ts';
import { kubePrometheusStack } from './kube-prometheus-stack.ts';
import { postfacto } from './postfacto.ts';
import { services } from './services.ts';
import type { KubeObject, Release } from './types.ts';
import { velero } from './velero.ts';

/** Platform controllers, in the order of the environment file's `releases`. */
export const platform = [ingressNginx, certManager, externalDns, velero, kubePrometheusStack] as const;
/** Application kinds, each with any number of instances under `apps`. */
export const apps = [postfacto, services] as const;

type Platform = (typeof platform)[number];
type App = (typeof apps)[number];

// ---------------------------------------------------------------- schema and defaults

/** The `releases` shape: each platform release's slice, then each app kind's chart pin. */
export const releasesShape = Object.fromEntries([...platform.map((d) => [d.key, d.input]), ...apps.map((a) => [a.key, a.pin])]) as {
  [D in Platform as D['key']]: D['input'];
} & { [A in App as A['key']]: A['pin'] };

/** The `apps` shape: a list of instances per app kind. */
export const appsShape = Object.fromEntries(apps.map((a) => [a.key, (a.list as (item: z.ZodType) => z.ZodType)(a.item)])) as { [A in App as A['key']]: z.ZodArray<A['item']> };

/** What an app kind shares across its instances: its settings' type, or the chart pin alone. */
type AppKindSettings<A extends App> = ReturnType<NonNullable<A['settings']>>;
/** env.releases: every slice with its defaults applied. */
export type ReleaseSettings = { readonly [D in Platform as D['key']]: ReturnType<D['settings']> } & { readonly [A in App as A['key']]: AppKindSettings<A> };
/** env.apps: every instance with its defaults applied. */
export type AppInstances = { readonly [A in App as A['key']]: ReadonlyArray<ReturnType<A['instance']>> };

type ReleasesInput = EnvironmentInput['releases'];
type AppsInput = EnvironmentInput['apps'];

export function releaseSettings(input: ReleasesInput, context: DefaultsContext): ReleaseSettings {
  const out: Record<string, unknown> = {};
  for (const d of platform) out[d.key] = d.settings(input[d.key] as never, context);
  for (const a of apps) {
    const given = input[a.key] as { chartVersion?: string } | undefined;
    out[a.key] = a.settings ? a.settings(given as never, context) : { chartVersion: given?.chartVersion ?? null };
  }
  return out as ReleaseSettings;
}

export function appInstances(input: AppsInput, context: DefaultsContext): AppInstances {
  return Object.fromEntries(apps.map((a) => [a.key, input[a.key].map((item) => a.instance(item as never, context))])) as unknown as AppInstances;
}

// ---------------------------------------------------------------- what an environment installs

const isEnabled = (env: Environment, d: Platform) => d.enabled?.(env.releases[d.key] as never) ?? true;
const enabledPlatform = (env: Environment): Platform[] => platform.filter((d) => isEnabled(env, d));
/** Needs on a platform release the environment switches off are dropped; rules/release-dependencies.ts refuses what would break without it. */
function withNeeds(env: Environment, needs: readonly string[]): Pick<Release, 'needs' | 'baseNeeds'> {
  const installed = needs.filter((n) => !platform.some((d) => d.name === n && !isEnabled(env, d)));
  return installed.length === needs.length ? { needs } : { needs: installed, baseNeeds: needs };
}

/** Platform releases in install order: each after the releases it needs, otherwise in list order. */
export function platformReleases(env: Environment): Release[] {
  const pending: Release[] = enabledPlatform(env).map((d) => ({
    name: d.name,
    namespace: d.namespace.name,
    source: d.chart.source,
    version: (env.releases[d.key] as { chartVersion: string | null }).chartVersion ?? d.chart.version,
    ...withNeeds(env, d.needs),
    crds: d.crds,
    baseValues: d.values(env).base,
    values: d.values(env).values,
    layer: 'controllers',
    base: d.name,
  }));
  const ordered: Release[] = [];
  while (pending.length > 0) {
    const next = pending.findIndex((r) => r.needs.every((n) => ordered.some((o) => o.name === n) || !pending.some((p) => p.name === n)));
    if (next === -1) throw new Error(`The platform releases need each other in a circle: ${pending.map((r) => r.name).join(', ')}.`);
    ordered.push(...pending.splice(next, 1));
  }
  return ordered;
}

/** One release per app instance; the instances of a kind share out/base/<kind>. */
export const appReleases = (env: Environment): Release[] =>
  apps.flatMap((a) =>
    a.instances(env).map((i): Release => {
      const release = a.release(env, i as never);
      return { ...release, ...withNeeds(env, release.needs), layer: 'apps', base: a.key };
    }),
  );

/**
 * Every release of an environment. The Flux layout, its validation and helmfile each ask for them:
 * built once per (frozen) model, and frozen too, so that no renderer changes what another reads.
 */
export function releasesOf(env: Environment): readonly Release[] {
  let releases = releasesByModel.get(env);
  if (!releases) releasesByModel.set(env, (releases = deepFreeze([...platformReleases(env), ...appReleases(env)])));
  return releases;
}
const releasesByModel = new WeakMap<Environment, readonly Release[]>();

/** Releases (by name) resolved to where they are installed. */
export function resolveNeeds(names: readonly string[], all: readonly Release[]): Array<{ name: string; namespace: string }> {
  return names.map((name) => {
    const found = all.find((r) => r.name === name);
    if (!found) throw new Error(`A release needs "${name}", which this environment does not install.`);
    return { name, namespace: found.namespace };
  });
}

/** Every namespace Slipway deploys into: the platform's by name, then each app instance's. */
export function namespacesOf(env: Environment): NamespaceSpec[] {
  const platformNamespaces = enabledPlatform(env)
    .flatMap((d) => [d.namespace, ...(d.otherNamespaces ?? [])])
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  // Instances of a kind may share a namespace (services behind one host): each namespace once.
  const appNamespaces = new Map<string, NamespaceSpec>();
  for (const a of apps) for (const i of a.instances(env)) if (!appNamespaces.has(i.namespace)) appNamespaces.set(i.namespace, { name: i.namespace, podSecurity: a.podSecurity });
  return [...platformNamespaces, ...appNamespaces.values()];
}

/** Every app instance, whatever its kind, with where it sits in the environment file. */
export const appInstancesOf = (env: Environment) => apps.flatMap((a) => a.instances(env).map((instance, index) => ({ kind: a.key, instance, index })));

/** Namespaces the platform releases own, enabled or not: apps and access grants may not claim them. */
export const platformNamespaceNames: readonly string[] = platform.flatMap((d) => [d.namespace, ...(d.otherNamespaces ?? [])].map((n) => n.name)).sort();

/** Add-on identities of every release, enabled or not: a user-assigned identity federated with its service account. */
export const workloadIdentities = platform.flatMap((d) => (d.identity ? [{ ...d.identity, namespace: d.namespace.name }] : []));
export type WorkloadIdentity = (typeof workloadIdentities)[number];

/** The identities of the releases this environment installs: a release switched off leaves none behind. */
export const workloadIdentitiesOf = (env: Environment): WorkloadIdentity[] =>
  enabledPlatform(env).flatMap((d) => (d.identity ? [{ ...d.identity, namespace: d.namespace.name }] : []));

/** Every role of those identities, keyed <identity>/<scope>/<role> (known at plan time). */
export const workloadRoles = (env: Environment) =>
  workloadIdentitiesOf(env).flatMap((w) => w.roles(env).map((r) => ({ key: `${w.key}/${r.scope}/${r.role}`, identity: w.key, ...r })));

const definitions = (env: Environment) => [...enabledPlatform(env), ...apps];

/** The plain objects around the charts: "base" before any release, "config" once their CRDs are in (with the alert rules). */
export function releaseObjects(env: Environment): { base: KubeObject[]; config: KubeObject[] } {
  const objects = definitions(env).map((d) => d.objects?.(env) ?? {});
  const alerts = definitions(env).flatMap((d) => d.alerts?.(env) ?? []);
  // The admission policies go in with the namespaces, before any release: tenants' objects and the
  // charts' own are checked from the first apply (catalog/admission-policies.ts).
  const policies = admissionPolicies({ served: hostsByNamespace(env), ingressNamespace: INGRESS_NAMESPACE, certManagerUser: CERT_MANAGER_USER });
  return { base: [...objects.flatMap((o) => o.base ?? []), ...policies], config: [...objects.flatMap((o) => o.config ?? []), prometheusRule(alerts)] };
}

/** The hosts each namespace serves: a platform release's in its namespace, an app instance's (apps.<kind>[i]) in the instance's. */
export function hostsByNamespace(env: Environment): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (namespace: string, host: string) => {
    const hosts = (out[namespace] ??= []);
    if (!hosts.includes(host)) hosts.push(host);
  };
  for (const d of enabledPlatform(env)) for (const h of d.hosts?.(env) ?? []) add(d.namespace.name, h.host);
  for (const a of apps) {
    const instances = a.instances(env);
    for (const h of a.hosts?.(env) ?? []) {
      const [field, kind, index] = h.path;
      const instance = field === 'apps' && kind === a.key && typeof index === 'number' ? instances[index] : undefined;
      if (!instance) throw new Error(`Host ${h.host} of ${a.key} is not at apps.${a.key}[i]: no instance to give it to.`);
      add(instance.namespace, h.host);
    }
  }
  return out;
}

/** Secrets in the environment's key vault that the releases' pods read (Terraform writes them). */
export const releaseVaultSecrets = (env: Environment): VaultSecret[] => definitions(env).flatMap((d) => d.vaultSecrets?.(env) ?? []);

/** Readers of Key Vault secrets, each with its own identity, of the releases installed. */
export const secretReadersOf = (env: Environment): SecretReader[] => definitions(env).flatMap((d) => d.secretReaders?.(env) ?? []);

/** Container registries the releases pull from, each once: the aks stack creates them or grants AcrPull on them. */
export function containerRegistriesOf(env: Environment): ContainerRegistry[] {
  const out = new Map<string, ContainerRegistry>();
  for (const r of definitions(env).flatMap((d) => d.registries?.(env) ?? [])) if (!out.has(r.name)) out.set(r.name, r);
  return [...out.values()];
}

/** Databases the releases use, each owned by its own role (the databases stack makes them). */
export const releaseDatabases = (env: Environment): AppDatabase[] => definitions(env).flatMap((d) => d.databases?.(env) ?? []);

/** What the releases add to validation; a release switched off still has its say (prod needs backups). */
export const releaseRules = (env: Environment): Finding[] => [...platform, ...apps].flatMap((d) => d.rules?.(env) ?? []);

/** Hosts the releases serve: the apps' first, then the platform's. */
export const servedHosts = (env: Environment): { apps: ServedHost[]; platform: ServedHost[] } => ({
  apps: apps.flatMap((a) => a.hosts?.(env) ?? []),
  platform: enabledPlatform(env).flatMap((d) => d.hosts?.(env) ?? []),
});

/** The field of the environment file behind a release (by name): releases.<key>, or apps.<kind>[i]. */
export function releaseField(env: Environment, release: string): PropertyKey[] | undefined {
  const d = platform.find((p) => p.name === release);
  if (d) return ['releases', d.key];
  for (const a of apps) {
    const index = a.instances(env).findIndex((i) => a.release(env, i as never).name === release);
    if (index !== -1) return ['apps', a.key, index];
  }
  return undefined;
}
