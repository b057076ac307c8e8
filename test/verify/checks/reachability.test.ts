// VERIFY_UNREACHABLE on one Postfacto instance: each NetworkPolicy it needs, taken away or broken
// one at a time, cuts exactly one path (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { reachabilityCheck, UNREACHABLE } from '../../../generator/verify/checks/reachability.ts';
import { checkCases } from './helpers/cases.ts';
import { dns, NS, policies, postfacto, webLabels, webToDatabase, webToRedis } from './helpers/postfacto.ts';
import { inRelease, namespace, networkPolicy, service } from './helpers/state.ts';

const all = () => postfacto();
const { defaultDeny, web, redis, solver } = policies;

describe('reachability under NetworkPolicies', () => {
  checkCases(reachabilityCheck, [
    {
      name: "HTTP-01: the solver pods are not admitted from ingress-nginx (cert-manager's solver: label http01-solver, port 8089)",
      code: UNREACHABLE,
      broken: () => postfacto([defaultDeny, web(), redis()]),
      fixed: all,
      says: /through an HTTP-01 challenge, but the ingress controller \(Deployment ingress-nginx\/ingress-nginx-controller\) cannot reach the pods of cert-manager's HTTP-01 solver .* on TCP 8089: NetworkPolicy postfacto-main\/default-deny isolates/,
    },
    {
      name: 'HTTP-01: the solver policy admits the wrong port',
      code: UNREACHABLE,
      broken: () => postfacto([defaultDeny, web(), redis(), solver(80)]),
      fixed: all,
    },
    {
      name: 'the controller cannot reach the web pods (ingress admitted from another namespace)',
      code: UNREACHABLE,
      broken: () => postfacto([defaultDeny, web({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }] }), redis(), solver()]),
      fixed: all,
      says: /routes retro\.example\.com to Service postfacto-main\/postfacto-main-web, but .* on TCP 3000: NetworkPolicies postfacto-main\/default-deny and postfacto-main\/postfacto-main-web isolate .* 504/,
    },
    {
      name: 'web cannot send to Redis (no egress rule)',
      code: UNREACHABLE,
      broken: () => postfacto([defaultDeny, web({ egress: [webToDatabase(), dns(['UDP', 'TCP'])] }), redis(), solver()]),
      fixed: all,
      says: /connects to Service postfacto-main\/postfacto-main-redis on port 6379 \(REDIS_URL\).*for egress/,
    },
    {
      name: 'Redis does not admit web (ingress from other pods)',
      code: UNREACHABLE,
      broken: () => postfacto([defaultDeny, web(), redis([{ podSelector: { matchLabels: { ...webLabels, 'app.kubernetes.io/controller': 'worker' } } }]), solver()]),
      fixed: all,
      says: /isolate .*postfacto-main-redis for ingress/,
    },
    {
      name: "the database egress goes to another subnet than the environment's postgresql subnet",
      code: UNREACHABLE,
      broken: () => postfacto([defaultDeny, web({ egress: [webToRedis, webToDatabase({ cidr: '10.60.17.0/24' }), dns(['UDP', 'TCP'])] }), redis(), solver()]),
      fixed: () => postfacto([defaultDeny, web({ egress: [webToRedis, webToDatabase({ cidr: '10.60.0.0/16', except: ['10.60.0.0/20'] }), dns(['UDP', 'TCP'])] }), redis(), solver()]),
      says: /PostgreSQL subnet 10\.60\.16\.0\/24 on TCP 5432/,
    },
    {
      name: 'the database subnet carved out by except',
      code: UNREACHABLE,
      broken: () => postfacto([defaultDeny, web({ egress: [webToRedis, webToDatabase({ cidr: '10.60.0.0/16', except: ['10.60.16.0/20'] }), dns(['UDP', 'TCP'])] }), redis(), solver()]),
      fixed: all,
    },
    {
      name: 'DNS over UDP only (lookups fall back to TCP)',
      code: UNREACHABLE,
      broken: () => postfacto([defaultDeny, web({ egress: [webToRedis, webToDatabase(), dns(['UDP'])] }), redis(), solver()]),
      fixed: all,
      says: /CoreDNS \(kube-system\) on TCP 53/,
    },
    {
      name: 'Prometheus cannot scrape a ServiceMonitor target in a default-deny namespace',
      code: UNREACHABLE,
      broken: () => withMonitoring([]),
      fixed: () => withMonitoring([networkPolicy(NS, 'allow-scrapes', { podSelector: { matchLabels: webLabels }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'metrics' }] }] })]),
      says: /has Prometheus scrape port metrics, but Prometheus \(Prometheus monitoring\/kps-prometheus\) cannot reach/,
    },
  ]);

  it('needs no policy at all where nothing is isolated', () => {
    expect(reachabilityCheck(postfacto([]))).toEqual([]);
  });

  it('reports each cut path once: with only the default deny, every path the instance needs', () => {
    const messages = reachabilityCheck(postfacto([defaultDeny])).map((f) => f.message);
    expect(messages).toEqual([
      expect.stringMatching(/routes retro\.example\.com/),
      expect.stringMatching(/HTTP-01/),
      expect.stringMatching(/REDIS_URL/),
      expect.stringMatching(/DATABASE_URL/),
      expect.stringMatching(/UDP 53/),
      expect.stringMatching(/TCP 53/),
    ]);
  });
});

/** Prometheus in monitoring, and a Service and ServiceMonitor for the web pods' metrics port. */
function withMonitoring(extra: KubeObject[]) {
  const prometheus: KubeObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'kps-prometheus', namespace: 'monitoring' }, spec: { serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {} } };
  const monitor: KubeObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: NS }, spec: { selector: { matchLabels: { app: 'web-metrics' } }, endpoints: [{ port: 'metrics' }] } };
  return postfacto(
    [defaultDeny, web(), redis(), solver(), ...extra],
    [
      ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', namespace('monitoring'), prometheus),
      ...inRelease('postfacto-main/postfacto-main', 'apps', service(NS, 'web-metrics', webLabels, [{ name: 'metrics', port: 9394, targetPort: 'metrics' }], { app: 'web-metrics' }), monitor),
    ],
  );
}
