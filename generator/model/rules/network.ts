import type { Environment } from '../environment.ts';
import { contains, containsIp, hasHostBits, ipToNumber, overlaps, parseCidr } from './ipv4.ts';
import { error, warning, type Finding } from './rule.ts';

/** Subnets inside the VNet and apart; pod and service ranges apart from the VNet and each other. */
export function networkRules(env: Environment): Finding[] {
  const out: Finding[] = [];
  const n = env.network;
  const k = env.aks.network;
  const cidrs: Array<[string, readonly PropertyKey[]]> = [
    [n.vnetCidr, ['network', 'vnetCidr']],
    [n.aksSubnet, ['network', 'subnets', 'aks']],
    [n.postgresqlSubnet, ['network', 'subnets', 'postgresql']],
    [k.podCidr, ['aks', 'network', 'podCidr']],
    [k.serviceCidr, ['aks', 'network', 'serviceCidr']],
    ...env.aks.apiServerAuthorizedRanges.map((r, i): [string, readonly PropertyKey[]] => [r, ['aks', 'apiServer', 'authorizedRanges', i]]),
  ];
  for (const [cidr, path] of cidrs) {
    if (hasHostBits(cidr)) {
      const { start, prefix } = parseCidr(cidr);
      const aligned = `${[24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join('.')}/${prefix}`;
      out.push(error('CIDR_NOT_ALIGNED', path, `${cidr} has host bits set after the /${prefix} prefix.`, `Use the network address: ${aligned}.`));
    }
  }

  const vnet = parseCidr(n.vnetCidr);
  const aks = parseCidr(n.aksSubnet);
  const pg = parseCidr(n.postgresqlSubnet);
  const pod = parseCidr(k.podCidr);
  const svc = parseCidr(k.serviceCidr);

  for (const [range, cidr, key] of [
    [aks, n.aksSubnet, 'aks'],
    [pg, n.postgresqlSubnet, 'postgresql'],
  ] as const) {
    if (!contains(vnet, range)) {
      out.push(error('SUBNET_OUTSIDE_VNET', ['network', 'subnets', key], `Subnet network.subnets.${key} (${cidr}) lies outside the VNet ${n.vnetCidr}.`, `Pick a range inside ${n.vnetCidr} or widen network.vnetCidr.`));
    }
  }
  if (overlaps(aks, pg)) {
    out.push(error('SUBNET_OVERLAP', ['network', 'subnets', 'postgresql'], `Subnets aks (${n.aksSubnet}) and postgresql (${n.postgresqlSubnet}) overlap.`, 'Give each subnet its own range inside the VNet.'));
  }
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
  return out;
}
