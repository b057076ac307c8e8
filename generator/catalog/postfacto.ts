// Postfacto on the generic app-template chart, one release per instance in its own namespace:
// the web app (autoscaled, disruption budget, probes, TLS ingress) and its Redis on the data pool,
// never on a node with a web pod; configuration from Key Vault; network policies that allow only
// ingress -> web -> Redis, web -> PostgreSQL and DNS, on top of the namespace's default deny.
import { z } from '../../schema/zod.ts';
import { chartVersionPin, cidr, dnsLabel, email, hostname } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { duplicates, error, type Finding } from '../model/rules/rule.ts';
import { appTemplateRelease } from './app-template.ts';
import { alert } from './alert-rules.ts';
import { charts, clusterIssuerName, dataPoolToleration, IMAGES, imageTag, INGRESS_CLASS, onPool } from './charts.ts';
import { http01SolverPolicy } from './cert-manager.ts';
import { appKind, type AppDefinition, type SecretReader } from './definition.ts';
import { INGRESS_NAMESPACE } from './ingress-nginx.ts';
import { csiVolume, readerSecretProviderClass } from './secret-provider-class.ts';
import type { KubeObject, Values } from './types.ts';

/** One Postfacto instance with every default applied (env.apps.postfacto[]). */
export interface PostfactoInstance {
  readonly name: string;
  readonly version: string;
  readonly host: string;
  readonly namespace: string;
  /** Helm release name: postfacto-<name>. */
  readonly release: string;
  /** Autoscaler bounds and targets, as percentages of the web container's requests (null: no target on it). */
  readonly replicas: { readonly min: number; readonly max: number; readonly cpu: number | null; readonly memory: number | null };
  readonly database: string;
  readonly databasePasswordVersion: number;
  /** Login of the admin user the admin Job creates (its password is generated into Key Vault). */
  readonly adminEmail: string;
  /** Who may reach /admin; undefined until the environment's defaults apply (instances()). */
  readonly adminAllowedRanges: readonly string[] | undefined;
  /** Where Action Cable's pub/sub runs: an in-cluster Redis, or PostgreSQL LISTEN/NOTIFY. */
  readonly actionCable: 'redis' | 'postgresql';
}

export const secretKeyBaseSecret = (p: PostfactoInstance) => `${p.release}-secret-key-base`;
export const adminPasswordSecret = (p: PostfactoInstance) => `${p.release}-admin-password`;
/** The password of the instance's own database role (named like its database), written by the databases stack. */
export const databasePasswordSecret = (p: PostfactoInstance) => `${p.release}-database-password`;

const WEB_PORT = 3000;
const REDIS_PORT = 6379;
const SECRETS_MOUNT = '/mnt/secrets-store';

/** Pod labels app-template sets: the release and the controller identifier. */
const podsOf = (p: PostfactoInstance, controller: 'web' | 'redis') => ({ 'app.kubernetes.io/instance': p.release, 'app.kubernetes.io/controller': controller });
const httpProbe = (periodSeconds: number, failureThreshold: number) => ({
  enabled: true,
  custom: true,
  spec: { httpGet: { path: '/', port: WEB_PORT }, periodSeconds, timeoutSeconds: 5, failureThreshold },
});
const tcpProbe = { enabled: true, custom: true, spec: { tcpSocket: { port: REDIS_PORT }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 } };
const dropAll = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
/**
 * Postfacto's containers run as a user without a name, on a read-only root file system (Pod
 * Security restricted): the image's files are root's but readable by everyone, and what Rails and
 * the image write at run time goes elsewhere: client/config.js comes from a ConfigMap instead of
 * the entrypoint's heredoc, tmp/ (pids, cache) and HOME (Bundler) are emptyDirs, and logs go to
 * stdout (RAILS_LOG_TO_STDOUT).
 */
const hardened = { ...dropAll, readOnlyRootFilesystem: true };
const RUN_AS = 10001;
const podHardening = { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, fsGroup: RUN_AS, seccompProfile: { type: 'RuntimeDefault' } };

