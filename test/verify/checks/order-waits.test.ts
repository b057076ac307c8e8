// VERIFY_ORDER_WAIT / VERIFY_ORDER_NAMESPACE: nothing waited on needs what comes later.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { ORDER_NAMESPACE, ORDER_WAIT, orderWaitsCheck } from '../../../generator/verify/checks/order-waits.ts';
import { checkCases } from './helpers/cases.ts';
import { helmRelease, kustomization, layout } from './helpers/graph.ts';
import { clusterState, deployment, inGit, inRelease, namespace, secret } from './helpers/state.ts';

const ns = 'monitoring';
const csi = { name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', volumeAttributes: { secretProviderClass: 'monitoring-secrets' } } };
const spc: KubeObject = {
  apiVersion: 'secrets-store.csi.x-k8s.io/v1',
  kind: 'SecretProviderClass',
  metadata: { name: 'monitoring-secrets', namespace: ns },
  spec: { provider: 'azure', secretObjects: [{ secretName: 'grafana-admin', type: 'Opaque', data: [{ key: 'admin-password', objectName: 'grafana-admin-password' }] }] },
};
const alertmanager: KubeObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'kps-alertmanager', namespace: ns }, spec: { volumes: [csi] } };
const grafana = deployment(ns, 'grafana', { app: 'grafana' }, { containers: [{ name: 'grafana', env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } } }] }], volumes: [csi] });
const kps = helmRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers');
const graph = { kustomizations: layout(), releases: [kps] };
const monitoringNamespace = inGit('infrastructure-controllers', namespace(ns));
/** A release's pods in default reading a Secret that Kustomization extras applies. */
const reader = [...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', deployment('default', 'x', { app: 'x' }, { volumes: [{ name: 's', secret: { secretName: 's' } }] })), ...inGit('extras', secret('default', 's'))];

describe('what waits for what', () => {
  checkCases(orderWaitsCheck, [
    {
      name: 'Alertmanager mounting a SecretProviderClass that a later Kustomization applies',
      code: ORDER_WAIT,
      broken: () => clusterState([...monitoringNamespace, ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', alertmanager), ...inGit('infrastructure-configs', spc)], graph),
      fixed: () => clusterState([...monitoringNamespace, ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', alertmanager), ...inGit('infrastructure-controllers', spc)], graph),
      says: /needs SecretProviderClass monitoring\/monitoring-secrets to start, but Kustomization infrastructure-configs applies it only after that/,
    },
    {
      name: "Grafana reading the Secret synced from a class that comes later",
      code: ORDER_WAIT,
      broken: () => clusterState([...monitoringNamespace, ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', grafana), ...inGit('infrastructure-configs', spc)], graph),
      fixed: () => clusterState([...monitoringNamespace, ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', grafana), ...inGit('infrastructure-controllers', spc)], graph),
      count: 2,
      says: /needs Secret monitoring\/grafana-admin \(synced by the CSI driver from SecretProviderClass monitoring-secrets\)/,
    },
    {
      name: 'a Secret from a Kustomization in no order with the release',
      code: ORDER_WAIT,
      severity: 'warning',
      broken: () => clusterState(reader, { ...graph, kustomizations: [...layout(), kustomization('extras')] }),
      fixed: () => clusterState(reader, { ...graph, kustomizations: [kustomization('extras'), kustomization('infrastructure-controllers', ['extras'])] }),
      says: /in no defined order/,
    },
    {
      name: 'a HelmRelease depending on one that a later Kustomization applies',
      code: ORDER_WAIT,
      broken: () => clusterState([], { kustomizations: layout(), releases: [helmRelease('ingress-nginx/ingress-nginx', 'infrastructure-controllers', ['postfacto-main/postfacto-main']), helmRelease('postfacto-main/postfacto-main', 'apps')] }),
      fixed: () => clusterState([], { kustomizations: layout(), releases: [helmRelease('ingress-nginx/ingress-nginx', 'infrastructure-controllers'), helmRelease('postfacto-main/postfacto-main', 'apps', ['ingress-nginx/ingress-nginx'])] }),
      says: /neither ever becomes Ready/,
    },
    {
      name: 'an object in a namespace nothing creates',
      code: ORDER_NAMESPACE,
      broken: () => clusterState(inGit('apps', secret('postfacto-main', 's')), graph),
      fixed: () => clusterState([...inGit('infrastructure-controllers', namespace('postfacto-main')), ...inGit('apps', secret('postfacto-main', 's'), secret('kube-system', 'k'))], graph),
    },
    {
      name: 'an object in a namespace a later Kustomization creates',
      code: ORDER_NAMESPACE,
      broken: () => clusterState([...inGit('apps', namespace('postfacto-main')), ...inGit('infrastructure-configs', secret('postfacto-main', 's'))], graph),
      fixed: () => clusterState([...inGit('infrastructure-configs', namespace('postfacto-main')), ...inGit('infrastructure-configs', secret('postfacto-main', 's'))], graph),
      says: /creates only afterwards/,
    },
  ]);

  it('accepts what comes from an earlier Kustomization, the same one, or the release itself', () => {
    const state = clusterState(
      [
        ...inGit('infrastructure-controllers', namespace('postfacto-main'), namespace(ns)),
        ...inGit('infrastructure-configs', spc, secret('postfacto-main', 'from-configs')),
        ...inRelease('postfacto-main/postfacto-main', 'apps', deployment('postfacto-main', 'web', { app: 'web' }, { volumes: [{ name: 's', secret: { secretName: 'from-configs' } }] })),
        ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', deployment(ns, 'own', { app: 'own' }, { volumes: [{ name: 's', secret: { secretName: 'own' } }] }), secret(ns, 'own')),
      ],
      graph,
    );
    expect(orderWaitsCheck(state)).toEqual([]);
  });
});
