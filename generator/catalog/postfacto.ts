// Postfacto on the generic app-template chart, one release per instance in its own namespace:
// the web app (autoscaled, disruption budget, probes, TLS ingress) and its Redis on the data pool,
// never on a node with a web pod; configuration from Key Vault; network policies that allow only
// ingress -> web -> Redis, web -> PostgreSQL and DNS (on top of the namespace's default deny,
// objects.ts).
import type { Environment, PostfactoInstance } from '../model/environment.ts';
import { POSTGRESQL_ADMIN_LOGIN, POSTGRESQL_PASSWORD_SECRET, secretKeyBaseSecret } from '../model/key-vault-secrets.ts';
import { charts, clusterIssuerName, dataPoolToleration, INGRESS_CLASS, onPool, REDIS_IMAGE } from './charts.ts';
import { INGRESS_NAMESPACE } from './ingress-nginx.ts';
import { csiVolume, secretProviderClassSpec } from './secret-provider-class.ts';
import type { Release, Values } from './types.ts';
import { mergeValues } from './values.ts';

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

export function postfactoReleases(env: Environment): Release[] {
  return env.apps.postfacto.map((p) => ({
    name: p.release,
    namespace: p.namespace,
    source: charts.appTemplate.source,
    version: env.releases.postfacto.chartVersion ?? charts.appTemplate.version,
    needs: ['ingress-nginx', 'cert-manager', 'external-dns'],
    crds: false,
    baseValues: base,
    values: mergeValues(base, instanceValues(env, p)),
  }));
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
      rollingUpdate: { unavailable: 0, surge: 1 },
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
    rawResources: {
      secrets: {
        apiVersion: 'secrets-store.csi.x-k8s.io/v1',
        kind: 'SecretProviderClass',
        forceRename: p.release,
        spec: secretProviderClassSpec(env, [POSTGRESQL_PASSWORD_SECRET, secretKeyBaseSecret(p)], {
          secretName: secret,
          keys: { 'database-password': POSTGRESQL_PASSWORD_SECRET, 'secret-key-base': secretKeyBaseSecret(p) },
        }),
      },
      autoscaler: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        forceRename: web,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: web },
          minReplicas: p.replicas.min,
          maxReplicas: p.replicas.max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      },
      'disruption-budget': {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        forceRename: web,
        spec: { maxUnavailable: 1, selector: { matchLabels: podsOf(p, 'web') } },
      },
    },
  };
}

const dnsEgress = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};