const item = z.strictObject({
  name: dnsLabel.max(30, 'Keep instance names at most 30 characters: they become namespaces and release names.').describe('Instance name; the namespace defaults to postfacto-<name>.'),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'Use a Postfacto image tag such as "4.3.11" (quoted).')
    .describe('Postfacto image tag (postfacto/postfacto:<version>).'),
  host: hostname.describe('Public host, inside the DNS zone.'),
  namespace: dnsLabel.optional().describe('Namespace. Default: postfacto-<name>.'),
  replicas: z
    .strictObject({
      min: z.int().min(1).max(50).describe('Autoscaling minimum.'),
      max: z.int().min(1).max(50).describe('Autoscaling maximum.'),
      cpu: z.int().min(10).max(100).optional().describe('Target average CPU use, in percent of the web request (100m). Default: 70 when neither cpu nor memory is given.'),
      memory: z.int().min(10).max(100).optional().describe('Target average memory use, in percent of the web request (512Mi). Default: none.'),
    })
    .optional()
    .describe('Web replicas, autoscaled by a HorizontalPodAutoscaler on the targets given. Default: 2-4 in prod, 1-2 otherwise, on 70 % CPU.'),
  database: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Use a PostgreSQL database name: lowercase letters, digits and "_", up to 63 characters.')
    .optional()
    .describe('Database on the managed server, owned by a login role of the same name. Default: postfacto_<name> with "-" as "_".'),
  databasePasswordVersion: z
    .int()
    .min(1)
    .optional()
    .describe("Raise by one to rotate the database role's password: a new one is generated into Key Vault and set on the role (databases stack); restart the instance once the Secrets Store driver has synced it (two minutes). Default: 1."),
  adminAllowedRanges: z
    .array(cidr)
    .min(1)
    .optional()
    .describe(
      'Source ranges that may open /admin (ActiveAdmin: users, retros, settings); everyone else gets 403 from the ingress. Default: aks.apiServer.authorizedRanges, the operators\' networks.',
    ),
  adminEmail: email.optional().describe('Login of the Postfacto admin user (/admin), created once by a Job; its password is generated into Key Vault as <release>-admin-password. Default: admin@<host>.'),
  actionCable: z
    .enum(['redis', 'postgresql'])
    .optional()
    .describe(
      "Action Cable's pub/sub: redis (an in-cluster Redis on the data pool; Rails 6.1 restarts every web process when Redis restarts) or postgresql (LISTEN/NOTIFY on the instance's database: no Redis, one more connection per web process). Default: redis.",
    ),
});

const pin = z.strictObject({ chartVersion: chartVersionPin }).optional().describe('app-template chart used for every Postfacto instance.');

