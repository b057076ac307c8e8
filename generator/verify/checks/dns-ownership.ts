// VERIFY_DNS_OWNERSHIP: external-dns can record that it owns every record it creates. With the TXT
// registry it writes, next to each record, a TXT record whose name its mapper derives from the host
// (kubernetes-sigs/external-dns registry/mapper/mapper.go, ToTXTName, v0.21.0). That TXT record must
// lie in the zone of the record: for a host at the zone apex and a prefix without %{record_type} and
// a final dot, it does not (docs/registry/txt.md), so the record is created once and never owned,
// updated or deleted again.
import { objectId, type Check, type VerifyFinding } from '../types.ts';
import { indexOf } from './model/cluster.ts';
import { at, list, maps, stringMap, text } from './model/data.ts';
import { finding } from './model/finding.ts';
import { containersOf } from './model/pods.ts';

export const DNS_OWNERSHIP = 'VERIFY_DNS_OWNERSHIP';

const RECORD_TYPE = '%{record_type}';
const HOSTNAME_ANNOTATION = 'external-dns.alpha.kubernetes.io/hostname';

/**
 * The name of the TXT record that marks `dns` (of `recordType`) as owned, as external-dns's
 * AffixNameMapper.ToTXTName makes it: the affixes lower-cased with %{record_type} replaced; without
 * %{record_type} in an affix, "<type>-" goes in front of the first label.
 */
export function txtRecordName(dns: string, recordType: string, prefix = '', suffix = ''): string {
  const type = recordType.toLowerCase();
  const affix = (a: string) => a.toLowerCase().replaceAll(RECORD_TYPE, type);
  const dot = dns.indexOf('.');
  const [first, rest] = dot === -1 ? [dns, undefined] : [dns.slice(0, dot), dns.slice(dot + 1)];
  const label = prefix.includes(RECORD_TYPE) || suffix.includes(RECORD_TYPE) ? first : `${type}-${first}`;
  return rest === undefined ? `${affix(prefix)}${label}${affix(suffix)}` : `${affix(prefix)}${label}${affix(suffix)}.${rest}`;
}

const within = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

/** The value of every --flag=value argument of a container. */
const flagValues = (args: readonly string[], flag: string) => args.filter((a) => a.startsWith(`--${flag}=`)).map((a) => a.slice(flag.length + 3));

export const dnsOwnershipCheck: Check = (state) => {
  const index = indexOf(state);
  const out: VerifyFinding[] = [];
  for (const pod of index.pods) {
    for (const { container } of containersOf(pod.spec)) {
      const args = list(container.args).flatMap((a) => text(a) ?? []);
      // external-dns needs --source and --provider; its registry defaults to txt.
      if (flagValues(args, 'source').length === 0 || flagValues(args, 'provider').length === 0) continue;
      if ((flagValues(args, 'registry').at(-1) ?? 'txt') !== 'txt') continue;
      const prefix = flagValues(args, 'txt-prefix').at(-1) ?? '';
      const suffix = flagValues(args, 'txt-suffix').at(-1) ?? '';
      const domains = flagValues(args, 'domain-filter');
      const sources = flagValues(args, 'source');
      for (const { host, from } of hostsOf(index, sources)) {
        // The zone a record goes into: the most specific domain filter that holds it.
        const zone = domains.filter((d) => within(host, d)).sort((a, b) => b.length - a.length)[0];
        if (!zone) continue;
        // Azure load balancers give the ingress an IP: external-dns writes an A record.
        const txt = txtRecordName(host, 'A', prefix, suffix);
        if (within(txt, zone)) continue;
        const affix = prefix ? `--txt-prefix=${prefix}` : suffix ? `--txt-suffix=${suffix}` : 'no --txt-prefix';
        out.push(
          finding(state, pod.source, {
            code: DNS_OWNERSHIP,
            severity: 'error',
            message: `${objectId(pod.source.object)} (external-dns, ${affix}) marks its A record for ${host} (${from}) as owned with the TXT record ${txt}, which lies outside its zone ${zone}: the provider cannot create it, so external-dns never owns that record and never updates or deletes it (a new load balancer IP leaves ${host} pointing at the old one).`,
            hint: `Set releases.externalDns.txtPrefix to a prefix that contains ${RECORD_TYPE} and ends with a dot, such as "extdns-${RECORD_TYPE}." (external-dns docs/registry/txt.md), before the first deploy: changing it later orphans the ownership records.`,
          }),
        );
      }
    }
  }
  return out;
};

/** Hosts external-dns takes from the sources it watches: Ingress rules and TLS hosts, and the hostname annotation on Ingresses and Services. */
function hostsOf(index: ReturnType<typeof indexOf>, sources: readonly string[]): Array<{ host: string; from: string }> {
  const seen = new Map<string, string>();
  const add = (host: string | undefined, from: string) => {
    if (host && !host.startsWith('*') && !seen.has(host)) seen.set(host, from);
  };
  const annotated = (o: { metadata: { annotations?: unknown } }) => (stringMap(o.metadata.annotations)[HOSTNAME_ANNOTATION] ?? '').split(',').map((h) => h.trim().replace(/\.$/, ''));
  if (sources.includes('ingress')) {
    for (const r of index.ofKind('Ingress')) {
      const o = r.object;
      for (const rule of maps(at(o, 'spec', 'rules'))) add(text(rule.host), objectId(o));
      for (const tls of maps(at(o, 'spec', 'tls'))) for (const h of list(tls.hosts)) add(text(h), objectId(o));
      for (const h of annotated(o)) add(h, objectId(o));
    }
  }
  if (sources.includes('service')) for (const r of index.ofKind('Service')) for (const h of annotated(r.object)) add(h, objectId(r.object));
  return [...seen].map(([host, from]) => ({ host, from })).sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}
