// Services beside Postfacto: a team's own containers, one release each on the generic app-template
// chart. A service is an image (private ones from an Azure Container Registry the kubelet identity
// pulls from with AcrPull), an optional port with probes on a path, plain env and Key Vault secrets
// (its own identity reads exactly those, through a SecretProviderClass), resources and an
// autoscaler on CPU and/or memory, an optional host and path on the ingress (several services share
// a host by path), an optional database with its own role and a migration Job before each rollout,
// a ServiceMonitor on a metrics port, and an egress allow-list of CIDRs for outside APIs. Its pods
// are hardened (Pod Security restricted: non-root, read-only root with /tmp on an emptyDir, no
// capabilities, no privilege escalation, seccomp RuntimeDefault), and NetworkPolicies on top of the
// namespace's default deny admit only what the environment says: the ingress controller to the
// port, Prometheus to the metrics port, the services that name it in connectsTo, and out: DNS, the
// database, the allow-list and the services it connects to.
//
// Namespaces. A service gets a namespace of its own by default (its name); services may share one
// by naming it. Hosts are bound to namespaces by the admission policies (admission-policies.ts:
// an Ingress may name only hosts its namespace serves), so services behind one host must share a
// namespace (SERVICE_HOST_NAMESPACE): one team, one namespace per host, and no other namespace can
// claim a path on it. The first of them in the file owns the host's certificate (the cert-manager
// annotation on its Ingress); the others serve the same TLS Secret, as Postfacto's /admin Ingress
// does.
//
// Egress to outside APIs takes CIDRs only. NetworkPolicy has no FQDN peer; Cilium has one
// (toFQDNs), but AKS enforces it only with Advanced Container Networking Services (a paid add-on,
// advanced network policies on a Cilium data plane; AKS API ManagedClusterAdvancedNetworkingSecurity:
// FQDN policies "can be enabled only on cilium based clusters", default off) that Slipway does not turn on, the environment
// may run Azure NPM or Calico instead, and `slipway verify` could not check what a name resolves
// to. Allowing a range the environment owns the meaning of is reviewable; allowing a name is not
// enforceable here. The cluster's own ranges and the instance metadata endpoint are cut out of
// every allowed range (ipBlock except), so an allow-list never opens the node's identities.
import { z } from '../../schema/zod.ts';
import { chartVersionPin, dnsLabel, hostname } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { REPLACE_ME } from '../model/key-vault-secrets.ts';
import { contains, formatCidr, hasHostBits, overlaps, parseCidr } from '../model/rules/ipv4.ts';
import { duplicates, error, type Finding } from '../model/rules/rule.ts';
import { appTemplateRelease } from './app-template.ts';
import { alert } from './alert-rules.ts';
import { http01SolverPolicy } from './cert-manager.ts';
import { charts, clusterIssuerName, INGRESS_CLASS, MONITORING_NAMESPACE, onPool } from './charts.ts';
import { appKind, type AppDefinition, type AppSettings, type ContainerRegistry, type SecretReader } from './definition.ts';
import { INGRESS_NAMESPACE } from './ingress-nginx.ts';
import { csiVolume, readerSecretProviderClass } from './secret-provider-class.ts';
import type { KubeObject, Values } from './types.ts';

// ---------------------------------------------------------------- the schema slice

/** A path on the ingress: "/" or segments of letters, digits and -._~ (no regex: ingress-nginx would switch every path of the host to regex matching). */
const ingressPath = z
  .string()
  .max(200)
  .regex(/^\/([A-Za-z0-9._~-]+\/?)*$/, 'Use a path such as / or /api: segments of letters, digits, ".", "_", "~" and "-" (no regular expressions or wildcards).');

const urlPath = z
  .string()
  .max(200)
  .regex(/^\/[A-Za-z0-9._~/-]*$/, 'Use a path such as /healthz: letters, digits, ".", "_", "~", "-" and "/".');

const port = z.int().min(1).max(65535);
const envName = z.string().max(128).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Use an environment variable name such as API_TOKEN: letters, digits and "_", not starting with a digit.');
/** Key Vault secret names (Microsoft Learn, Azure Key Vault object names). */
const keyVaultSecretName = z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, 'Use a Key Vault secret name: 1-127 letters, digits and "-".');
const cpuQuantity = z.string().regex(/^(\d+m|\d+(\.\d+)?)$/, 'Use a CPU quantity such as 250m or 1.');
const memoryQuantity = z.string().regex(/^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'Use a memory quantity such as 256Mi or 1Gi.');
/** Container registry names (Microsoft Learn, naming rules: Microsoft.ContainerRegistry): 5-50 alphanumerics; lowercase here, as in the login server. */
const registryName = z.string().regex(/^[a-z0-9]{5,50}$/, 'Use a container registry name: 5-50 lowercase letters and digits (the login server is <name>.azurecr.io).');

const probe = z
  .strictObject({
    path: urlPath.describe('HTTP path the kubelet GETs on the service port; 200-399 is healthy.'),
    periodSeconds: z.int().min(1).max(300).optional().describe('Seconds between probes. Default: 10 (5 for startup).'),
    timeoutSeconds: z.int().min(1).max(60).optional().describe('Seconds before a probe fails. Default: 3.'),
    failureThreshold: z.int().min(1).max(120).optional().describe('Failures in a row before the kubelet acts. Default: 3 (30 for startup: 150 s to start).'),
  })
  .optional();

