// VERIFY_ORDER_CYCLE / VERIFY_ORDER_MISSING: the Flux Kustomization and HelmRelease dependsOn graphs
// and the helmfile needs graph name existing nodes and have no cycle.
import { describe, expect, it } from 'vitest';
import { ORDER_CYCLE, ORDER_MISSING, orderGraphsCheck } from '../../../generator/verify/checks/order-graphs.ts';
import { checkCases } from './helpers/cases.ts';
import { helmfileRelease, helmRelease, kustomization, layout } from './helpers/graph.ts';
import { clusterState } from './helpers/state.ts';

const platform = ['monitoring/kube-prometheus-stack', 'ingress-nginx/ingress-nginx'];

describe('apply graphs', () => {
  checkCases(orderGraphsCheck, [
    {
      name: 'Kustomizations waiting for each other',
      code: ORDER_CYCLE,
      broken: () => clusterState([], { kustomizations: [kustomization('infrastructure-controllers', ['apps']), kustomization('infrastructure-configs', ['infrastructure-controllers']), kustomization('apps', ['infrastructure-configs'])] }),
      fixed: () => clusterState([], { kustomizations: layout() }),
      says: /Flux Kustomizations infrastructure-controllers -> apps -> infrastructure-configs -> infrastructure-controllers wait for each other in a circle \(spec\.dependsOn\); Flux applies none of them\./,
    },
    {
      name: 'a Kustomization waiting for one that does not exist',
      code: ORDER_MISSING,
      broken: () => clusterState([], { kustomizations: [kustomization('infrastructure-controllers'), kustomization('apps', ['infrastructure-config'])] }),
      fixed: () => clusterState([], { kustomizations: [kustomization('infrastructure-controllers'), kustomization('apps', ['infrastructure-controllers'])] }),
    },
    {
      name: 'HelmReleases waiting for each other',
      code: ORDER_CYCLE,
      broken: () => clusterState([], { releases: [helmRelease(platform[0]!, 'infrastructure-controllers', [platform[1]!]), helmRelease(platform[1]!, 'infrastructure-controllers', [platform[0]!])] }),
      fixed: () => clusterState([], { releases: [helmRelease(platform[0]!, 'infrastructure-controllers'), helmRelease(platform[1]!, 'infrastructure-controllers', [platform[0]!])] }),
    },
    {
      name: 'a HelmRelease waiting for one in another namespace that does not exist',
      code: ORDER_MISSING,
      broken: () => clusterState([], { releases: [helmRelease('postfacto-main/postfacto-main', 'apps', ['cert-manager/cert-manager'])] }),
      fixed: () => clusterState([], { releases: [helmRelease('cert-manager/cert-manager', 'infrastructure-controllers'), helmRelease('postfacto-main/postfacto-main', 'apps', ['cert-manager/cert-manager'])] }),
    },
    {
      name: 'a helmfile release needing one that does not exist',
      code: ORDER_MISSING,
      broken: () => clusterState([], { helmfile: [helmfileRelease('monitoring/kube-prometheus-stack', ['kube-system/platform-base'])] }),
      fixed: () => clusterState([], { helmfile: [helmfileRelease('kube-system/platform-base'), helmfileRelease('monitoring/kube-prometheus-stack', ['kube-system/platform-base'])] }),
    },
    {
      name: 'helmfile releases needing each other',
      code: ORDER_CYCLE,
      broken: () => clusterState([], { helmfile: [helmfileRelease('a/x', ['b/y']), helmfileRelease('b/y', ['a/x'])] }),
      fixed: () => clusterState([], { helmfile: [helmfileRelease('a/x'), helmfileRelease('b/y', ['a/x'])] }),
    },
  ]);

  it('names the release behind a HelmRelease finding', () => {
    const [f] = orderGraphsCheck(clusterState([], { releases: [helmRelease('postfacto-main/postfacto-main', 'apps', ['cert-manager/cert-manager'])] }));
    expect(f).toMatchObject({ release: 'postfacto-main/postfacto-main', cause: ['apps', 'postfacto', 0] });
  });
});
