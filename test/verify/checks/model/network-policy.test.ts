// NetworkPolicy semantics as the API documents them (networking.k8s.io/v1 NetworkPolicySpec,
// https://kubernetes.io/docs/concepts/services-networking/network-policies/): one connection at a time.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../generator/catalog/types.ts';
import { indexOf } from '../../../../generator/verify/checks/model/cluster.ts';
import { blocked, cidrContains, cidrOverlaps, type Endpoint } from '../../../../generator/verify/checks/model/network-policy.ts';
import { clusterState, deployment, namespace, networkPolicy } from '../helpers/state.ts';

const client = deployment('a', 'client', { app: 'client' });
const server = deployment('b', 'server', { app: 'server' }, { containers: [{ name: 's', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] });
const serverPolicy = (spec: Record<string, unknown>) => networkPolicy('b', 'p', { podSelector: { matchLabels: { app: 'server' } }, ...spec });
const clientPolicy = (spec: Record<string, unknown>) => networkPolicy('a', 'p', { podSelector: {}, ...spec });

/** Is client → server (or → cidr) on port/protocol allowed under these policies? */
function allowed(policies: KubeObject[], port = 8080, protocol = 'TCP', to?: string): boolean {
  const index = indexOf(clusterState([namespace('a'), { ...namespace('b'), metadata: { name: 'b', labels: { team: 'server' } } }, client, server, ...policies]));
  const pod = (name: string) => index.pods.find((p) => p.source.object.metadata.name === name)!;
  const target: Endpoint = to ? { cidr: to, label: to } : { pod: pod('server') };
  return blocked(index, { from: { pod: pod('client') }, to: target, port, protocol }) === undefined;
}

const fromA = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } };

describe('NetworkPolicy semantics', () => {
  it.each([
    ['no policy: nothing isolated', [], true],
    ['a policy with no rules isolates for ingress', [serverPolicy({})], false],
    ['an egress-only policy does not isolate for ingress', [serverPolicy({ policyTypes: ['Egress'] })], true],
    ['a rule without from or ports allows all', [serverPolicy({ ingress: [{}] })], true],
    ['a peer by namespace (kubernetes.io/metadata.name)', [serverPolicy({ ingress: [{ from: [fromA] }] })], true],
    ['a podSelector alone means the policy namespace', [serverPolicy({ ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] })], false],
    ['namespace and pod selector in one peer: both', [serverPolicy({ ingress: [{ from: [{ ...fromA, podSelector: { matchLabels: { app: 'client' } } }] }] })], true],
    ['namespace and pod selector in one peer: both must match', [serverPolicy({ ingress: [{ from: [{ ...fromA, podSelector: { matchLabels: { app: 'other' } } }] }] })], false],
    ['a port by number', [serverPolicy({ ingress: [{ from: [fromA], ports: [{ port: 8080 }] }] })], true],
    ['a port by name, resolved on the receiving pod', [serverPolicy({ ingress: [{ from: [fromA], ports: [{ port: 'http' }] }] })], true],
    ['another port name', [serverPolicy({ ingress: [{ from: [fromA], ports: [{ port: 'dns' }] }] })], false],
    ['a port range with endPort', [serverPolicy({ ingress: [{ from: [fromA], ports: [{ port: 8000, endPort: 8100 }] }] })], true],
    ['the protocol defaults to TCP and must match', [serverPolicy({ ingress: [{ from: [fromA], ports: [{ port: 8080, protocol: 'UDP' }] }] })], false],
    ['ipBlock never matches pods', [serverPolicy({ ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], false],
    ['egress: a policy with egress rules and no policyTypes isolates for egress', [clientPolicy({ egress: [{ to: [{ podSelector: { matchLabels: { app: 'x' } } }] }] })], false],
    ['egress: both sides must allow', [clientPolicy({ policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'server' } } }] }] }), serverPolicy({})], false],
    ['egress and ingress both allowing', [clientPolicy({ policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'server' } } }] }] }), serverPolicy({ ingress: [{ from: [fromA] }] })], true],
  ] as const)('%s', (_, policies, expected) => {
    expect(allowed([...policies])).toBe(expected);
  });

  it('matches an ipBlock destination that covers the whole target range, minus except', () => {
    const egress = (ipBlock: Record<string, unknown>) => [clientPolicy({ policyTypes: ['Egress'], egress: [{ to: [{ ipBlock }], ports: [{ port: 5432 }] }] })];
    expect(allowed(egress({ cidr: '10.60.0.0/16' }), 5432, 'TCP', '10.60.16.0/24')).toBe(true);
    expect(allowed(egress({ cidr: '10.60.16.0/25' }), 5432, 'TCP', '10.60.16.0/24')).toBe(false);
    expect(allowed(egress({ cidr: '10.60.0.0/16', except: ['10.60.16.128/25'] }), 5432, 'TCP', '10.60.16.0/24')).toBe(false);
    expect(allowed(egress({ cidr: '10.60.0.0/16' }), 5433, 'TCP', '10.60.16.0/24')).toBe(false);
  });

  it('compares IPv4 ranges', () => {
    expect(cidrContains('10.0.0.0/8', '10.1.2.0/24')).toBe(true);
    expect(cidrContains('10.1.2.0/24', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('10.1.2.3/24', '10.1.2.128/25')).toBe(true);
    expect(cidrOverlaps('10.1.0.0/16', '10.1.255.0/24')).toBe(true);
    expect(cidrOverlaps('10.1.0.0/16', '10.2.0.0/16')).toBe(false);
  });
});