const item = z.strictObject({
  name: dnsLabel.max(40, 'Keep service names at most 40 characters: they name the release, its objects and its Azure identity.').describe('Service name: the Helm release, its Service, Deployment and service account. Unique across the environment\'s releases.'),
  namespace: dnsLabel.optional().describe('Namespace. Services behind one host share one. Default: the service name.'),
  image: z
    .strictObject({
      registry: z
        .string()
        .max(253)
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+(:\d{1,5})?$/, 'Use a registry host such as myregistry.azurecr.io, ghcr.io or docker.io.')
        .describe('Registry host. <name>.azurecr.io must be one of releases.services.registries: the kubelet identity pulls from it with AcrPull, no pull secret.'),
      repository: z
        .string()
        .max(255)
        .regex(/^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/, 'Use a repository path such as team/api (lowercase).')
        .describe('Repository inside the registry, e.g. dora/api.'),
      tag: z
        .string()
        .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'Use an image tag such as "1.4.2" (quoted).')
        .describe('Image tag (quote it: YAML reads 1.4 as a number). Not latest without a digest.'),
      digest: z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, 'Use a digest such as sha256: followed by 64 hex digits.')
        .optional()
        .describe('Image digest; when set, the node pulls exactly this image and the tag is for people.'),
    })
    .describe('Container image: registry/repository:tag[@digest].'),
  command: z.array(z.string().max(1000)).min(1).max(50).optional().describe("Overrides the image's entrypoint. Default: the image's."),
  args: z.array(z.string().max(1000)).max(100).optional().describe("Arguments to the entrypoint. Default: the image's."),
  port: port.optional().describe('Port the container serves HTTP on (Service port http). Needed for host, probes and connectsTo. None: a worker without a Service.'),
  probes: z
    .strictObject({
      liveness: probe.describe('Restart the container when this fails.'),
      readiness: probe.describe('Take the pod out of the Service while this fails.'),
      startup: probe.describe('Hold liveness and readiness until this succeeds once.'),
    })
    .optional()
    .describe('HTTP probes on the service port. Default: none.'),
  env: z.record(envName, z.string().max(4096)).optional().describe('Plain environment variables (never secrets: those come from Key Vault through secrets).'),
  secrets: z
    .array(
      z.strictObject({
        name: keyVaultSecretName.describe('Key Vault secret name; Terraform creates it once with the value replace-me for you to set (az keyvault secret set).'),
        env: envName.optional().describe('Also as this environment variable (from the Secret the Secrets Store driver syncs). Always a file: /mnt/secrets-store/<name>.'),
      }),
    )
    .max(50)
    .optional()
    .describe("Key Vault secrets the service reads, with an identity of its own that may read exactly these. Default: none."),
  resources: z
    .strictObject({
      requests: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }).optional().describe('What the scheduler reserves, and what autoscaling targets are percentages of. Default: 100m, 128Mi.'),
      limits: z
        .strictObject({ cpu: cpuQuantity.optional(), memory: memoryQuantity.optional() })
        .optional()
        .describe('Ceilings: the container is throttled at the CPU limit and killed above the memory limit. Default: no CPU limit, memory as requested.'),
    })
    .optional()
    .describe('Container resources.'),
  replicas: z
    .strictObject({
      min: z.int().min(1).max(100).describe('Autoscaling minimum.'),
      max: z.int().min(1).max(100).describe('Autoscaling maximum.'),
      cpu: z.int().min(1).max(500).optional().describe('Target average CPU use, in percent of the request.'),
      memory: z.int().min(1).max(500).optional().describe('Target average memory use, in percent of the request.'),
    })
    .optional()
    .describe('Replicas, scaled by a HorizontalPodAutoscaler on CPU and/or memory (set cpu, memory or both). Default: 2-4 in prod, 1-2 otherwise, on 70 % CPU.'),
  host: hostname.optional().describe('Public host, inside the DNS zone (TLS from cert-manager). Services sharing a host share a namespace and differ by path. Default: none (not on the ingress).'),
  path: ingressPath.optional().describe('Path prefix on the host; the longest matching prefix wins. Default: /.'),
  database: z
    .strictObject({
      name: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Use a PostgreSQL database name: lowercase letters, digits and "_", up to 63 characters.')
        .optional()
        .describe('Database, owned by a login role of the same name. Default: the service name with "-" as "_".'),
      passwordVersion: z.int().min(1).optional().describe("Raise by one to rotate the role's password (databases stack). Default: 1."),
    })
    .optional()
    .describe('A database on the environment\'s PostgreSQL server with a role of its own: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE=verify-full, PGSSLROOTCERT=system and DATABASE_URL in the environment. Default: none.'),
  migration: z
    .strictObject({
      command: z.array(z.string().max(1000)).min(1).max(50).describe('Command of the migration, in the service image with its env, secrets and database.'),
      args: z.array(z.string().max(1000)).max(100).optional().describe('Its arguments.'),
    })
    .optional()
    .describe('A Job before every install and upgrade (Helm pre-install/pre-upgrade hook): the rollout waits for it and stops when it fails. Default: none.'),
  metrics: z
    .strictObject({
      port: port.describe('Port of the Prometheus metrics endpoint (may be the service port).'),
      path: urlPath.optional().describe('Default: /metrics.'),
      interval: z.string().regex(/^\d+(s|m)$/, 'Use an interval such as 30s or 1m.').optional().describe("Scrape interval. Default: Prometheus's (releases.monitoring.scrapeInterval)."),
    })
    .optional()
    .describe('A ServiceMonitor, and a NetworkPolicy that lets Prometheus in on that port. Default: none.'),
  egress: z
    .array(
      z.strictObject({
        cidrs: z
          .array(z.cidrv4('Use an IPv4 CIDR such as 203.0.113.0/24. Host names are not accepted: NetworkPolicy has no FQDN peers (see the README, Services).'))
          .min(1)
          .max(50)
          .describe("Destination ranges, outside the cluster's networks."),
        ports: z.array(port).min(1).max(20).describe('Destination ports.'),
        protocol: z.enum(['TCP', 'UDP']).optional().describe('Default: TCP.'),
        description: z.string().max(200).optional().describe('What is there, for reviewers (e.g. "Payments API, api.example.com").'),
      }),
    )
    .max(50)
    .optional()
    .describe('Outside destinations the pods (and the migration) may reach; everything else outside is denied. Default: none.'),
  connectsTo: z.array(dnsLabel).max(50).optional().describe('Services of this environment (by name) the pods call on their port, at http://<name>.<namespace>:<port>. Default: none.'),
  runAsUser: z.int().min(1).max(2147483647).optional().describe('User (and group) the containers run as; never root. Default: 10001.'),
  writablePaths: z
    .array(z.string().max(200).regex(/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'Use an absolute path such as /app/cache.'))
    .max(20)
    .optional()
    .describe('Paths the container writes to, each an emptyDir: the root file system is read-only (/tmp is always writable). Default: none.'),
});