export const postfacto: AppDefinition<'postfacto', typeof item, PostfactoInstance, typeof pin> = appKind({
  key: 'postfacto',
  chart: charts.appTemplate,
  item,
  list: (item) => z.array(item).min(1, 'Declare at least one Postfacto instance.').describe('Postfacto instances, side by side.'),
  pin,
  instance: (i, { byStage }): PostfactoInstance => ({
    name: i.name,
    version: i.version,
    host: i.host,
    namespace: i.namespace ?? `postfacto-${i.name}`,
    release: `postfacto-${i.name}`,
    replicas: (() => {
      const r = i.replicas ?? byStage({ min: 2, max: 4 }, { min: 1, max: 2 });
      // 70 % CPU, as before targets existed, unless the file names a target of its own.
      const targeted = i.replicas?.cpu !== undefined || i.replicas?.memory !== undefined;
      return { min: r.min, max: r.max, cpu: targeted ? (i.replicas?.cpu ?? null) : 70, memory: i.replicas?.memory ?? null };
    })(),
    database: i.database ?? `postfacto_${i.name.replace(/-/g, '_')}`,
    databasePasswordVersion: i.databasePasswordVersion ?? 1,
    adminEmail: i.adminEmail ?? `admin@${i.host}`,
    adminAllowedRanges: i.adminAllowedRanges,
    actionCable: i.actionCable ?? 'redis',
  }),
  instances: (env) => env.apps.postfacto,
  podSecurity: 'restricted',
  release: (env, p) => appTemplateRelease(p, env.releases.postfacto.chartVersion, base, instanceValues(env, p)),
  objects: (env) => ({
    // Before the release: its migration Job (a pre-install hook) already mounts the class.
    base: env.apps.postfacto.flatMap((p) => instanceSecrets(env, p)),
    config: env.apps.postfacto.flatMap((p) => [defaultDeny(p), ...http01SolverPolicy(env, p.namespace)]),
  }),
  vaultSecrets: (env) => env.apps.postfacto.flatMap((p) => [{ name: secretKeyBaseSecret(p), generate: true }, { name: adminPasswordSecret(p), generate: true }]),
  secretReaders: (env) => env.apps.postfacto.map(secretReader),
  databases: (env) => env.apps.postfacto.map((p) => ({ name: p.database, passwordSecret: databasePasswordSecret(p), passwordVersion: p.databasePasswordVersion })),
  alerts: (env) => [
    {
      name: 'postfacto',
      rules: env.apps.postfacto.flatMap((p) => {
        const selector = `namespace="${p.namespace}", deployment="${p.release}-web"`;
        return [
          alert('PostfactoDown', `sum(kube_deployment_status_replicas_available{${selector}}) < 1`, '5m', 'critical', `Postfacto ${p.name} (${p.host}) has no available web pod.`),
          alert('PostfactoDegraded', `sum(kube_deployment_status_replicas_available{${selector}}) < ${p.replicas.min}`, '15m', 'warning', `Postfacto ${p.name} runs fewer than its ${p.replicas.min} minimum web pods.`),
          // Every web pod restarting at once is what a lost Action Cable connection to Redis does to
          // Rails 6.1 (rails/rails#27659): worth knowing even when the instance recovers on its own.
          alert(
            'PostfactoWebRestartedTogether',
            `count(increase(kube_pod_container_status_restarts_total{namespace="${p.namespace}", container="app", pod=~"${p.release}-web-.*"}[10m]) > 0) >= ${Math.min(2, p.replicas.min)}`,
            '0m',
            'warning',
            `Web pods of Postfacto ${p.name} restarted together; with Action Cable on Redis, a Redis restart does this (consider actionCable: postgresql).`,
          ),
        ];
      }),
    },
  ],
  rules: instanceRules,
  hosts: (env) => env.apps.postfacto.map((p, i) => ({ host: p.host, path: ['apps', 'postfacto', i, 'host'], label: `Postfacto instance ${p.name}` })),
});

/** Every Postfacto namespace denies all traffic unless a policy of the release allows it. */
const defaultDeny = (p: PostfactoInstance): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny', namespace: p.namespace },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
});

/** Databases PostgreSQL flexible server creates or reserves. */
const reservedDatabases = new Set(['azure_maintenance', 'azure_sys', 'postgres', 'template0', 'template1']);

