// VERIFY_ORDER_CRD: a custom resource reaches the API server after the CRD of its kind.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { ORDER_CRD, orderCrdsCheck } from '../../../generator/verify/checks/order-crds.ts';
import { checkCases } from './helpers/cases.ts';
import { helmRelease, kustomization, layout } from './helpers/graph.ts';
import { clusterState, inGit, inRelease } from './helpers/state.ts';

const clusterIssuer: KubeObject = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-staging' }, spec: {} };
const certManager = helmRelease('cert-manager/cert-manager', 'infrastructure-controllers', [], ['cert-manager.io/ClusterIssuer', 'cert-manager.io/Certificate']);
const certificate: KubeObject = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web', namespace: 'postfacto-main' }, spec: {} };
const widget: KubeObject = { apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'apps' } };
const widgetCrd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.io' }, spec: { group: 'example.io', names: { kind: 'Widget' } } };

describe('CRDs before their resources', () => {
  checkCases(orderCrdsCheck, [
    {
      name: 'a ClusterIssuer applied with the HelmRelease that installs its CRD',
      code: ORDER_CRD,
      broken: () => clusterState(inGit('infrastructure-controllers', clusterIssuer), { kustomizations: layout(), releases: [certManager] }),
      fixed: () => clusterState(inGit('infrastructure-configs', clusterIssuer), { kustomizations: layout(), releases: [certManager] }),
      says: /Kustomization infrastructure-controllers applies it together with HelmRelease cert-manager\/cert-manager.*dry-run fails/,
    },
    {
      name: 'a Kustomization that does not depend on the installer',
      code: ORDER_CRD,
      broken: () => clusterState(inGit('infrastructure-configs', clusterIssuer), { kustomizations: [kustomization('infrastructure-controllers'), kustomization('infrastructure-configs')], releases: [certManager] }),
      fixed: () => clusterState(inGit('infrastructure-configs', clusterIssuer), { kustomizations: layout(), releases: [certManager] }),
    },
    {
      name: "the installer's Kustomization does not wait for its releases",
      code: ORDER_CRD,
      broken: () => clusterState(inGit('infrastructure-configs', clusterIssuer), { kustomizations: layout(false), releases: [certManager] }),
      fixed: () => clusterState(inGit('infrastructure-configs', clusterIssuer), { kustomizations: layout(true), releases: [certManager] }),
      says: /has no wait: true/,
    },
    {
      name: "a release rendering a Certificate, next to cert-manager without dependsOn",
      code: ORDER_CRD,
      broken: () => clusterState(inRelease('postfacto-main/postfacto-main', 'infrastructure-controllers', certificate), { kustomizations: layout(), releases: [certManager, helmRelease('postfacto-main/postfacto-main', 'infrastructure-controllers')] }),
      fixed: () => clusterState(inRelease('postfacto-main/postfacto-main', 'infrastructure-controllers', certificate), { kustomizations: layout(), releases: [certManager, helmRelease('postfacto-main/postfacto-main', 'infrastructure-controllers', ['cert-manager/cert-manager'])] }),
    },
    {
      name: 'a kind whose CRD nothing installs',
      code: ORDER_CRD,
      broken: () => clusterState(inGit('apps', widget), { kustomizations: layout() }),
      fixed: () => clusterState(inGit('apps', widgetCrd, widget), { kustomizations: layout() }),
      says: /nothing in this environment installs its CRD/,
    },
  ]);

  it('accepts resources rendered by the installing release itself, and the kinds the AKS platform provides', () => {
    const spc: KubeObject = { apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name: 's', namespace: 'monitoring' }, spec: {} };
    const helmRelease_: KubeObject = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x', namespace: 'monitoring' }, spec: {} };
    const state = clusterState([...inRelease('cert-manager/cert-manager', 'infrastructure-controllers', certificate), ...inGit('infrastructure-controllers', spc, helmRelease_)], { kustomizations: layout(), releases: [certManager] });
    expect(orderCrdsCheck(state)).toEqual([]);
  });
});