const registry = z.strictObject({
  name: registryName.describe('Registry name: images from <name>.azurecr.io.'),
  resourceId: z
    .string()
    .regex(
      /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]+\/providers\/Microsoft\.ContainerRegistry\/registries\/[a-zA-Z0-9]{5,50}$/,
      'Use a registry resource ID such as /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>.',
    )
    .optional()
    .describe('An existing registry: the aks stack only grants the kubelet identity AcrPull on it (Terraform needs the right to assign roles there). Default: the aks stack creates the registry.'),
  sku: z.enum(['Basic', 'Standard', 'Premium']).optional().describe('SKU of a registry the aks stack creates (admin user off, anonymous pull off). Default: Standard.'),
});

const pin = z
  .strictObject({
    chartVersion: chartVersionPin,
    registries: z.array(registry).max(20).optional().describe('Azure Container Registries the services pull from through the kubelet identity (AcrPull). Default: none.'),
  })
  .optional()
  .describe('What every service shares: the app-template chart and the container registries.');

// ---------------------------------------------------------------- the model

export interface ServiceProbe {
  readonly path: string;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

/** One service with every default applied (env.apps.services[]). */
export interface ServiceInstance {
  readonly name: string;
  readonly namespace: string;
  /** Helm release name: the service name. */
  readonly release: string;
  readonly image: { readonly registry: string; readonly repository: string; readonly tag: string; readonly digest: string | null };
  readonly command: readonly string[] | null;
  readonly args: readonly string[] | null;
  readonly port: number | null;
  readonly probes: { readonly liveness: ServiceProbe | null; readonly readiness: ServiceProbe | null; readonly startup: ServiceProbe | null };
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: ReadonlyArray<{ readonly name: string; readonly env: string | null }>;
  readonly resources: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu: string | null; readonly memory: string } };
  readonly replicas: { readonly min: number; readonly max: number; readonly cpu: number | null; readonly memory: number | null };
  readonly host: string | null;
  readonly path: string;
  readonly database: { readonly name: string; readonly passwordVersion: number } | null;
  readonly migration: { readonly command: readonly string[]; readonly args: readonly string[] | null } | null;
  readonly metrics: { readonly port: number; readonly path: string; readonly interval: string | null } | null;
  readonly egress: ReadonlyArray<{ readonly cidrs: readonly string[]; readonly ports: readonly number[]; readonly protocol: 'TCP' | 'UDP'; readonly description: string | null }>;
  readonly connectsTo: readonly string[];
  readonly runAsUser: number;
  readonly writablePaths: readonly string[];
}

export interface ServiceSettings extends AppSettings {
  readonly registries: readonly ContainerRegistry[];
}

/** The password of the service's own database role, written by the databases stack. */
export const databasePasswordSecret = (s: ServiceInstance) => `${s.release}-database-password`;
/** The Secret the Secrets Store driver syncs the service's Key Vault secrets into (for env). */
const syncedSecret = (s: ServiceInstance) => `${s.release}-secrets`;
const DATABASE_PASSWORD_KEY = 'database-password';
const SECRETS_MOUNT = '/mnt/secrets-store';
const DEFAULT_USER = 10001;
/** The Azure Container Registry login server suffix (public cloud). */
export const ACR_SUFFIX = '.azurecr.io';

const probeOf = (p: z.output<typeof probe>, startup: boolean): ServiceProbe | null =>
  p ? { path: p.path, periodSeconds: p.periodSeconds ?? (startup ? 5 : 10), timeoutSeconds: p.timeoutSeconds ?? 3, failureThreshold: p.failureThreshold ?? (startup ? 30 : 3) } : null;

/** Names of the environment variables Slipway sets for a database. */
export const DATABASE_ENV = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE', 'PGSSLROOTCERT', 'DATABASE_URL'] as const;

