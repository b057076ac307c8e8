import type { EnvironmentInput } from '../../../schema/environment.ts';
import type { Environment } from '../environment.ts';
import { containsIp, formatCidr, hasHostBits, ipToNumber, overlaps, parseCidr } from './ipv4.ts';
import { error, warning, type Finding } from './rule.ts';

/** CIDRs at their network address; pod and service ranges apart from the VNet and each other; plugin combinations AKS accepts. */
export function networkRules(env: Environment, input: EnvironmentInput): Finding[] {
  const out: Finding[] = [];
  const n = env.network;
  const k = env.aks.network;
  const given = input.network?.subnets;
  const cidrs: Array<[string, readonly PropertyKey[]]> = [
    [n.vnetCidr, ['network', 'vnetCidr']],
    // A derived subnet starts at a block boundary of the VNet's network address: only written ones can be misaligned.
    ...(given?.aks !== undefined ? [[n.aksSubnet, ['network', 'subnets', 'aks']] as [string, readonly PropertyKey[]]] : []),
    ...(given?.postgresql !== undefined ? [[n.postgresqlSubnet, ['network', 'subnets', 'postgresql']] as [string, readonly PropertyKey[]]] : []),
    ...(n.podSubnet !== null ? [[n.podSubnet, ['network', 'subnets', 'pods']] as [string, readonly PropertyKey[]]] : []),
    [k.podCidr, ['aks', 'network', 'podCidr']],
    [k.serviceCidr, ['aks', 'network', 'serviceCidr']],
    ...env.aks.apiServerAuthorizedRanges.map((r, i): [string, readonly PropertyKey[]] => [r, ['aks', 'apiServer', 'authorizedRanges', i]]),
  ];
  for (const [cidr, path] of cidrs) {
    if (hasHostBits(cidr)) {
      const { start, prefix } = parseCidr(cidr);
      out.push(error('CIDR_NOT_ALIGNED', path, `${cidr} has host bits set after the /${prefix} prefix.`, `Use the network address: ${formatCidr(start, prefix)}.`));
    }
  }

  const vnet = parseCidr(n.vnetCidr);
  const pod = parseCidr(k.podCidr);
  const svc = parseCidr(k.serviceCidr);
  // With a pod subnet the overlay range is not used: pods take VNet addresses (subnets.ts checks them).
  const overlay = k.mode !== 'pod-subnet';
  if (overlay && overlaps(pod, vnet)) {
    out.push(error('POD_CIDR_OVERLAP', ['aks', 'network', 'podCidr'], `aks.network.podCidr ${k.podCidr} overlaps the VNet ${n.vnetCidr}.`, 'Pick a pod range outside the VNet, such as 192.168.0.0/16.'));
  }
  if (overlaps(svc, vnet)) {
    out.push(error('SERVICE_CIDR_OVERLAP', ['aks', 'network', 'serviceCidr'], `aks.network.serviceCidr ${k.serviceCidr} overlaps the VNet ${n.vnetCidr}.`, 'Pick a service range outside the VNet, such as 172.16.0.0/16.'));
  }
  if (n.podSubnet !== null && overlaps(svc, parseCidr(n.podSubnet))) {
    out.push(error('SERVICE_CIDR_OVERLAP', ['aks', 'network', 'serviceCidr'], `aks.network.serviceCidr ${k.serviceCidr} overlaps the pod subnet ${n.podSubnet}.`, 'Keep the pod subnet and the service range apart.'));
  }
  if (overlay && overlaps(svc, pod)) {
    out.push(error('SERVICE_CIDR_OVERLAP', ['aks', 'network', 'serviceCidr'], `aks.network.serviceCidr ${k.serviceCidr} overlaps the pod range ${k.podCidr}.`, 'Keep pod and service ranges apart.'));
  }
  if (!containsIp(svc, k.dnsServiceIp)) {
    out.push(error('DNS_SERVICE_IP_OUTSIDE', ['aks', 'network', 'dnsServiceIp'], `aks.network.dnsServiceIp ${k.dnsServiceIp} lies outside the service range ${k.serviceCidr}.`, `Use an address inside ${k.serviceCidr}, such as the tenth one.`));
  } else if (ipToNumber(k.dnsServiceIp) === svc.start) {
    out.push(error('DNS_SERVICE_IP_OUTSIDE', ['aks', 'network', 'dnsServiceIp'], `aks.network.dnsServiceIp ${k.dnsServiceIp} is the first address of ${k.serviceCidr}, which Kubernetes reserves for the API server.`, 'Use the tenth address of the service range.'));
  }

  if (k.plugin === 'kubenet') {
    if (k.mode !== null) out.push(error('AKS_NETWORK_MODE', ['aks', 'network', 'mode'], `Mode ${k.mode} works only with the azure network plugin, not kubenet.`, 'Remove aks.network.mode or set aks.network.plugin to azure.'));
    if (k.policy !== 'calico') out.push(error('AKS_NETWORK_POLICY', ['aks', 'network', 'policy'], `Network policy ${k.policy} needs the azure plugin; kubenet supports only calico.`, 'Set aks.network.policy to calico, or use the azure plugin.'));
    out.push(warning('AKS_KUBENET_RETIRING', ['aks', 'network', 'plugin'], 'AKS retires kubenet networking; new clusters should use Azure CNI overlay.', 'Set aks.network.plugin to azure (the default).'));
  }
  out.push(...podSubnetRules(env, input));
  if (k.policy === 'azure') {
    out.push(warning('AKS_NPM_RETIRING', ['aks', 'network', 'policy'], 'Azure Network Policy Manager is being retired in favour of Cilium; a cluster on it must move later.', 'Set aks.network.policy to cilium (the default): Azure CNI powered by Cilium enforces the same NetworkPolicies.'));
  }
  return out;
}

