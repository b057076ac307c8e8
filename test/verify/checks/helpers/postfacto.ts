// A small render of one Postfacto instance behind ingress-nginx, shaped like the real one: the
// objects the reachability check reads, with every NetworkPolicy the instance needs. Tests take
// policies away (or break them) one at a time.
import type { KubeObject } from '../../../../generator/catalog/types.ts';
import type { ClusterState } from '../../../../generator/verify/types.ts';
import { clusterState, deployment, inGit, inRelease, namespace, networkPolicy, service, type Placed } from './state.ts';

export const NS = 'postfacto-main';
export const webLabels = { 'app.kubernetes.io/instance': 'postfacto-main', 'app.kubernetes.io/controller': 'web' };
export const redisLabels = { 'app.kubernetes.io/instance': 'postfacto-main', 'app.kubernetes.io/controller': 'redis' };
const controllerLabels = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };

const web = deployment(NS, 'postfacto-main-web', webLabels, {
  containers: [
    {
      name: 'app',
      ports: [
        { name: 'http', containerPort: 3000 },
        { name: 'metrics', containerPort: 9394 },
      ],
      env: [
        { name: 'REDIS_URL', value: 'redis://postfacto-main-redis:6379/0' },
        { name: 'DATABASE_URL', value: 'postgres://slipwayadmin:$(DATABASE_PASSWORD)@psql-numbers-test.postgres.database.azure.com:5432/postfacto_main?sslmode=require' },
      ],
    },
  ],
});
const redis = deployment(NS, 'postfacto-main-redis', redisLabels, { containers: [{ name: 'redis', ports: [{ name: 'redis', containerPort: 6379 }] }] });

export const policies = {
  defaultDeny: networkPolicy(NS, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  web: (o: { from?: unknown; egress?: unknown[] } = {}) =>
    networkPolicy(NS, 'postfacto-main-web', {
      podSelector: { matchLabels: webLabels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: o.from ?? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 'http', protocol: 'TCP' }] }],
      egress: o.egress ?? [webToRedis, webToDatabase(), dns(['UDP', 'TCP'])],
    }),
  redis: (from: unknown = [{ podSelector: { matchLabels: webLabels } }]) =>
    networkPolicy(NS, 'postfacto-main-redis', { podSelector: { matchLabels: redisLabels }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from, ports: [{ port: 6379, protocol: 'TCP' }] }], egress: [] }),
  solver: (port = 8089) =>
    networkPolicy(NS, 'allow-acme-http01-solver', {
      podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port, protocol: 'TCP' }] }],
    }),
};
export const webToRedis = { to: [{ podSelector: { matchLabels: redisLabels } }], ports: [{ port: 6379, protocol: 'TCP' }] };
export const webToDatabase = (ipBlock: Record<string, unknown> = { cidr: '10.60.16.0/24' }) => ({ to: [{ ipBlock }], ports: [{ port: 5432, protocol: 'TCP' }] });
export const dns = (protocols: string[]) => ({
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: protocols.map((protocol) => ({ port: 53, protocol })),
});

const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'postfacto-main-web', namespace: NS, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-staging' } },
  spec: { ingressClassName: 'nginx', rules: [{ host: 'retro.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'postfacto-main-web', port: { name: 'http' } } } }] } }] },
};

/** The instance with the given policies (default: all it needs). */
export function postfacto(networkPolicies: KubeObject[] = [policies.defaultDeny, policies.web(), policies.redis(), policies.solver()], more: Placed[] = []): ClusterState {
  return clusterState([
    ...inGit('infrastructure-controllers', namespace('ingress-nginx', 'baseline'), namespace(NS, 'baseline')),
    ...inRelease(
      'ingress-nginx/ingress-nginx',
      'infrastructure-controllers',
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } },
      deployment('ingress-nginx', 'ingress-nginx-controller', controllerLabels, { containers: [{ name: 'controller', ports: [{ name: 'http', containerPort: 80 }] }] }),
    ),
    ...inGit(
      'infrastructure-configs',
      { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-staging' }, spec: { acme: { solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }] } } },
      ...networkPolicies,
    ),
    ...inRelease('postfacto-main/postfacto-main', 'apps', web, redis, service(NS, 'postfacto-main-web', webLabels, [{ name: 'http', port: 3000, targetPort: 'http' }]), service(NS, 'postfacto-main-redis', redisLabels, [{ name: 'redis', port: 6379 }]), ingress),
    ...more,
  ]);
}
