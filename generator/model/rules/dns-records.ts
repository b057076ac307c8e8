// Who writes the hosts' records: with external-dns off nothing in the cluster does, so every host
// served needs its record made where the zone is managed (by hand, or by that zone's managers).
import { servedHosts } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import { warning, type Finding } from './rule.ts';

/** EXTERNAL_DNS_OFF: releases.externalDns.enabled false while hosts are served. */
export function dnsRecordRules(env: Environment): Finding[] {
  if (env.releases.externalDns.enabled) return [];
  const { apps, platform } = servedHosts(env);
  const hosts = [...new Set([...apps, ...platform].map((h) => h.host))];
  if (hosts.length === 0) return [];
  return [
    warning(
      'EXTERNAL_DNS_OFF',
      ['releases', 'externalDns', 'enabled'],
      `releases.externalDns.enabled is false while ${hosts.length} host${hosts.length === 1 ? ' is' : 's are'} served (${hosts.slice(0, 3).join(', ')}${hosts.length > 3 ? ', …' : ''}): nothing in the cluster writes their records into ${env.dns.zone}.`,
      `Create an A record per host, pointing at the ingress load balancer's address, where ${env.dns.zone} is managed (then acknowledge EXTERNAL_DNS_OFF), or turn external-dns on.`,
    ),
  ];
}
