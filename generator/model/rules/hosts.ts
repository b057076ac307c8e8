import type { Environment } from '../environment.ts';
import { duplicates, error, type Finding } from './rule.ts';

/** Every host is the zone apex or lies inside the zone (external-dns manages only that zone), and is used once. */
export function hostRules(env: Environment): Finding[] {
  const zone = env.dns.zone;
  const hosts: Array<{ host: string; path: readonly PropertyKey[] }> = [
    ...env.apps.postfacto.map((p, i) => ({ host: p.host, path: ['apps', 'postfacto', i, 'host'] })),
    { host: env.releases.monitoring.grafanaHost, path: ['releases', 'monitoring', 'grafanaHost'] },
  ];
  const out: Finding[] = hosts
    .filter(({ host }) => host !== zone && !host.endsWith(`.${zone}`))
    .map(({ host, path }) =>
      error('HOST_OUTSIDE_ZONE', path, `Host ${host} is not inside the DNS zone ${zone}.`, `Use a name ending in .${zone}, such as ${host.split('.')[0]}.${zone}.`),
    );
  // Instance hosts are compared among themselves in apps.ts; here Grafana against the instances.
  const grafana = hosts.at(-1)!;
  for (const d of duplicates(hosts, (h) => h.host)) {
    if (d.item === grafana) out.push(error('DUPLICATE_HOST', grafana.path, `Grafana uses host ${grafana.host}, which a Postfacto instance uses too.`, `Give Grafana its own host, such as grafana.${zone}.`));
  }
  return out;
}
