// VERIFY_METADATA_ENDPOINT: pods must not reach 169.254.169.254 (AKS security best practice,
// "Restrict access to Instance Metadata API"); and the policy Slipway ships in every namespace
// does that, while leaving in-cluster traffic and everything else open.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { platformObjects, METADATA_EXEMPTION, METADATA_POLICY } from '../../../generator/catalog/objects.ts';
import { metadataEndpointCheck, METADATA_ENDPOINT } from '../../../generator/verify/checks/metadata-endpoint.ts';
import { indexOf } from '../../../generator/verify/checks/model/cluster.ts';
import { blocked } from '../../../generator/verify/checks/model/network-policy.ts';
import { podsOf } from '../../../generator/verify/checks/model/pods.ts';
import { describeWithCharts } from '../../helpers/charts.ts';
import { exampleStates } from '../cluster-states.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, deployment, environment, namespace, networkPolicy } from './helpers/state.ts';

const NS = 'tools';
const app = deployment(NS, 'tool', { app: 'tool' });
const shipped = (exempt?: { labels: Record<string, string>; reason: string }) => {
  // The catalog's policy for one namespace, as Slipway renders it.
  const env = { ...environment, aks: { ...environment.aks, network: { ...environment.aks.network, policy: 'cilium' as const } } };
  const policy = platformObjects(env).base.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === METADATA_POLICY)!;
  return { ...policy, metadata: { ...policy.metadata, namespace: NS, ...(exempt && { annotations: { [METADATA_EXEMPTION]: exempt.reason } }) }, spec: exempt ? { ...(policy.spec as object), podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['scraper'] }] } } : policy.spec } as KubeObject;
};

describe('the instance metadata endpoint', () => {
  checkCases(metadataEndpointCheck, [
    {
      name: 'a namespace without an egress policy',
      code: METADATA_ENDPOINT,
      broken: () => clusterState([namespace(NS), app]),
      fixed: () => clusterState([namespace(NS), app, shipped()]),
      says: /The pods of Deployment tools\/tool in namespace tools can reach the instance metadata endpoint 169\.254\.169\.254/,
    },
    {
      name: 'a second policy that allows everything reopens it (policies add up)',
      code: METADATA_ENDPOINT,
      broken: () => clusterState([namespace(NS), app, shipped(), networkPolicy(NS, 'open', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })]),
      fixed: () => clusterState([namespace(NS), app, shipped()]),
    },
    {
      name: 'an exemption covers only the pods its selector leaves out',
      code: METADATA_ENDPOINT,
      broken: () => clusterState([namespace(NS), deployment(NS, 'scraper', { app: 'scraper' }), deployment(NS, 'other', { app: 'other' }), networkPolicy(NS, 'open-other', { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Egress'], egress: [{}] }), shipped({ labels: { app: 'scraper' }, reason: 'scrapes nodes' })]),
      fixed: () => clusterState([namespace(NS), deployment(NS, 'scraper', { app: 'scraper' }), deployment(NS, 'other', { app: 'other' }), shipped({ labels: { app: 'scraper' }, reason: 'scrapes nodes' })]),
      says: /Deployment tools\/other/,
    },
  ]);

  it('leaves host-network pods and kube-system to the node', () => {
    const node = deployment(NS, 'agent', { app: 'agent' }, { hostNetwork: true });
    expect(metadataEndpointCheck(clusterState([namespace(NS), node, deployment('kube-system', 'x', { app: 'x' })]))).toEqual([]);
  });

  it('the shipped policy keeps in-cluster pods and the internet reachable', () => {
    const state = clusterState([namespace(NS), namespace('other'), app, deployment('other', 'peer', { app: 'peer' }), shipped()]);
    const index = indexOf(state);
    const pod = podsOf(state.objects.find((o) => o.object.metadata.name === 'tool')!)!;
    const peer = podsOf(state.objects.find((o) => o.object.metadata.name === 'peer')!)!;
    expect(blocked(index, { from: { pod }, to: { pod: peer }, port: 443, protocol: 'TCP' })).toBeUndefined();
    expect(blocked(index, { from: { pod }, to: { cidr: '20.50.2.10/32', label: 'the API server' }, port: 443, protocol: 'TCP' })).toBeUndefined();
    expect(blocked(index, { from: { pod }, to: { cidr: '169.254.169.254/32', label: 'IMDS' }, port: 80, protocol: 'TCP' })).toBeDefined();
  });

  // AKS, Azure CNI powered by Cilium: "Network policies can't use ipBlock to allow access to node or pod IPs".
  it('models host-network targets: no selector matches them; an ipBlock over the node subnet does under Azure NPM, not under Cilium', () => {
    const target = deployment(NS, 'exporter', { app: 'exporter' }, { hostNetwork: true });
    const policy = networkPolicy(NS, 'to-nodes', { podSelector: { matchLabels: { app: 'tool' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8' } }] }] });
    for (const [engine, reachable] of [['azure', true], ['cilium', false]] as const) {
      const env = { ...environment, network: { ...environment.network, aksSubnet: '10.60.0.0/20' }, aks: { ...environment.aks, network: { ...environment.aks.network, policy: engine } } };
      const state = { ...clusterState([namespace(NS), app, target, policy]), environment: env };
      const pods = state.objects.map(podsOf);
      const found = blocked(indexOf(state), { from: { pod: pods[1]! }, to: { pod: pods[2]! }, port: 9100, protocol: 'TCP' });
      expect(found === undefined, engine).toBe(reachable);
    }
  });
});

describeWithCharts('the examples', () => {
  it('no pod of either example reaches the metadata endpoint, except Prometheus under its stated exemption', async () => {
    const { states } = await exampleStates();
    for (const state of states) {
      expect(metadataEndpointCheck(state), state.environment.name).toEqual([]);
      const monitoring = state.objects.find((o) => o.object.kind === 'NetworkPolicy' && o.object.metadata.namespace === 'monitoring' && o.object.metadata.name === METADATA_POLICY)!;
      expect(monitoring.object.metadata.annotations?.[METADATA_EXEMPTION]).toMatch(/Prometheus scrapes kubelets/);
    }
  });
});