/** Instances side by side: names, namespaces, hosts and databases unique; sane replicas; HA in prod. */
function instanceRules(env: Environment): Finding[] {
  const out: Finding[] = [];
  const instances = env.apps.postfacto;
  const at = (i: number, ...field: string[]) => ['apps', 'postfacto', i, ...field];

  // Namespace and database default from the name: a duplicated name is reported once, as itself.
  const duplicateNames = new Set(duplicates(instances, (p) => p.name).map((d) => d.index));
  for (const [field, key, what] of [
    ['name', (p: PostfactoInstance) => p.name, 'DUPLICATE_INSTANCE'],
    ['namespace', (p: PostfactoInstance) => p.namespace, 'DUPLICATE_NAMESPACE'],
    ['host', (p: PostfactoInstance) => p.host, 'DUPLICATE_HOST'],
    ['database', (p: PostfactoInstance) => p.database, 'DUPLICATE_DATABASE'],
  ] as const) {
    for (const d of duplicates(instances, key)) {
      if (what !== 'DUPLICATE_INSTANCE' && duplicateNames.has(d.index)) continue;
      out.push(error(what, at(d.index, field), `Postfacto instances ${d.first + 1} and ${d.index + 1} share the ${field} "${key(d.item)}".`, `Give every instance its own ${field}: instances run side by side.`));
    }
  }
  instances.forEach((p, i) => {
    if (reservedDatabases.has(p.database)) {
      out.push(error('DATABASE_RESERVED', at(i, 'database'), `Database "${p.database}" is reserved by PostgreSQL flexible server.`, `Use another name, such as postfacto_${p.name.replace(/-/g, '_')}.`));
    }
    if (p.replicas.min > p.replicas.max) {
      out.push(error('REPLICAS_MIN_MAX', at(i, 'replicas', 'min'), `Instance ${p.name} has replicas.min ${p.replicas.min} above replicas.max ${p.replicas.max}.`, `Set replicas.max to at least ${p.replicas.min}.`));
    }
    if (env.stage === 'prod' && p.replicas.min < 2) {
      out.push(error('PROD_REPLICAS', at(i, 'replicas', 'min'), `Production environments run at least 2 Postfacto replicas; instance ${p.name} has min ${p.replicas.min}.`, 'Set replicas.min to 2 or more.'));
    }
  });
  return out;
}

/**
 * The image's entrypoint (docker/release/entrypoint at 4.3.11) writes client/config.js, runs
 * `rake db:migrate` and starts the server without exec: Puma never gets SIGTERM, and every replica
 * migrates at once and serves even when that failed. Here migrations run once per rollout in a Job
 * before the web pods (a pre-install/pre-upgrade hook), config.js is a ConfigMap (what the
 * entrypoint writes, with the image's defaults: ENABLE_ANALYTICS false, no Google OAuth client),
 * and the server is the container's process, so it gets SIGTERM.
 */
const CLIENT_CONFIG = 'window.Retro = window.Retro || {};\nwindow.Retro.config = {\n  "contact": "",\n  "terms": "",\n  "privacy": "",\n  "api_base_url": "/api",\n  "websocket_url": "/cable",\n  "enable_analytics": false,\n  "google_oauth_client_id": ""\n};\n';
const SERVE = ['bundle', 'exec', 'rails', 'server', '-b', '0.0.0.0', '-p', String(WEB_PORT)];
/** Where Rails and Bundler write: emptyDirs over a read-only root. */
const WRITABLE = ['/postfacto/tmp', '/tmp'];

/** A Helm hook Job: recreated on every rollout, kept when it failed so its logs can be read. */
/**
 * The service account of the pods that read the instance's secrets (web, migrate, admin; not Redis),
 * made with the SecretProviderClass before the release: the pre-install migration Job runs before
 * any object of the chart exists.
 */
const SERVICE_ACCOUNT = 'postfacto';

const hookJob = (hook: string, command: readonly string[]) => ({
  type: 'job',
  annotations: { 'helm.sh/hook': hook, 'helm.sh/hook-weight': '0', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
  job: { backoffLimit: 2, activeDeadlineSeconds: 900 },
  pod: { nodeSelector: onPool('apps'), restartPolicy: 'Never', securityContext: podHardening },
  serviceAccount: { name: SERVICE_ACCOUNT },
  containers: {
    main: {
      image: { repository: IMAGES.postfacto.repository },
      command,
      resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } },
      securityContext: hardened,
    },
  },
});

