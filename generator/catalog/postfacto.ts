// Postfacto on the generic app-template chart, one release per instance in its own namespace:
// the web app (autoscaled, disruption budget, probes, TLS ingress) and its Redis on the data pool,
// never on a node with a web pod; configuration from Key Vault; network policies that allow only
// ingress -> web -> Redis, web -> PostgreSQL and DNS, on top of the namespace's default deny.
import { z } from 'zod';
import { chartVersionPin, dnsLabel, hostname } from '../../schema/common.ts';
import type { Environment } from '../model/environment.ts';
import { POSTGRESQL_ADMIN_LOGIN, POSTGRESQL_PASSWORD_SECRET } from '../model/key-vault-secrets.ts';
import { duplicates, error, type Finding } from '../model/rules/rule.ts';
import { alert } from './alert-rules.ts';
import { charts, clusterIssuerName, dataPoolToleration, INGRESS_CLASS, onPool, REDIS_IMAGE } from './charts.ts';
import { http01SolverPolicy } from './cert-manager.ts';
import { appKind, type AppDefinition } from './definition.ts';
import { INGRESS_NAMESPACE } from './ingress-nginx.ts';
import { csiVolume, secretProviderClassSpec } from './secret-provider-class.ts';
import type { KubeObject, Values } from './types.ts';
import { mergeValues } from './values.ts';

/** One Postfacto instance with every default applied (env.apps.postfacto[]). */
export interface PostfactoInstance {
  readonly name: string;
  readonly version: string;
  readonly host: string;
  readonly namespace: string;
  /** Helm release name: postfacto-<name>. */
  readonly release: string;
  readonly replicas: { readonly min: number; readonly max: number };
  readonly database: string;
}

export const secretKeyBaseSecret = (p: PostfactoInstance) => `${p.release}-secret-key-base`;

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
    })
    .optional()
    .describe('Web replicas. Default: 2-4 in prod, 1-2 otherwise.'),
  database: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Use a PostgreSQL database name: lowercase letters, digits and "_", up to 63 characters.')
    .optional()
    .describe('Database on the managed server. Default: postfacto_<name> with "-" as "_".'),
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
    replicas: i.replicas ?? byStage({ min: 2, max: 4 }, { min: 1, max: 2 }),
    database: i.database ?? `postfacto_${i.name.replace(/-/g, '_')}`,
  }),
  instances: (env) => env.apps.postfacto,
  podSecurity: 'baseline',
  release: (env, p) => ({
    name: p.release,
    namespace: p.namespace,
    source: charts.appTemplate.source,
    version: env.releases.postfacto.chartVersion ?? charts.appTemplate.version,
    needs: ['ingress-nginx', 'cert-manager', 'external-dns'],
    crds: false,
    baseValues: base,
    values: mergeValues(base, instanceValues(env, p)),
    // The HorizontalPodAutoscaler, not the chart, owns the web replica count.
    driftIgnore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }],
  }),
  objects: (env) => ({ config: env.apps.postfacto.flatMap((p) => [defaultDeny(p), ...http01SolverPolicy(env, p.namespace)]) }),
  vaultSecrets: (env) => env.apps.postfacto.map((p) => ({ name: secretKeyBaseSecret(p), generate: true })),
  alerts: (env) => [
    {
      name: 'postfacto',
      rules: env.apps.postfacto.flatMap((p) => {
        const selector = `namespace="${p.namespace}", deployment="${p.release}-web"`;
        return [
          alert('PostfactoDown', `sum(kube_deployment_status_replicas_available{${selector}}) < 1`, '5m', 'critical', `Postfacto ${p.name} (${p.host}) has no available web pod.`),
          alert('PostfactoDegraded', `sum(kube_deployment_status_replicas_available{${selector}}) < ${p.replicas.min}`, '15m', 'warning', `Postfacto ${p.name} runs fewer than its ${p.replicas.min} minimum web pods.`),
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
      pod: { nodeSelector: onPool('apps') },
      containers: {
        app: {
          image: { repository: 'postfacto/postfacto' },
          probes: { startup: httpProbe(5, 60), liveness: httpProbe(10, 3), readiness: httpProbe(10, 3) },
          resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } },
          // The upstream image runs as root (files owned by root under /postfacto), so no runAsNonRoot.
          securityContext: dropAll,
        },
      },
    },
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
          image: REDIS_IMAGE,
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
    'secrets-store': { type: 'custom', advancedMounts: { web: { app: [{ path: SECRETS_MOUNT, readOnly: true }] } } },
    'redis-data': { type: 'emptyDir', advancedMounts: { redis: { redis: [{ path: '/data' }] } } },
  },
};

