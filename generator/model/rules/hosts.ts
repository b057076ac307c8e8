import { servedHosts } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

/** Every host is the zone apex or lies inside the zone (external-dns manages only that zone), and is used once. */
export function hostRules(env: Environment): Finding[] {
  const zone = env.dns.zone;
  const { apps, platform } = servedHosts(env);
  const out: Finding[] = [...apps, ...platform]
    .filter(({ host }) => host !== zone && !host.endsWith(`.${zone}`))
    .map(({ host, path }) =>
      error('HOST_OUTSIDE_ZONE', path, `Host ${host} is not inside the DNS zone ${zone}.`, `Use a name ending in .${zone}, such as ${host.split('.')[0]}.${zone}.`),
    );
  // An app kind compares its instances' hosts among themselves; here a platform host against all.
  for (const p of platform) {
    const taken = [...apps, ...platform.filter((o) => o !== p && platform.indexOf(o) < platform.indexOf(p))].find((o) => o.host === p.host);
    if (taken) out.push(error('DUPLICATE_HOST', p.path, `${p.label} uses host ${p.host}, which ${taken.label} uses too.`, `Give ${p.label} its own host, such as ${p.label.toLowerCase().replace(/\s+/g, '-')}.${zone}.`));
  }
  return out;
}