/** What every Postfacto instance shares (out/base/postfacto). */
const base: Values = {
  global: { alwaysAppendIdentifierToResourceName: true },
  defaultPodOptions: {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
  },
  controllers: {
    web: {
      type: 'deployment',
      // The HorizontalPodAutoscaler owns the replica count.
      replicas: null,
      strategy: 'RollingUpdate',
      // Never below the wanted count during a rollout. "0%", not 0: app-template drops a falsy value
      // (common library templates/classes/_deployment.tpl: `with .unavailable`).
      rollingUpdate: { unavailable: '0%', surge: 1 },
      pod: { nodeSelector: onPool('apps'), securityContext: podHardening },
      serviceAccount: { name: SERVICE_ACCOUNT },
      containers: {
        app: {
          image: { repository: IMAGES.postfacto.repository },
          command: SERVE,
          probes: {
            startup: httpProbe(5, 60),
            liveness: httpProbe(10, 3),
            // Postfacto 4.3.11 has no route that reads the database (api/config/routes.rb): ready
            // means the database accepts connections, checked with the image's own Ruby.
            readiness: { enabled: true, custom: true, spec: { exec: { command: ['ruby', '-rsocket', '-e', 'TCPSocket.new(ENV.fetch("DATABASE_HOST"), 5432).close'] }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 } },
          },
          resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } },
          securityContext: hardened,
        },
      },
    },
    migrate: hookJob('pre-install,pre-upgrade', ['bundle', 'exec', 'rake', 'db:migrate']),
    // The admin user of /admin (api/lib/tasks/add_admin_user.rake; it leaves an existing one alone).
    admin: hookJob('post-install,post-upgrade', ['bundle', 'exec', 'rake', 'admin:create_user']),
    redis: {
      type: 'deployment',
      replicas: 1,
      strategy: 'Recreate',
      pod: {
        nodeSelector: onPool('data'),
        tolerations: [dataPoolToleration],
        securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
      },
      containers: {
        redis: {
          image: { repository: IMAGES.redis.repository, tag: imageTag(IMAGES.redis) },
          // Pub/sub for Action Cable only: nothing to persist.
          args: ['--save', '', '--appendonly', 'no'],
          probes: { liveness: tcpProbe, readiness: tcpProbe },
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          securityContext: { ...dropAll, readOnlyRootFilesystem: true },
        },
      },
    },
  },
  service: {
    web: { controller: 'web', ports: { http: { port: WEB_PORT } } },
    redis: { controller: 'redis', ports: { redis: { port: REDIS_PORT } } },
  },
  persistence: {
    // Every pod that reads the synced Secret mounts the class itself: the Secrets Store CSI driver
    // keeps a synced Secret only while some pod mounts its class.
    'secrets-store': {
      type: 'custom',
      advancedMounts: { web: { app: [{ path: SECRETS_MOUNT, readOnly: true }] }, migrate: { main: [{ path: SECRETS_MOUNT, readOnly: true }] }, admin: { main: [{ path: SECRETS_MOUNT, readOnly: true }] } },
    },
    'redis-data': { type: 'emptyDir', advancedMounts: { redis: { redis: [{ path: '/data' }] } } },
    'client-config': { type: 'configMap', identifier: 'client', advancedMounts: { web: { app: [{ path: '/postfacto/client/config.js', subPath: 'config.js', readOnly: true }] } } },
    ...Object.fromEntries(
      WRITABLE.map((path, i) => [`writable-${i}`, { type: 'emptyDir', advancedMounts: { web: { app: [{ path }] }, migrate: { main: [{ path }] }, admin: { main: [{ path }] } } }]),
    ),
  },
  configMaps: { client: { data: { 'config.js': CLIENT_CONFIG } } },
};

/** Who reads an instance's secrets: its pods' service account, with an identity of the instance's own. */
const secretReader = (p: PostfactoInstance): SecretReader => ({
  key: `secrets-${p.release}`,
  name: p.release,
  namespace: p.namespace,
  serviceAccounts: [SERVICE_ACCOUNT],
  secrets: [databasePasswordSecret(p), secretKeyBaseSecret(p), adminPasswordSecret(p)],
  clientIdVariable: `SECRETS_${p.release.toUpperCase().replace(/-/g, '_')}_CLIENT_ID`,
});

/** The SecretProviderClass of an instance (its own database role's password, Rails secret and admin password, synced into one Secret) and the service account it trusts. */
function instanceSecrets(env: Environment, p: PostfactoInstance): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SERVICE_ACCOUNT, namespace: p.namespace }, automountServiceAccountToken: false },
    readerSecretProviderClass(env, secretReader(p), {
      secretName: `${p.release}-secrets`,
      keys: { 'database-password': databasePasswordSecret(p), 'secret-key-base': secretKeyBaseSecret(p), 'admin-password': adminPasswordSecret(p) },
    }),
  ];
}