/** What makes an instance itself: name, version, host, database, secrets, scaling bounds. */
function instanceValues(env: Environment, p: PostfactoInstance): Values {
  const secret = `${p.release}-secrets`;
  const web = `${p.release}-web`;
  const database = `postgres://${POSTGRESQL_ADMIN_LOGIN}:$(DATABASE_PASSWORD)@${env.names.postgresqlServer}.postgres.database.azure.com:5432/${p.database}?sslmode=require`;
  return {
    global: { fullnameOverride: p.release },
    controllers: {
      web: {
        pod: {
          affinity: {
            podAntiAffinity: {
              // Never share a node with Redis: one node failure must not take both down.
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: podsOf(p, 'redis') }, topologyKey: 'kubernetes.io/hostname' }],
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: podsOf(p, 'web') }, topologyKey: 'kubernetes.io/hostname' } },
              ],
            },
          },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: podsOf(p, 'web') } }],
        },
        containers: {
          app: {
            image: { tag: p.version },
            env: {
              DATABASE_PASSWORD: { valueFrom: { secretKeyRef: { name: secret, key: 'database-password' } } },
              DATABASE_URL: { value: database, dependsOn: 'DATABASE_PASSWORD' },
              SECRET_KEY_BASE: { valueFrom: { secretKeyRef: { name: secret, key: 'secret-key-base' } } },
              REDIS_URL: `redis://${p.release}-redis:${REDIS_PORT}/0`,
              CLIENT_ORIGIN: `https://${p.host}`,
            },
          },
        },
      },
    },
    ingress: {
      web: {
        className: INGRESS_CLASS,
        annotations: { 'cert-manager.io/cluster-issuer': clusterIssuerName(env.releases.certManager.issuer) },
        hosts: [{ host: p.host, paths: [{ path: '/', pathType: 'Prefix', service: { identifier: 'web', port: 'http' } }] }],
        tls: [{ secretName: `${p.release}-tls`, hosts: [p.host] }],
      },
    },
    persistence: { 'secrets-store': { volumeSpec: { csi: csiVolume('secrets-store', p.release).csi } } },
    networkpolicies: {
      web: {
        controller: 'web',
        policyTypes: ['Ingress', 'Egress'],
        rules: {
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': INGRESS_NAMESPACE } } }], ports: [{ port: WEB_PORT, protocol: 'TCP' }] }],
          egress: [
            { to: [{ podSelector: { matchLabels: podsOf(p, 'redis') } }], ports: [{ port: REDIS_PORT, protocol: 'TCP' }] },
            { to: [{ ipBlock: { cidr: env.network.postgresqlSubnet } }], ports: [{ port: 5432, protocol: 'TCP' }] },
            dnsEgress,
          ],
        },
      },
      redis: {
        controller: 'redis',
        policyTypes: ['Ingress', 'Egress'],
        rules: { ingress: [{ from: [{ podSelector: { matchLabels: podsOf(p, 'web') } }], ports: [{ port: REDIS_PORT, protocol: 'TCP' }] }], egress: [] },
      },
    },
    // app-template 4.1.1 writes a raw resource's `spec` value at the top level of the object, beside
    // metadata (common library templates/classes/_rawResource.tpl: `toYaml $resourceObject.spec`),
    // so the object's own spec goes one level down.
    rawResources: {
      secrets: rawResource('secrets-store.csi.x-k8s.io/v1', 'SecretProviderClass', p.release, {
        spec: secretProviderClassSpec(env, [POSTGRESQL_PASSWORD_SECRET, secretKeyBaseSecret(p)], {
          secretName: secret,
          keys: { 'database-password': POSTGRESQL_PASSWORD_SECRET, 'secret-key-base': secretKeyBaseSecret(p) },
        }),
      }),
      autoscaler: rawResource('autoscaling/v2', 'HorizontalPodAutoscaler', web, {
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: web },
          minReplicas: p.replicas.min,
          maxReplicas: p.replicas.max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      }),
      'disruption-budget': rawResource('policy/v1', 'PodDisruptionBudget', web, { spec: { maxUnavailable: 1, selector: { matchLabels: podsOf(p, 'web') } } }),
    },
  };
}

/** An app-template raw resource: `body` is everything of the object but apiVersion, kind and metadata. */
const rawResource = (apiVersion: string, kind: string, name: string, body: Values) => ({ apiVersion, kind, forceRename: name, spec: body });

const dnsEgress = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};
