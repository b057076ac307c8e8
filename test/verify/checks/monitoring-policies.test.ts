// The NetworkPolicies in `monitoring` (issue 18.8): nothing outside the namespace reaches Alertmanager
// (whose API can silence every alert), Prometheus or Grafana; inside, exactly the paths the stack
// needs pass: Prometheus to Alertmanager and to its scrape targets, Grafana to its Prometheus
// datasource, ingress-nginx to an exposed Grafana. NetworkPolicy semantics: model/network-policy.ts
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { indexOf } from '../../../generator/verify/checks/model/cluster.ts';
import { blocked } from '../../../generator/verify/checks/model/network-policy.ts';
import type { PodModel } from '../../../generator/verify/checks/model/pods.ts';
import { reachabilityCheck, UNREACHABLE } from '../../../generator/verify/checks/reachability.ts';
import type { ClusterState } from '../../../generator/verify/types.ts';
import { describeWithCharts } from '../../helpers/charts.ts';
import { exampleStates } from '../cluster-states.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, deployment, inRelease, namespace, networkPolicy, service } from './helpers/state.ts';

const KPS = 'monitoring/kube-prometheus-stack';
const prometheus: KubeObject = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'Prometheus',
  metadata: { name: 'kps-prometheus', namespace: 'monitoring' },
  spec: { alerting: { alertmanagers: [{ namespace: 'monitoring', name: 'kps-alertmanager', port: 'http-web' }] } },
};
const alertmanager: KubeObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'kps-alertmanager', namespace: 'monitoring' }, spec: {} };
const amService = service('monitoring', 'kps-alertmanager', { 'app.kubernetes.io/name': 'alertmanager' }, [{ name: 'http-web', port: 9093, targetPort: 9093 }]);
const promService = service('monitoring', 'kps-prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'http-web', port: 9090, targetPort: 9090 }]);
const grafana = deployment('monitoring', 'grafana', { 'app.kubernetes.io/name': 'grafana' }, {
  containers: [{ name: 'grafana' }, { name: 'grafana-sc-datasources', env: [{ name: 'LABEL', value: 'grafana_datasource' }, { name: 'LABEL_VALUE', value: '1' }, { name: 'FOLDER', value: '/etc/grafana/provisioning/datasources' }] }],
});
const datasource: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'grafana-datasource', namespace: 'monitoring', labels: { grafana_datasource: '1' } },
  data: { 'datasource.yaml': 'apiVersion: 1\ndatasources:\n- name: Prometheus\n  type: prometheus\n  url: http://kps-prometheus.monitoring:9090/\n' },
};
const denyAll = networkPolicy('monitoring', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const admit = (name: string, pods: string, peer: string, port: number) =>
  networkPolicy('monitoring', name, { podSelector: { matchLabels: { 'app.kubernetes.io/name': pods } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': peer } } }], ports: [{ port, protocol: 'TCP' }] }] });
const monitoring = (...policies: KubeObject[]): ClusterState => clusterState([namespace('monitoring'), ...inRelease(KPS, 'infrastructure-controllers', prometheus, alertmanager, amService, promService, grafana, datasource, ...policies)]);

describe('reachability inside monitoring', () => {
  checkCases(reachabilityCheck, [
    {
      name: "Prometheus cannot send alerts: Alertmanager admits nobody (prometheus-operator's spec.alerting.alertmanagers)",
      code: UNREACHABLE,
      broken: () => monitoring(denyAll, admit('prometheus', 'prometheus', 'grafana', 9090)),
      fixed: () => monitoring(denyAll, admit('prometheus', 'prometheus', 'grafana', 9090), admit('alertmanager', 'alertmanager', 'prometheus', 9093)),
      says: /^Prometheus monitoring\/kps-prometheus sends its alerts to Service monitoring\/kps-alertmanager, but Prometheus \(Prometheus monitoring\/kps-prometheus\) cannot reach the pods of Alertmanager monitoring\/kps-alertmanager on TCP 9093: .*; no alert reaches a receiver\.$/,
    },
    {
      name: "Grafana cannot query its Prometheus datasource (the k8s-sidecar's provisioning ConfigMap)",
      code: UNREACHABLE,
      broken: () => monitoring(denyAll, admit('alertmanager', 'alertmanager', 'prometheus', 9093), admit('prometheus', 'prometheus', 'alertmanager', 9090)),
      fixed: () => monitoring(denyAll, admit('alertmanager', 'alertmanager', 'prometheus', 9093), admit('prometheus', 'prometheus', 'grafana', 9090)),
      says: /^ConfigMap monitoring\/grafana-datasource provisions the datasource "Prometheus" at http:\/\/kps-prometheus\.monitoring:9090\/, but Grafana \(Deployment monitoring\/grafana\) cannot reach .* on TCP 9090: .*its panels show no data\.$/,
    },
  ]);

  it('reads only the datasource ConfigMaps the sidecar watches: its label, and its namespace unless told ALL', () => {
    const elsewhere = { ...datasource, metadata: { ...datasource.metadata, namespace: 'other' } };
    const state = clusterState([namespace('monitoring'), namespace('other'), ...inRelease(KPS, 'x', prometheus, alertmanager, amService, promService, grafana, elsewhere, denyAll, admit('alertmanager', 'alertmanager', 'prometheus', 9093))]);
    expect(reachabilityCheck(state)).toEqual([]);
  });
});

describeWithCharts("the examples' monitoring namespace as the pinned charts render it", () => {
  let states: ClusterState[] = [];
  beforeAll(async () => {
    states = (await exampleStates()).states;
  });
  const alertmanagerPods = (s: ClusterState) => indexOf(s).podsIn('monitoring').filter((p) => p.source.object.kind === 'Alertmanager');
  const postfactoPods = (s: ClusterState) => indexOf(s).pods.filter((p) => p.namespace.startsWith('postfacto-') && p.longRunning);
  const without = (s: ClusterState, drop: (o: KubeObject) => boolean): ClusterState => ({ ...s, objects: s.objects.filter((r) => !drop(r.object)) });
  const isPolicy = (o: KubeObject, ns: string, name?: string) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && (name === undefined || o.metadata.name === name);

  it("a pod in a Postfacto namespace cannot reach Alertmanager's API (9093) or its cluster port (9094), even with its own namespace's egress wide open", () => {
    for (const s of states) {
      expect(alertmanagerPods(s).length, s.environment.name).toBe(1);
      expect(postfactoPods(s).length, s.environment.name).toBeGreaterThan(0);
      // Postfacto's namespace without any policy of its own: monitoring's ingress policies alone refuse it.
      const open = without(s, (o) => o.kind === 'NetworkPolicy' && o.metadata.namespace?.startsWith('postfacto-') === true);
      for (const state of [s, open]) {
        const index = indexOf(state);
        for (const from of postfactoPods(state)) {
          for (const [port, protocol] of [[9093, 'TCP'], [9094, 'TCP'], [9094, 'UDP']] as const) {
            const block = blocked(index, { from: { pod: from }, to: { pod: alertmanagerPods(state)[0]! }, port, protocol });
            expect(block, `${s.environment.name}: ${from.source.object.metadata.name} to Alertmanager ${protocol} ${port}`).toBeDefined();
          }
        }
        const fromPostfacto = postfactoPods(state)[0]!;
        if (state === open) expect(blocked(index, { from: { pod: fromPostfacto }, to: { pod: alertmanagerPods(state)[0]! }, port: 9093, protocol: 'TCP' })).toMatchObject({ direction: 'Ingress' });
      }
    }
  });

  it('nothing outside monitoring reaches Prometheus or Grafana except ingress-nginx to an exposed Grafana; Prometheus reaches Alertmanager', () => {
    for (const s of states) {
      const index = indexOf(s);
      const inMonitoring = (name: string): PodModel => index.podsIn('monitoring').find((p) => p.labels['app.kubernetes.io/name'] === name && p.longRunning)!;
      const controller = index.podsIn('ingress-nginx').find((p) => p.labels['app.kubernetes.io/component'] === 'controller')!;
      const certManager = index.podsIn('cert-manager').find((p) => p.longRunning)!;
      expect(blocked(index, { from: { pod: certManager }, to: { pod: inMonitoring('prometheus') }, port: 9090, protocol: 'TCP' })).toBeDefined();
      expect(blocked(index, { from: { pod: controller }, to: { pod: inMonitoring('alertmanager') }, port: 9093, protocol: 'TCP' })).toBeDefined();
      // Grafana is internal unless exposed (dora-staging keeps the default): then ingress-nginx is refused too.
      const exposed = s.environment.releases.monitoring.grafana.exposure === 'ingress';
      const toGrafana = blocked(index, { from: { pod: controller }, to: { pod: inMonitoring('grafana') }, port: 3000, protocol: 'TCP' });
      if (exposed) expect(toGrafana, s.environment.name).toBeUndefined();
      else expect(toGrafana, s.environment.name).toMatchObject({ direction: 'Ingress' });
      expect(blocked(index, { from: { pod: inMonitoring('prometheus') }, to: { pod: inMonitoring('alertmanager') }, port: 9093, protocol: 'TCP' })).toBeUndefined();
      expect(blocked(index, { from: { pod: inMonitoring('grafana') }, to: { pod: inMonitoring('alertmanager') }, port: 9093, protocol: 'TCP' }), 'Grafana has no Alertmanager datasource').toBeDefined();
    }
  });

  it('each admitting policy carries a path the stack needs: without it, verify names the path that breaks', () => {
    for (const s of states) {
      const cut = (name: string) => reachabilityCheck(without(s, (o) => isPolicy(o, 'monitoring', name))).map((f) => f.message).join('\n');
      expect(reachabilityCheck(s), s.environment.name).toEqual([]);
      expect(cut('alertmanager')).toMatch(/sends its alerts to Service monitoring\/kube-prometheus-stack-alertmanager/);
      expect(cut('prometheus')).toMatch(/provisions the datasource "Prometheus"/);
      // Exposed, the grafana policy admits ingress-nginx; internal, it still admits Prometheus's scrape.
      if (s.environment.releases.monitoring.grafana.exposure === 'ingress') expect(cut('grafana')).toMatch(/routes grafana\..* to Service monitoring\/kube-prometheus-stack-grafana/);
      else expect(cut('grafana')).toMatch(/ServiceMonitor monitoring\/kube-prometheus-stack-grafana has Prometheus scrape port/);
      expect(cut('kube-state-metrics')).toMatch(/ServiceMonitor monitoring\/kube-prometheus-stack-kube-state-metrics has Prometheus scrape/);
    }
  });
});
