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
  if (overlaps(pod, vnet)) {
    out.push(error('POD_CIDR_OVERLAP', ['aks', 'network', 'podCidr'], `aks.network.podCidr ${k.podCidr} overlaps the VNet ${n.vnetCidr}.`, 'Pick a pod range outside the VNet, such as 192.168.0.0/16.'));
  }
  if (overlaps(svc, vnet)) {
    out.push(error('SERVICE_CIDR_OVERLAP', ['aks', 'network', 'serviceCidr'], `aks.network.serviceCidr ${k.serviceCidr} overlaps the VNet ${n.vnetCidr}.`, 'Pick a service range outside the VNet, such as 172.16.0.0/16.'));
  }
  if (overlaps(svc, pod)) {
    out.push(error('SERVICE_CIDR_OVERLAP', ['aks', 'network', 'serviceCidr'], `aks.network.serviceCidr ${k.serviceCidr} overlaps the pod range ${k.podCidr}.`, 'Keep pod and service ranges apart.'));
  }
  if (!containsIp(svc, k.dnsServiceIp)) {
    out.push(error('DNS_SERVICE_IP_OUTSIDE', ['aks', 'network', 'dnsServiceIp'], `aks.network.dnsServiceIp ${k.dnsServiceIp} lies outside the service range ${k.serviceCidr}.`, `Use an address inside ${k.serviceCidr}, such as the tenth one.`));
  } else if (ipToNumber(k.dnsServiceIp) === svc.start) {
    out.push(error('DNS_SERVICE_IP_OUTSIDE', ['aks', 'network', 'dnsServiceIp'], `aks.network.dnsServiceIp ${k.dnsServiceIp} is the first address of ${k.serviceCidr}, which Kubernetes reserves for the API server.`, 'Use the tenth address of the service range.'));
  }

  if (k.plugin === 'kubenet') {
    if (k.mode === 'overlay') out.push(error('AKS_NETWORK_MODE', ['aks', 'network', 'mode'], 'Overlay mode works only with the azure network plugin, not kubenet.', 'Remove aks.network.mode or set aks.network.plugin to azure.'));
    if (k.policy !== 'calico') out.push(error('AKS_NETWORK_POLICY', ['aks', 'network', 'policy'], `Network policy ${k.policy} needs the azure plugin; kubenet supports only calico.`, 'Set aks.network.policy to calico, or use the azure plugin.'));
    out.push(warning('AKS_KUBENET_RETIRING', ['aks', 'network', 'plugin'], 'AKS retires kubenet networking; new clusters should use Azure CNI overlay.', 'Set aks.network.plugin to azure (the default).'));
  }
  if (k.policy === 'azure') {
    out.push(warning('AKS_NPM_RETIRING', ['aks', 'network', 'policy'], 'Azure Network Policy Manager is being retired in favour of Cilium; a cluster on it must move later.', 'Set aks.network.policy to cilium (the default): Azure CNI powered by Cilium enforces the same NetworkPolicies.'));
  }
  return out;
}