export const services: AppDefinition<'services', typeof item, ServiceInstance, typeof pin, ServiceSettings> = appKind({
  key: 'services',
  chart: charts.appTemplate,
  item,
  list: (item) => z.array(item).max(50).default([]).describe("The team's own services, each a release on app-template beside Postfacto."),
  pin,
  settings: (given) => ({
    chartVersion: given?.chartVersion ?? null,
    registries: (given?.registries ?? []).map((r) => ({ name: r.name, resourceId: r.resourceId ?? null, sku: r.sku ?? (r.resourceId ? null : 'Standard') })),
  }),
  instance: (i, { byStage }): ServiceInstance => {
    const requests = i.resources?.requests ?? { cpu: '100m', memory: '128Mi' };
    const replicas = i.replicas ?? byStage({ min: 2, max: 4 }, { min: 1, max: 2 });
    // Without replicas, 70 % CPU; given, replicas names its targets (SERVICE_AUTOSCALING otherwise).
    const given = i.replicas !== undefined;
    return {
      name: i.name,
      namespace: i.namespace ?? i.name,
      release: i.name,
      image: { registry: i.image.registry, repository: i.image.repository, tag: i.image.tag, digest: i.image.digest ?? null },
      command: i.command ?? null,
      args: i.args ?? null,
      port: i.port ?? null,
      probes: { liveness: probeOf(i.probes?.liveness, false), readiness: probeOf(i.probes?.readiness, false), startup: probeOf(i.probes?.startup, true) },
      env: Object.fromEntries(Object.entries(i.env ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))),
      secrets: (i.secrets ?? []).map((s) => ({ name: s.name, env: s.env ?? null })),
      resources: { requests, limits: { cpu: i.resources?.limits?.cpu ?? null, memory: i.resources?.limits?.memory ?? requests.memory } },
      replicas: { min: replicas.min, max: replicas.max, cpu: given ? (i.replicas?.cpu ?? null) : 70, memory: i.replicas?.memory ?? null },
      host: i.host ?? null,
      path: i.path ?? '/',
      database: i.database ? { name: i.database.name ?? i.name.replace(/-/g, '_'), passwordVersion: i.database.passwordVersion ?? 1 } : null,
      migration: i.migration ? { command: i.migration.command, args: i.migration.args ?? null } : null,
      metrics: i.metrics ? { port: i.metrics.port, path: i.metrics.path ?? '/metrics', interval: i.metrics.interval ?? null } : null,
      egress: (i.egress ?? []).map((e) => ({ cidrs: e.cidrs, ports: e.ports, protocol: e.protocol ?? 'TCP', description: e.description ?? null })),
      connectsTo: i.connectsTo ?? [],
      runAsUser: i.runAsUser ?? DEFAULT_USER,
      writablePaths: i.writablePaths ?? [],
    };
  },
  instances: (env) => env.apps.services,
  podSecurity: 'restricted',
  release: (env, s) => appTemplateRelease(s, env.releases.services.chartVersion, base, serviceValues(env, s)),
  objects: (env) => ({
    // Before the release: its migration Job (a pre-install hook) runs as the service account and mounts the class.
    // Its NetworkPolicy too (migrationPolicy).
    base: env.apps.services.flatMap((s) => [...serviceAccountAndSecrets(env, s), ...(s.migration ? [migrationPolicy(env, s)] : [])]),
    config: namespacesOf(env).flatMap((namespace) => [defaultDeny(namespace), ...(env.apps.services.some((s) => s.namespace === namespace && s.host) ? http01SolverPolicy(env, namespace) : [])]),
  }),
  vaultSecrets: (env) => {
    const names = [...new Set(env.apps.services.flatMap((s) => s.secrets.map((x) => x.name)))].sort();
    return names.map((name) => ({ name, generate: false, initialValue: REPLACE_ME }));
  },
  secretReaders: (env) => env.apps.services.flatMap((s) => secretReader(s) ?? []),
  databases: (env) => env.apps.services.flatMap((s) => (s.database ? [{ name: s.database.name, passwordSecret: databasePasswordSecret(s), passwordVersion: s.database.passwordVersion }] : [])),
  registries: (env) => env.releases.services.registries,
  alerts: (env) =>
    env.apps.services.length === 0
      ? []
      : [
          {
            name: 'services',
            rules: env.apps.services.flatMap((s) => {
              const selector = `namespace="${s.namespace}", deployment="${s.release}"`;
              return [
                alert('ServiceDown', `sum(kube_deployment_status_replicas_available{${selector}}) < 1`, '5m', 'critical', `Service ${s.name} has no available pod.`),
                alert('ServiceDegraded', `sum(kube_deployment_status_replicas_available{${selector}}) < ${s.replicas.min}`, '15m', 'warning', `Service ${s.name} runs fewer than its ${s.replicas.min} minimum pods.`),
              ];
            }),
          },
        ],
  rules: serviceRules,
  hosts: (env) => env.apps.services.flatMap((s, i) => (s.host ? [{ host: s.host, path: ['apps', 'services', i, 'host'], label: `Service ${s.name}` }] : [])),
});

const namespacesOf = (env: Environment) => [...new Set(env.apps.services.map((s) => s.namespace))];

// ---------------------------------------------------------------- objects around the releases

/** Every service namespace denies all traffic that a policy of its releases does not allow. */
const defaultDeny = (namespace: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny', namespace },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
});

/** Who reads a service's secrets (its own and its database role's password): its pods' service account, with an identity of its own. */
function secretReader(s: ServiceInstance): SecretReader | undefined {
  const secrets = [...(s.database ? [databasePasswordSecret(s)] : []), ...s.secrets.map((x) => x.name)];
  if (secrets.length === 0) return undefined;
  return {
    key: `secrets-${s.release}`,
    name: s.release,
    namespace: s.namespace,
    serviceAccounts: [s.release],
    secrets,
    clientIdVariable: `SECRETS_${s.release.toUpperCase().replace(/-/g, '_')}_CLIENT_ID`,
  };
}

/** The service account the pods run as, and the SecretProviderClass its identity reads through (secrets synced into one Secret for env). */
function serviceAccountAndSecrets(env: Environment, s: ServiceInstance): KubeObject[] {
  const reader = secretReader(s);
  const keys = { ...(s.database && { [DATABASE_PASSWORD_KEY]: databasePasswordSecret(s) }), ...Object.fromEntries(s.secrets.filter((x) => x.env).map((x) => [x.name, x.name])) };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: s.release, namespace: s.namespace }, automountServiceAccountToken: false },
    ...(reader ? [readerSecretProviderClass(env, reader, Object.keys(keys).length ? { secretName: syncedSecret(s), keys } : undefined)] : []),
  ];
}

// ---------------------------------------------------------------- values

const dropAll = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
/** Every container: no privilege escalation, no capabilities, a read-only root file system. */
const hardened = { ...dropAll, readOnlyRootFilesystem: true };

/** What every service shares (out/base/services). */
const base: Values = {
  global: { alwaysAppendIdentifierToResourceName: true },
  defaultPodOptions: {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  },
  controllers: {
    app: {
      type: 'deployment',
      // The HorizontalPodAutoscaler owns the replica count.
      replicas: null,
      strategy: 'RollingUpdate',
      // "0%", not 0: app-template drops a falsy value (common library templates/classes/_deployment.tpl).
      rollingUpdate: { unavailable: '0%', surge: 1 },
      pod: { nodeSelector: onPool('apps') },
      containers: { app: { securityContext: hardened } },
    },
  },
  // The root file system is read-only: /tmp is where programs write by default.
  persistence: { tmp: { type: 'emptyDir', globalMounts: [{ path: '/tmp' }] } },
};

