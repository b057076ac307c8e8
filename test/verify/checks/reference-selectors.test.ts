// VERIFY_REFERENCE_SERVICE_SELECTOR / _SERVICE_PORT / _PDB_SELECTOR / _HPA_TARGET / _AFFINITY.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import {
  REFERENCE_AFFINITY,
  REFERENCE_HPA_TARGET,
  REFERENCE_PDB_SELECTOR,
  REFERENCE_SERVICE_PORT,
  REFERENCE_SERVICE_SELECTOR,
  selectorsCheck,
} from '../../../generator/verify/checks/reference-selectors.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, deployment, namespace, service } from './helpers/state.ts';

const ns = 'postfacto-main';
const webLabels = { 'app.kubernetes.io/instance': 'postfacto-main', 'app.kubernetes.io/controller': 'web' };
const redisLabels = { 'app.kubernetes.io/instance': 'postfacto-main', 'app.kubernetes.io/controller': 'redis' };
const web = (pod: Record<string, unknown> = {}) => deployment(ns, 'postfacto-main-web', webLabels, { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 3000 }] }], ...pod });
const redis = deployment(ns, 'postfacto-main-redis', redisLabels);

const pdb = (selector: unknown): KubeObject => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'postfacto-main-web', namespace: ns }, spec: { maxUnavailable: 1, ...(selector !== undefined && { selector }) } });
const hpa = (target: string): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'postfacto-main-web', namespace: ns },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, maxReplicas: 2 },
});
const antiAffinity = (labels: Record<string, string>) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' }] } } });

describe('selector and target references', () => {
  checkCases(selectorsCheck, [
    {
      name: 'a Service selecting no pod',
      code: REFERENCE_SERVICE_SELECTOR,
      broken: () => clusterState([web(), service(ns, 'postfacto-main-web', { ...webLabels, 'app.kubernetes.io/name': 'postfacto' }, [{ name: 'http', port: 3000 }])]),
      fixed: () => clusterState([web(), service(ns, 'postfacto-main-web', webLabels, [{ name: 'http', port: 3000 }]), service(ns, 'headless-external', undefined, [{ port: 5432 }])]),
      says: /selects app\.kubernetes\.io\/instance=postfacto-main,app\.kubernetes\.io\/controller=web,app\.kubernetes\.io\/name=postfacto, which no pod in postfacto-main carries; the Service has no endpoints/,
    },
    {
      name: 'a Service targeting a port name its pods do not declare',
      code: REFERENCE_SERVICE_PORT,
      broken: () => clusterState([web(), service(ns, 'postfacto-main-web', webLabels, [{ name: 'http', port: 80, targetPort: 'web' }])]),
      fixed: () => clusterState([web(), service(ns, 'postfacto-main-web', webLabels, [{ name: 'http', port: 80, targetPort: 'http' }])]),
    },
    {
      name: 'a PodDisruptionBudget selecting no pod',
      code: REFERENCE_PDB_SELECTOR,
      broken: () => clusterState([web(), pdb({ matchLabels: { ...webLabels, 'app.kubernetes.io/controller': 'api' } })]),
      fixed: () => clusterState([web(), pdb({ matchLabels: webLabels })]),
    },
    {
      name: 'a PodDisruptionBudget without a selector (policy/v1: selects nothing)',
      code: REFERENCE_PDB_SELECTOR,
      broken: () => clusterState([web(), pdb(undefined)]),
      fixed: () => clusterState([web(), pdb({})]),
      says: /has no selector/,
    },
    {
      name: 'an HPA scaling a workload that does not exist',
      code: REFERENCE_HPA_TARGET,
      broken: () => clusterState([web(), hpa('postfacto-web')]),
      fixed: () => clusterState([web(), hpa('postfacto-main-web')]),
    },
    {
      name: 'a required anti-affinity selecting nothing (web and Redis may share a node)',
      code: REFERENCE_AFFINITY,
      broken: () => clusterState([web(antiAffinity({ ...redisLabels, 'app.kubernetes.io/name': 'redis' })), redis]),
      fixed: () => clusterState([web(antiAffinity(redisLabels)), redis]),
      says: /a required podAntiAffinity term .* which no pod carries; the rule keeps its pods away from nothing/,
    },
    {
      name: 'a preferred affinity selecting nothing',
      code: REFERENCE_AFFINITY,
      severity: 'warning',
      broken: () => clusterState([web({ affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' } }] } } })]),
      fixed: () => clusterState([web({ affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { labelSelector: { matchLabels: redisLabels }, topologyKey: 'zone' } }] } } }), redis]),
    },
    {
      name: 'an affinity term looking in other namespaces by namespaceSelector',
      code: REFERENCE_AFFINITY,
      broken: () => clusterState([namespace('cache'), web({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' }] } } }), deployment('cache', 'cache', { app: 'cache' })]),
      fixed: () => clusterState([namespace('cache'), web({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cache' } }, topologyKey: 'zone' }] } } }), deployment('cache', 'cache', { app: 'cache' })]),
      says: /never scheduled/,
    },
    {
      name: 'a topology spread constraint selecting nothing',
      code: REFERENCE_AFFINITY,
      severity: 'warning',
      broken: () => clusterState([web({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }] })]),
      fixed: () => clusterState([web({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: webLabels } }] })]),
    },
  ]);

  it("counts the platform's own pods (CoreDNS) as selectable", () => {
    expect(selectorsCheck(clusterState([service('kube-system', 'coredns-metrics', { 'k8s-app': 'kube-dns' }, [{ name: 'metrics', port: 9153, targetPort: 'metrics' }])]))).toEqual([]);
  });

  it("counts the pods the Prometheus operator makes for a Prometheus resource, reloader sidecar included", () => {
    const prometheus: KubeObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'kps-prometheus', namespace: 'monitoring' }, spec: {} };
    const svc = service('monitoring', 'kps-prometheus', { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kps-prometheus' }, [
      { name: 'http-web', port: 9090, targetPort: 9090 },
      { name: 'reloader-web', port: 8080, targetPort: 'reloader-web' },
    ]);
    expect(selectorsCheck(clusterState([prometheus, svc]))).toEqual([]);
  });
});
