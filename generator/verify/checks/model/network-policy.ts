// NetworkPolicy semantics (networking.k8s.io/v1, https://kubernetes.io/docs/concepts/services-networking/network-policies/):
// a pod is isolated for ingress (egress) when some policy in its namespace selects it and lists
// that policyType (policyTypes defaults to Ingress, plus Egress when the policy has egress rules).
// An isolated pod accepts (sends) only what some rule of a selecting policy allows: a rule without
// peers allows every peer, without ports every port; a peer is a podSelector (in the policy's
// namespace), a namespaceSelector (namespaces carry kubernetes.io/metadata.name), both (pods
// matching in matching namespaces), or an ipBlock (with except). A named port is resolved on the
// pod that receives the traffic; endPort widens a numbered port to a range. A connection needs
// both the sender's egress and the receiver's ingress to allow it. Azure Network Policy Manager
// and Cilium (the two network policy engines AKS offers) implement these standard semantics;
// neither applies ipBlock to pod traffic, so an ipBlock here matches only endpoints outside pods.
// A pod on the host network has its node's IP and no pod identity: selectors never match it, and
// an ipBlock covering the node subnet does under Azure NPM but not under Cilium ("Network policies
// can't use ipBlock to allow access to node or pod IPs", AKS, Azure CNI powered by Cilium).
import type { RenderedObject } from '../../types.ts';
import type { ClusterIndex } from './cluster.ts';
import { at, joinAnd, list, map, maps, text } from './data.ts';
import { namedPort, type PodModel } from './pods.ts';
import { matchesSelector } from './selectors.ts';

export type Endpoint = { readonly pod: PodModel } | { readonly cidr: string; readonly label: string };
export type Direction = 'Ingress' | 'Egress';

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** The receiving container's port number (named ports resolved by the caller). */
  readonly port: number;
  readonly protocol: string;
}

export interface Blocked {
  /** Which side denies it: the sender's egress or the receiver's ingress. */
  readonly direction: Direction;
  readonly pod: PodModel;
  /** The policies that isolate that pod in that direction. */
  readonly policies: readonly RenderedObject[];
}

const isPod = (e: Endpoint): e is Extract<Endpoint, { readonly pod: PodModel }> => 'pod' in e;

function policyTypes(policy: RenderedObject): Direction[] {
  const given = list(at(policy.object, 'spec', 'policyTypes')).map(String);
  if (given.length) return given.filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  return at(policy.object, 'spec', 'egress') !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The policies that select the pod and isolate it in that direction. */
export function isolating(index: ClusterIndex, pod: PodModel, direction: Direction): RenderedObject[] {
  return index
    .ofKind('NetworkPolicy')
    .filter((p) => (p.object.metadata.namespace ?? 'default') === pod.namespace && policyTypes(p).includes(direction) && matchesSelector(at(p.object, 'spec', 'podSelector') ?? {}, pod.labels));
}

/** undefined when allowed; otherwise the side that blocks it. */
export function blocked(index: ClusterIndex, c: Connection): Blocked | undefined {
  if (isPod(c.from)) {
    const policies = isolating(index, c.from.pod, 'Egress');
    if (policies.length && !policies.some((p) => maps(at(p.object, 'spec', 'egress')).some((rule) => ruleAllows(index, p, rule, 'to', c.to, c)))) {
      return { direction: 'Egress', pod: c.from.pod, policies };
    }
  }
  if (isPod(c.to)) {
    const policies = isolating(index, c.to.pod, 'Ingress');
    if (policies.length && !policies.some((p) => maps(at(p.object, 'spec', 'ingress')).some((rule) => ruleAllows(index, p, rule, 'from', c.from, c)))) {
      return { direction: 'Ingress', pod: c.to.pod, policies };
    }
  }
  return undefined;
}

function ruleAllows(index: ClusterIndex, policy: RenderedObject, rule: Record<string, unknown>, peersField: 'from' | 'to', peer: Endpoint, c: Connection): boolean {
  const peers = maps(rule[peersField]);
  const ports = maps(rule.ports);
  const peerOk = rule[peersField] === undefined || peers.length === 0 || peers.some((p) => peerMatches(index, policy, p, peer));
  const portOk = rule.ports === undefined || ports.length === 0 || ports.some((p) => portMatches(p, c));
  return peerOk && portOk;
}

function peerMatches(index: ClusterIndex, policy: RenderedObject, peer: Record<string, unknown>, endpoint: Endpoint): boolean {
  if (isPod(endpoint) && at(endpoint.pod.spec, 'hostNetwork') === true) return nodeMatches(index, peer);
  if (peer.ipBlock !== undefined) {
    if (isPod(endpoint)) return false;
    const block = map(peer.ipBlock);
    const cidr = text(block.cidr);
    return cidr !== undefined && cidrContains(cidr, endpoint.cidr) && !list(block.except).some((e) => cidrOverlaps(String(e), endpoint.cidr));
  }
  if (!isPod(endpoint)) return false;
  const { pod } = endpoint;
  const podSelector = peer.podSelector;
  const namespaceSelector = peer.namespaceSelector;
  if (namespaceSelector === undefined && podSelector === undefined) return false;
  const inNamespace = namespaceSelector === undefined ? pod.namespace === (policy.object.metadata.namespace ?? 'default') : matchesSelector(namespaceSelector, index.namespaceLabels(pod.namespace));
  return inNamespace && (podSelector === undefined || matchesSelector(podSelector, pod.labels));
}

/** Whether a peer admits a host-network pod, i.e. its node's address in the cluster's node subnet. */
function nodeMatches(index: ClusterIndex, peer: Record<string, unknown>): boolean {
  const { network, aks } = index.state.environment;
  if (peer.ipBlock === undefined || aks.network.policy === 'cilium') return false;
  const block = map(peer.ipBlock);
  const cidr = text(block.cidr);
  return cidr !== undefined && cidrContains(cidr, network.aksSubnet) && !list(block.except).some((e) => cidrOverlaps(String(e), network.aksSubnet));
}

function portMatches(port: Record<string, unknown>, c: Connection): boolean {
  const protocol = text(port.protocol) ?? 'TCP';
  if (protocol !== c.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') {
    const end = typeof port.endPort === 'number' ? port.endPort : port.port;
    return c.port >= port.port && c.port <= end;
  }
  // A named port means the receiving pod's container port of that name.
  if (!isPod(c.to)) return false;
  const named = namedPort(c.to.pod, String(port.port));
  return named !== undefined && named.port === c.port && named.protocol === c.protocol;
}

// ---------------------------------------------------------------- IPv4 ranges

function range(cidr: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(cidr.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const bits = match[5] === undefined ? 32 : Number(match[5]);
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = Math.floor(address / size) * size;
  return [start, start + size - 1];
}

/** outer covers all of inner. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = range(outer);
  const i = range(inner);
  return o !== undefined && i !== undefined && o[0] <= i[0] && i[1] <= o[1];
}

export function cidrOverlaps(a: string, b: string): boolean {
  const x = range(a);
  const y = range(b);
  return x !== undefined && y !== undefined && x[0] <= y[1] && y[0] <= x[1];
}

/** "NetworkPolicy ns/a", "NetworkPolicies ns/a and ns/b" */
export const policyNames = (policies: readonly RenderedObject[]) =>
  `${policies.length === 1 ? 'NetworkPolicy' : 'NetworkPolicies'} ${joinAnd(policies.map((p) => `${p.object.metadata.namespace ?? 'default'}/${p.object.metadata.name}`))}`;