/** The CA bundle of the Postfacto image (ruby:<version>-alpine: the ca-certificates package). */
const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** What Rails needs in a Postfacto process of an instance; only the web server talks to Action Cable's pub/sub. */
function railsEnv(env: Environment, p: PostfactoInstance, web: boolean): Values {
  const secret = `${p.release}-secrets`;
  const host = `${env.names.postgresqlServer}.postgres.database.azure.com`;
  return {
    DATABASE_HOST: host,
    DATABASE_PASSWORD: { valueFrom: { secretKeyRef: { name: secret, key: 'database-password' } } },
    // The instance's own role, which owns its database and nothing else (databases stack). The
    // server's certificate chains to DigiCert Global Root G2 (Azure Database for PostgreSQL,
    // security-tls: "use sslmode=verify-full"), which the image's Alpine CA bundle holds; its name is
    // the server's FQDN, which the pods connect by.
    DATABASE_URL: {
      value: `postgres://${p.database}:$(DATABASE_PASSWORD)@${host}:5432/${p.database}?sslmode=verify-full&sslrootcert=${SYSTEM_CA_BUNDLE}`,
      dependsOn: 'DATABASE_PASSWORD',
    },
    SECRET_KEY_BASE: { valueFrom: { secretKeyRef: { name: secret, key: 'secret-key-base' } } },
    ...(web && (p.actionCable === 'redis' ? { REDIS_URL: `redis://${p.release}-redis:${REDIS_PORT}/0` } : { USE_POSTGRES_FOR_ACTION_CABLE: 'true' })),
    // TLS ends at the ingress: api/config.ru enables Rack::SSL in production unless this is set (to
    // anything), and the kubelet's plain HTTP probes would get a redirect to https.
    DISABLE_SSL_REDIRECT: 'true',
    // Without it Rails logs into log/production.log inside the container (config/environments/production.rb).
    RAILS_LOG_TO_STDOUT: 'true',
    // The user has no home in the image; Bundler writes there.
    HOME: '/tmp',
    // The websocket origin check and URL (config/environments/production.rb reads ACTION_CABLE_HOST).
    ACTION_CABLE_HOST: p.host,
    CLIENT_ORIGIN: `https://${p.host}`,
  };
}

/** Who may open /admin: the instance's list, else the operators' networks that reach the API server. */
export const adminRanges = (env: Environment, p: PostfactoInstance): readonly string[] => p.adminAllowedRanges ?? env.aks.apiServerAuthorizedRanges;