/** Pod labels app-template sets on a service's pods. */
export const podsOf = (s: ServiceInstance, controller: 'app' | 'migrate' = 'app') => ({ 'app.kubernetes.io/instance': s.release, 'app.kubernetes.io/controller': controller });

const httpProbe = (p: ServiceProbe, port: number) => ({
  enabled: true,
  custom: true,
  spec: { httpGet: { path: p.path, port }, periodSeconds: p.periodSeconds, timeoutSeconds: p.timeoutSeconds, failureThreshold: p.failureThreshold },
});

/** The image as app-template joins it: repository, and the tag with the digest when pinned. */
const imageOf = (s: ServiceInstance) => ({ repository: `${s.image.registry}/${s.image.repository}`, tag: s.image.digest ? `${s.image.tag}@${s.image.digest}` : s.image.tag });

/** The service's environment: the file's plain values, its database and its secrets (from the synced Secret). */
function serviceEnv(env: Environment, s: ServiceInstance): Values {
  const host = `${env.names.postgresqlServer}.postgres.database.azure.com`;
  const db = s.database;
  return {
    ...s.env,
    ...(db && {
      PGHOST: host,
      PGPORT: '5432',
      PGDATABASE: db.name,
      PGUSER: db.name,
      PGPASSWORD: { valueFrom: { secretKeyRef: { name: syncedSecret(s), key: DATABASE_PASSWORD_KEY } } },
      // The server's certificate chains to a public root (Azure Database for PostgreSQL, security-tls):
      // verify-full against the image's system store (libpq 16+: sslrootcert=system).
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: 'system',
      DATABASE_URL: { value: `postgres://${db.name}:$(PGPASSWORD)@${host}:5432/${db.name}?sslmode=verify-full&sslrootcert=system`, dependsOn: 'PGPASSWORD' },
    }),
    ...Object.fromEntries(s.secrets.filter((x) => x.env).map((x) => [x.env, { valueFrom: { secretKeyRef: { name: syncedSecret(s), key: x.name } } }])),
  };
}

const sharesHost = (env: Environment, s: ServiceInstance) => env.apps.services.filter((o) => o.host !== null && o.host === s.host);
/** The first service on a host owns its certificate; the others serve the same Secret. */
const tlsSecretOf = (env: Environment, s: ServiceInstance) => `${sharesHost(env, s)[0]!.release}-tls`;

function serviceValues(env: Environment, s: ServiceInstance): Values {
  const image = imageOf(s);
  const environment = serviceEnv(env, s);
  const reader = secretReader(s);
  const metricsPort = s.metrics && s.metrics.port !== s.port ? s.metrics.port : null;
  const container = {
    image,
    ...(s.command && { command: s.command }),
    ...(s.args && { args: s.args }),
    ...(Object.keys(environment).length && { env: environment }),
    resources: { requests: s.resources.requests, limits: { ...(s.resources.limits.cpu && { cpu: s.resources.limits.cpu }), memory: s.resources.limits.memory } },
  };
  const probes =
    s.port === null
      ? {}
      : Object.fromEntries(
          (['liveness', 'readiness', 'startup'] as const).flatMap((kind) => {
            const p = s.probes[kind];
            return p ? [[kind, httpProbe(p, s.port!)]] : [];
          }),
        );
  // The whole pod security context on each controller: app-template's default
  // defaultPodOptionsStrategy "overwrite" replaces defaultPodOptions.securityContext with the
  // controller's (common library templates/lib/pod/_getOption.tpl), it does not merge them.
  const user = { runAsNonRoot: true, runAsUser: s.runAsUser, runAsGroup: s.runAsUser, fsGroup: s.runAsUser, seccompProfile: { type: 'RuntimeDefault' } };
  return {
    global: { fullnameOverride: s.release },
    controllers: {
      app: {
        forceRename: s.release,
        serviceAccount: { name: s.release },
        pod: {
          securityContext: user,
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: podsOf(s) }, topologyKey: 'kubernetes.io/hostname' } }],
            },
          },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: podsOf(s) } }],
        },
        containers: { app: { ...container, ...(Object.keys(probes).length && { probes }) } },
      },
      ...(s.migration && {
        migrate: {
          type: 'job',
          annotations: { 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '0', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
          job: { backoffLimit: 2, activeDeadlineSeconds: 900 },
          serviceAccount: { name: s.release },
          pod: { nodeSelector: onPool('apps'), restartPolicy: 'Never', securityContext: user },
          containers: {
            main: {
              ...container,
              command: s.migration.command,
              ...(s.migration.args ? { args: s.migration.args } : {}),
              securityContext: hardened,
            },
          },
        },
      }),
    },
    ...(s.port !== null && {
      service: {
        app: {
          controller: 'app',
          forceRename: s.release,
          ports: { http: { port: s.port }, ...(metricsPort !== null && { metrics: { port: metricsPort } }) },
        },
      },
    }),
    ...(s.host && {
      ingress: {
        app: {
          forceRename: s.release,
          className: INGRESS_CLASS,
          ...(sharesHost(env, s)[0] === s && { annotations: { 'cert-manager.io/cluster-issuer': clusterIssuerName(env.releases.certManager.issuer) } }),
          hosts: [{ host: s.host, paths: [{ path: s.path, pathType: 'Prefix', service: { identifier: 'app', port: 'http' } }] }],
          tls: [{ secretName: tlsSecretOf(env, s), hosts: [s.host] }],
        },
      },
    }),
    ...(s.metrics && {
      serviceMonitor: {
        app: {
          forceRename: s.release,
          service: { identifier: 'app' },
          endpoints: [{ port: metricsPort !== null ? 'metrics' : 'http', path: s.metrics.path, scheme: 'http', ...(s.metrics.interval && { interval: s.metrics.interval }) }],
        },
      },
    }),
    persistence: {
      ...(reader && { 'secrets-store': { type: 'custom', volumeSpec: { csi: csiVolume('secrets-store', reader.name).csi }, globalMounts: [{ path: SECRETS_MOUNT, readOnly: true }] } }),
      ...Object.fromEntries(s.writablePaths.map((path, i) => [`writable-${i}`, { type: 'emptyDir', globalMounts: [{ path }] }])),
    },
    networkpolicies: networkPolicies(env, s),
    // app-template 4.1.1 writes a raw resource's `spec` at the top level of the object (see postfacto.ts).
    rawResources: {
      autoscaler: rawResource('autoscaling/v2', 'HorizontalPodAutoscaler', s.release, {
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s.release },
          minReplicas: s.replicas.min,
          maxReplicas: s.replicas.max,
          metrics: [
            ...(s.replicas.cpu !== null ? [utilization('cpu', s.replicas.cpu)] : []),
            ...(s.replicas.memory !== null ? [utilization('memory', s.replicas.memory)] : []),
          ],
        },
      }),
      ...(s.replicas.min >= 2 && { 'disruption-budget': rawResource('policy/v1', 'PodDisruptionBudget', s.release, { spec: { maxUnavailable: 1, selector: { matchLabels: podsOf(s) } } }) }),
    },
  };
}