/** Azure keeps the first four addresses and the last of every subnet (virtual-networks-faq). */
const AZURE_RESERVED = 5;
/** AKS's pods per node with a pod subnet when maxPods is not set (AKS azure-cni-overview: 30 for Azure CNI). */
const POD_SUBNET_DEFAULT_MAX_PODS = 30;

/**
 * A pod subnet (Azure CNI with dynamic IP allocation, AKS configure-azure-cni-dynamic-ip-allocation)
 * exists exactly when mode pod-subnet is chosen, and holds every pod of every pool at its maximum
 * during an upgrade (each pool surges by 33%); the overlay range is then unused.
 */
function podSubnetRules(env: Environment, input: EnvironmentInput): Finding[] {
  const out: Finding[] = [];
  const k = env.aks.network;
  const pods = env.network.podSubnet;
  if (k.mode === 'pod-subnet' && pods === null) {
    out.push(error('AKS_POD_SUBNET', ['aks', 'network', 'mode'], 'aks.network.mode pod-subnet needs network.subnets.pods: the subnet the pods take their addresses from.', 'Set network.subnets.pods to a free range inside the VNet, such as 10.40.32.0/19.'));
  }
  if (k.mode !== 'pod-subnet' && pods !== null) {
    out.push(error('AKS_POD_SUBNET', ['network', 'subnets', 'pods'], `network.subnets.pods is set but aks.network.mode is ${k.mode ?? 'unset (kubenet)'}: pods would not use it.`, 'Set aks.network.mode to pod-subnet, or remove network.subnets.pods.'));
  }
  if (k.mode === 'pod-subnet' && input.aks.network?.podCidr !== undefined) {
    out.push(error('AKS_POD_SUBNET', ['aks', 'network', 'podCidr'], 'aks.network.podCidr is the overlay range; with mode pod-subnet the pods take addresses from network.subnets.pods instead.', 'Remove aks.network.podCidr.'));
  }
  if (k.mode === 'pod-subnet' && pods !== null) {
    const { prefix } = parseCidr(pods);
    const usable = 2 ** (32 - prefix) - AZURE_RESERVED;
    const need = env.aks.nodePools.reduce((sum, p) => sum + (p.max + Math.ceil(p.max * 0.33)) * (p.maxPods ?? POD_SUBNET_DEFAULT_MAX_PODS), 0);
    if (need > usable) {
      const fit = 32 - Math.ceil(Math.log2(need + AZURE_RESERVED));
      out.push(
        error(
          'AKS_POD_SUBNET_SIZE',
          ['network', 'subnets', 'pods'],
          `network.subnets.pods ${pods} has ${usable} usable addresses, but the pools need ${need} at their maximum node counts during an upgrade (nodes times maxPods, every pool surging by 33%).`,
          `Widen network.subnets.pods to a /${fit} or larger, or lower the pools' max or maxPods.`,
        ),
      );
    }
  }
  return out;
}