/** What makes an instance itself: name, version, host, database, secrets, scaling bounds, Action Cable. */
function instanceValues(env: Environment, p: PostfactoInstance): Values {
  const web = `${p.release}-web`;
  const rails = railsEnv(env, p, false);
  const redis = p.actionCable === 'redis';
  const image = { tag: p.version };
  return {
    global: { fullnameOverride: p.release },
    controllers: {
      web: {
        pod: {
          affinity: {
            podAntiAffinity: {
              // Never share a node with Redis: one node failure must not take both down.
              ...(redis && { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: podsOf(p, 'redis') }, topologyKey: 'kubernetes.io/hostname' }] }),
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: podsOf(p, 'web') }, topologyKey: 'kubernetes.io/hostname' } },
              ],
            },
          },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: podsOf(p, 'web') } }],
        },
        containers: { app: { image, env: railsEnv(env, p, true) } },
      },
      migrate: { containers: { main: { image, env: rails } } },
      admin: {
        containers: {
          main: {
            image,
            env: { ...rails, ADMIN_EMAIL: p.adminEmail, ADMIN_PASSWORD: { valueFrom: { secretKeyRef: { name: `${p.release}-secrets`, key: 'admin-password' } } } },
          },
        },
      },
      ...(!redis && { redis: { enabled: false } }),
    },
    ...(!redis && { service: { redis: { enabled: false } }, }),
    ingress: {
      web: {
        className: INGRESS_CLASS,
        annotations: { 'cert-manager.io/cluster-issuer': clusterIssuerName(env.releases.certManager.issuer) },
        hosts: [{ host: p.host, paths: [{ path: '/', pathType: 'Prefix', service: { identifier: 'web', port: 'http' } }] }],
        tls: [{ secretName: `${p.release}-tls`, hosts: [p.host] }],
      },
      // ActiveAdmin lives under /admin: the longer path wins in ingress-nginx, and this Ingress
      // admits only the allowed sources (allowlist-source-range, whose older name this is; it sees
      // the client's address because the controller's Service keeps it: externalTrafficPolicy Local).
      // It shares the web Ingress's certificate, so cert-manager issues one.
      admin: {
        className: INGRESS_CLASS,
        annotations: { 'nginx.ingress.kubernetes.io/whitelist-source-range': adminRanges(env, p).join(',') },
        hosts: [{ host: p.host, paths: [{ path: '/admin', pathType: 'Prefix', service: { identifier: 'web', port: 'http' } }] }],
        tls: [{ secretName: `${p.release}-tls`, hosts: [p.host] }],
      },
    },
    persistence: {
      'secrets-store': { volumeSpec: { csi: csiVolume('secrets-store', p.release).csi } },
      ...(!redis && { 'redis-data': { enabled: false } }),
    },
    networkpolicies: {
      web: {
        controller: 'web',
        policyTypes: ['Ingress', 'Egress'],
        rules: {
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': INGRESS_NAMESPACE } } }], ports: [{ port: WEB_PORT, protocol: 'TCP' }] }],
          egress: [
            ...(redis ? [{ to: [{ podSelector: { matchLabels: podsOf(p, 'redis') } }], ports: [{ port: REDIS_PORT, protocol: 'TCP' }] }] : []),
            databaseEgress(env),
            dnsEgress,
          ],
        },
      },
      // The Jobs talk to the database only.
      jobs: {
        podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/controller', operator: 'In', values: ['migrate', 'admin'] }] },
        policyTypes: ['Ingress', 'Egress'],
        rules: { ingress: [], egress: [databaseEgress(env), dnsEgress] },
      },
      ...(redis
        ? {
            redis: {
              controller: 'redis',
              policyTypes: ['Ingress', 'Egress'],
              rules: { ingress: [{ from: [{ podSelector: { matchLabels: podsOf(p, 'web') } }], ports: [{ port: REDIS_PORT, protocol: 'TCP' }] }], egress: [] },
            },
          }
        : {}),
    },
    // app-template 4.1.1 writes a raw resource's `spec` value at the top level of the object, beside
    // metadata (common library templates/classes/_rawResource.tpl: `toYaml $resourceObject.spec`),
    // so the object's own spec goes one level down.
    rawResources: {
      autoscaler: rawResource('autoscaling/v2', 'HorizontalPodAutoscaler', web, {
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: web },
          minReplicas: p.replicas.min,
          maxReplicas: p.replicas.max,
          metrics: [
            ...(p.replicas.cpu !== null ? [utilization('cpu', p.replicas.cpu)] : []),
            ...(p.replicas.memory !== null ? [utilization('memory', p.replicas.memory)] : []),
          ],
        },
      }),
      'disruption-budget': rawResource('policy/v1', 'PodDisruptionBudget', web, { spec: { maxUnavailable: 1, selector: { matchLabels: podsOf(p, 'web') } } }),
    },
  };
}

const databaseEgress = (env: Environment) => ({ to: [{ ipBlock: { cidr: env.network.postgresqlSubnet } }], ports: [{ port: 5432, protocol: 'TCP' }] });

/** An autoscaling/v2 Resource metric: average use as a percentage of the containers' requests. */
const utilization = (name: 'cpu' | 'memory', percent: number) => ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization: percent } } });

/** An app-template raw resource: `body` is everything of the object but apiVersion, kind and metadata. */
const rawResource = (apiVersion: string, kind: string, name: string, body: Values) => ({ apiVersion, kind, forceRename: name, spec: body });

const dnsEgress = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};