const utilization = (name: 'cpu' | 'memory', percent: number) => ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization: percent } } });

/** An app-template raw resource: `body` is everything of the object but apiVersion, kind and metadata. */
const rawResource = (apiVersion: string, kind: string, name: string, body: Values) => ({ apiVersion, kind, forceRename: name, spec: body });

// ---------------------------------------------------------------- NetworkPolicies

const tcp = (port: number) => ({ port, protocol: 'TCP' });
const inNamespace = (namespace: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } });

const dnsEgress = {
  to: [{ ...inNamespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};

/** The instance metadata endpoint: every node's identities behind it (catalog/objects.ts). */
const IMDS = '169.254.169.254/32';

/** Ranges no allow-list may open: the cluster's own networks and the metadata endpoint. */
const internalRanges = (env: Environment) => [env.network.vnetCidr, env.aks.network.podCidr, env.aks.network.serviceCidr, IMDS];

/** An allowed outside range, with the internal ranges inside it cut out. */
function outsideBlock(env: Environment, range: string) {
  const outer = parseCidr(range);
  const except = internalRanges(env).filter((r) => contains(outer, parseCidr(r)) && r !== range);
  return { ipBlock: { cidr: range, ...(except.length && { except }) } };
}

/** Egress every pod of the service needs, the migration's too: its database and its outside allow-list. */
function dataEgress(env: Environment, s: ServiceInstance) {
  const database = s.database ? [{ to: [{ ipBlock: { cidr: env.network.postgresqlSubnet } }], ports: [tcp(5432)] }] : [];
  const outside = s.egress.map((e) => ({ to: e.cidrs.map((c) => outsideBlock(env, c)), ports: e.ports.map((port) => ({ port, protocol: e.protocol })) }));
  return [...database, ...outside];
}

function networkPolicies(env: Environment, s: ServiceInstance): Values {
  const callers = env.apps.services.filter((o) => o.connectsTo.includes(s.name));
  const targets = env.apps.services.filter((o) => s.connectsTo.includes(o.name) && o.port !== null);
  const ingress = [
    ...(s.host && s.port !== null ? [{ from: [inNamespace(INGRESS_NAMESPACE)], ports: [tcp(s.port)] }] : []),
    ...(s.metrics ? [{ from: [{ ...inNamespace(MONITORING_NAMESPACE), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [tcp(s.metrics.port)] }] : []),
    ...(callers.length && s.port !== null ? [{ from: callers.map((c) => ({ ...inNamespace(c.namespace), podSelector: { matchLabels: podsOf(c) } })), ports: [tcp(s.port)] }] : []),
  ];
  const egress = [
    dnsEgress,
    ...dataEgress(env, s),
    ...targets.map((t) => ({ to: [{ ...inNamespace(t.namespace), podSelector: { matchLabels: podsOf(t) } }], ports: [tcp(t.port!)] })),
  ];
  return { app: { controller: 'app', policyTypes: ['Ingress', 'Egress'], rules: { ingress, egress } } };
}

/**
 * The migration's policy: DNS, the database and the allow-list, nothing in. Not a chart object: Helm
 * runs pre-install hooks before it creates the release's other objects, so on the first install a
 * policy in the chart would not exist yet and the namespace's default deny would cut the Job off from
 * its database (https://helm.sh/docs/topics/charts_hooks/: pre-install "executes after templates are
 * rendered, but before any resources are created in Kubernetes"). It goes in with the service
 * account, before the release, and selects the Job's pods by app-template's labels (podsOf).
 */
const migrationPolicy = (env: Environment, s: ServiceInstance): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: `${s.release}-migrate`, namespace: s.namespace },
  spec: {
    podSelector: { matchLabels: podsOf(s, 'migrate') },
    policyTypes: ['Ingress', 'Egress'],
    egress: [dnsEgress, ...dataEgress(env, s)],
  },
});

// ---------------------------------------------------------------- validation

/** Databases PostgreSQL flexible server creates or reserves. */
const reservedDatabases = new Set(['azure_maintenance', 'azure_sys', 'postgres', 'template0', 'template1']);

/** "/api/" and "/api" are one Prefix path (Kubernetes matches path elements, a trailing "/" ignored). */
const normalizedPath = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
export const cpuCores = (q: string) => {
  const [, n = '0', milli] = CPU.exec(q) ?? [];
  return Number(n) / (milli ? 1000 : 1);
};
export const memoryBytes = (q: string) => {
  const [, n = '0', unit = ''] = /^(\d+)([A-Za-z]*)$/.exec(q) ?? [];
  return Number(n) * (MEMORY_UNITS[unit] ?? 1);
};

/** Services side by side: names, hosts and paths, ports, autoscaling, egress, connections, secrets, images and registries. */
function serviceRules(env: Environment): Finding[] {
  const out: Finding[] = [];
  const list = env.apps.services;
  const at = (i: number, ...field: PropertyKey[]) => ['apps', 'services', i, ...field];
  const registries = env.releases.services.registries;

  for (const d of duplicates(list, (s) => s.name)) {
    out.push(error('DUPLICATE_INSTANCE', at(d.index, 'name'), `Services ${d.first + 1} and ${d.index + 1} are both named ${d.item.name}.`, 'Give every service its own name: it names its release, objects and identity.'));
  }
  for (const d of duplicates(
    list.filter((s) => s.host !== null),
    (s) => `${s.host} ${normalizedPath(s.path)}`,
  )) {
    const first = d.item;
    const i = list.indexOf(d.item);
    const other = list.filter((s) => s.host === first.host && normalizedPath(s.path) === normalizedPath(first.path))[0]!;
    out.push(error('SERVICE_PATH_CONFLICT', at(i, 'path'), `Services ${other.name} and ${first.name} both serve ${first.host}${normalizedPath(first.path)} (a trailing "/" makes no difference to a Prefix path): the ingress would route to one of them.`, 'Give each service behind a host its own path, such as /api and /.'));
  }

  list.forEach((s, i) => {
    const withoutPort = (field: string, what: string) => out.push(error('SERVICE_PORT', at(i, field), `Service ${s.name} has ${what} but no port to serve it on.`, `Set apps.services[${i}].port to the port the container listens on.`));
    if (s.port === null) {
      if (s.host) withoutPort('host', `host ${s.host}`);
      if (Object.values(s.probes).some((p) => p)) withoutPort('probes', 'probes');
      // The ServiceMonitor selects the service's Service, which a service without a port does not have.
      if (s.metrics) withoutPort('metrics', `metrics on port ${s.metrics.port}`);
    }
    if (s.path !== '/' && !s.host) {
      out.push(error('SERVICE_PORT', at(i, 'path'), `Service ${s.name} has path ${s.path} but no host to serve it on.`, `Set apps.services[${i}].host, or remove path.`));
    }

    // Shared hosts: one namespace serves a host (admission policy slipway-ingress-hosts).
    const owner = s.host ? list.find((o) => o.host === s.host)! : undefined;
    if (owner && owner !== s && owner.namespace !== s.namespace) {
      out.push(
        error(
          'SERVICE_HOST_NAMESPACE',
          at(i, 'namespace'),
          `Services ${owner.name} (namespace ${owner.namespace}) and ${s.name} (namespace ${s.namespace}) share host ${s.host}, but a host is served from one namespace: the admission policy lets an Ingress name only hosts of its own namespace.`,
          `Put both in one namespace: set apps.services[${i}].namespace to ${owner.namespace}.`,
        ),
      );
    }

    // Autoscaling.
    if (s.replicas.min > s.replicas.max) {
      out.push(error('REPLICAS_MIN_MAX', at(i, 'replicas', 'min'), `Service ${s.name} has replicas.min ${s.replicas.min} above replicas.max ${s.replicas.max}.`, `Set replicas.max to at least ${s.replicas.min}.`));
    }
    if (env.stage === 'prod' && s.replicas.min < 2) {
      out.push(error('PROD_REPLICAS', at(i, 'replicas', 'min'), `Production environments run at least 2 replicas of every service; ${s.name} has min ${s.replicas.min}.`, 'Set replicas.min to 2 or more: one pod is an outage on every node drain.'));
    }
    if (s.replicas.cpu === null && s.replicas.memory === null) {
      out.push(error('SERVICE_AUTOSCALING', at(i, 'replicas'), `Service ${s.name} gives its autoscaler no target: replicas has neither cpu nor memory.`, 'Set replicas.cpu or replicas.memory (a percentage of the request), or remove replicas for 70 % CPU.'));
    }
    const { requests, limits } = s.resources;
    if (memoryBytes(limits.memory) < memoryBytes(requests.memory)) {
      out.push(error('SERVICE_RESOURCES', at(i, 'resources', 'limits', 'memory'), `Service ${s.name} limits memory to ${limits.memory}, below its request of ${requests.memory}; Kubernetes refuses such a pod.`, `Set resources.limits.memory to at least ${requests.memory}.`));
    }
    if (limits.cpu !== null && cpuCores(limits.cpu) < cpuCores(requests.cpu)) {
      out.push(error('SERVICE_RESOURCES', at(i, 'resources', 'limits', 'cpu'), `Service ${s.name} limits CPU to ${limits.cpu}, below its request of ${requests.cpu}; Kubernetes refuses such a pod.`, `Set resources.limits.cpu to at least ${requests.cpu}, or remove it.`));
    }

    // Image and registry.
    if (s.image.tag === 'latest' && !s.image.digest) {
      out.push(error('SERVICE_IMAGE_LATEST', at(i, 'image', 'tag'), `Service ${s.name} runs ${s.image.registry}/${s.image.repository}:latest, which moves: two nodes may run different images, and a rollback restores nothing.`, 'Use a version tag, or add image.digest.'));
    }
    if (s.image.registry.endsWith(ACR_SUFFIX) && !registries.some((r) => `${r.name}${ACR_SUFFIX}` === s.image.registry)) {
      out.push(
        error(
          'SERVICE_REGISTRY_UNKNOWN',
          at(i, 'image', 'registry'),
          `Service ${s.name} pulls from ${s.image.registry}, which releases.services.registries does not name: the kubelet identity has no AcrPull there, so the pull fails with 401 Unauthorized.`,
          `Add { name: ${s.image.registry.slice(0, -ACR_SUFFIX.length)} } to releases.services.registries (created by the aks stack), with resourceId for an existing registry.`,
        ),
      );
    }

    // Database.
    if (s.database && reservedDatabases.has(s.database.name)) {
      out.push(error('DATABASE_RESERVED', at(i, 'database', 'name'), `Database "${s.database.name}" is reserved by PostgreSQL flexible server.`, `Use another name, such as ${s.name.replace(/-/g, '_')}.`));
    }

    // Environment: one value per name.
    const slipway = new Map<string, string>([...(s.database ? DATABASE_ENV.map((n) => [n, 'database'] as [string, string]) : [])]);
    s.secrets.forEach((x, j) => {
      if (!x.env) return;
      if (x.env in s.env) out.push(error('SERVICE_ENV_CONFLICT', at(i, 'secrets', j, 'env'), `Service ${s.name} sets ${x.env} both in env and from secret ${x.name}.`, 'Keep one: a secret never goes into env.'));
      const taken = slipway.get(x.env);
      if (taken) out.push(error('SERVICE_ENV_CONFLICT', at(i, 'secrets', j, 'env'), `Service ${s.name} sets ${x.env} from secret ${x.name}, but ${x.env} already comes from its ${taken}.`, `Use another variable name for secret ${x.name}.`));
      slipway.set(x.env, `secret ${x.name}`);
    });
    for (const name of Object.keys(s.env)) {
      if (s.database && (DATABASE_ENV as readonly string[]).includes(name)) {
        out.push(error('SERVICE_ENV_CONFLICT', at(i, 'env', name), `Service ${s.name} sets ${name} in env, which Slipway sets for its database.`, `Remove env.${name}: ${DATABASE_ENV.join(', ')} come from database.`));
      }
    }
    for (const d of duplicates(s.secrets, (x) => x.name)) {
      out.push(error('SERVICE_SECRET_DUPLICATE', at(i, 'secrets', d.index, 'name'), `Service ${s.name} lists Key Vault secret ${d.item.name} twice.`, 'List each secret once; one entry can give both the file and the env variable.'));
    }

    // Egress: outside ranges only.
    s.egress.forEach((e, j) =>
      e.cidrs.forEach((c, k) => {
        const path = at(i, 'egress', j, 'cidrs', k);
        if (hasHostBits(c)) {
          const { start, prefix } = parseCidr(c);
          out.push(error('SERVICE_EGRESS_CIDR', path, `${c} has host bits set after the /${prefix} prefix; the API server refuses such an ipBlock.`, `Use the network address: ${formatCidr(start, prefix)}.`));
          return;
        }
        const inside = internalRanges(env).find((r) => contains(parseCidr(r), parseCidr(c)) || (overlaps(parseCidr(r), parseCidr(c)) && !contains(parseCidr(c), parseCidr(r))));
        if (inside) {
          out.push(
            error(
              'SERVICE_EGRESS_CIDR',
              path,
              `Service ${s.name} allows egress to ${c}, inside ${inside === IMDS ? 'the instance metadata endpoint' : `the cluster's own range ${inside}`}: the allow-list is for destinations outside the cluster.`,
              inside === IMDS ? 'Remove it: pods use their own identities, never the node\'s.' : 'Use connectsTo for other services and database for PostgreSQL; remove this range.',
            ),
          );
        }
      }),
    );

    // Connections to other services.
    s.connectsTo.forEach((name, j) => {
      const target = list.find((o) => o.name === name);
      const path = at(i, 'connectsTo', j);
      if (name === s.name) out.push(error('SERVICE_CONNECTS_TO', path, `Service ${s.name} names itself in connectsTo.`, 'Remove it: pods of one service reach each other only through the Service, which needs no entry.'));
      else if (!target) out.push(error('SERVICE_CONNECTS_TO', path, `Service ${s.name} connects to ${name}, which is no service of this environment.`, `Use one of ${list.filter((o) => o !== s).map((o) => o.name).join(', ') || '(none)'}.`));
      else if (target.port === null) out.push(error('SERVICE_CONNECTS_TO', path, `Service ${s.name} connects to ${name}, which has no port.`, `Set apps.services[${list.indexOf(target)}].port, or remove ${name} from connectsTo.`));
    });
  });

  // Registries.
  for (const d of duplicates(registries, (r) => r.name)) {
    out.push(error('REGISTRY_DUPLICATE', ['releases', 'services', 'registries', d.index, 'name'], `Registries ${d.first + 1} and ${d.index + 1} are both ${d.item.name}.`, 'List each registry once.'));
  }
  registries.forEach((r, i) => {
    const path = ['releases', 'services', 'registries', i];
    if (r.resourceId && r.sku) {
      out.push(error('REGISTRY_RESOURCE_ID', [...path, 'sku'], `Registry ${r.name} is an existing one (resourceId), so its sku ${r.sku} would change nothing: the aks stack only grants AcrPull on it.`, 'Remove sku, or remove resourceId to have the aks stack create the registry.'));
    }
    if (r.resourceId && r.resourceId.split('/').at(-1)!.toLowerCase() !== r.name) {
      out.push(error('REGISTRY_RESOURCE_ID', [...path, 'resourceId'], `Registry ${r.name} points at ${r.resourceId}, a registry of another name.`, `Use the resource ID of ${r.name}, or name the registry ${r.resourceId.split('/').at(-1)!.toLowerCase()}.`));
    }
  });
  return out;
}

/** Key Vault secret names a service may not read: what Slipway writes for others (checked across the catalog, rules/apps.ts). */
export const serviceSecretNames = (env: Environment) => env.apps.services.flatMap((s, i) => s.secrets.map((x, j) => ({ service: s, name: x.name, path: ['apps', 'services', i, 'secrets', j, 'name'] as PropertyKey[] })));
