import type { Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

/** A delegating parent zone must be a proper suffix of the zone. */
export function dnsRules(env: Environment): Finding[] {
  const parent = env.dns.parent;
  if (!parent || env.dns.zone.endsWith(`.${parent.zone}`)) return [];
  return [
    error('DNS_PARENT_NOT_SUFFIX', ['dns', 'parent', 'zone'], `Parent zone ${parent.zone} does not contain ${env.dns.zone}; NS delegation is only possible from an enclosing zone.`, `Use the zone one level up, such as ${env.dns.zone.split('.').slice(1).join('.')}.`),
  ];
}
