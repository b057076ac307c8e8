// A zone managed elsewhere (dns.existing): the dns stack only looks it up, so nothing about how the
// zone is created or delegated may be said beside it, and no environment of the fleet may take a
// zone that another one creates (that one's dns stack would lock, delegate and, on destroy, delete it
// under this environment's records).
import type { Environment } from '../environment.ts';
import type { FleetFinding } from './fleet.ts';
import { error, type Finding } from './rule.ts';

/** DNS_EXISTING_CONFLICT: an existing zone takes no parent and no azure.names.dnsResourceGroup. */
export function dnsExistingRules(env: Environment): Finding[] {
  if (env.dns.mode !== 'existing') return [];
  const out: Finding[] = [];
  if (env.dns.parent) {
    out.push(
      error(
        'DNS_EXISTING_CONFLICT',
        ['dns', 'parent'],
        `dns.parent asks the dns stack to delegate ${env.dns.zone} from ${env.dns.parent.zone}, but dns.existing says the zone is managed elsewhere: its managers delegate it, and this environment's stacks never write into the parent zone.`,
        'Remove dns.parent (ask the zone\'s managers for the delegation), or remove dns.existing to let this environment create and delegate its own zone.',
      ),
    );
  }
  if (env.names.given.includes('dnsResourceGroup')) {
    out.push(
      error(
        'DNS_EXISTING_CONFLICT',
        ['azure', 'names', 'dnsResourceGroup'],
        `azure.names.dnsResourceGroup names the resource group the dns stack would create for the zone, but dns.existing says the zone already is in ${env.names.dnsResourceGroup}: no group is created.`,
        'Remove azure.names.dnsResourceGroup; dns.existing.resourceGroup says where the zone is.',
      ),
    );
  }
  return out;
}

/**
 * DNS_EXISTING_OWNER: a zone another environment of the fleet creates (dns mode owned) is not taken as
 * existing. That environment's dns stack owns it: it locks it, writes its delegations and deletes it on
 * destroy, and its external-dns owns the records. A subzone delegated from it (dns.parent) is the way
 * to share it.
 */
export function dnsExistingFleetRules(environments: readonly Environment[]): FleetFinding[] {
  return environments.flatMap((env): FleetFinding[] => {
    if (env.dns.mode !== 'existing') return [];
    const owner = environments.find((e) => e !== env && e.dns.mode === 'owned' && e.dns.zone === env.dns.zone);
    if (!owner) return [];
    return [
      {
        environment: env,
        finding: error(
          'DNS_EXISTING_OWNER',
          ['dns', 'existing'],
          `Environment ${owner.name} (${owner.source}) creates the zone ${env.dns.zone} that ${env.name} takes as existing: ${owner.name}'s dns stack locks it, delegates from it and deletes it on destroy, and its external-dns owns the records in it.`,
          `Give ${env.name} a zone of its own delegated from ${owner.name}'s: dns.zone ${env.name}.${env.dns.zone} with dns.parent { zone: ${env.dns.zone}, resourceGroup: ${owner.names.dnsResourceGroup} }, and no dns.existing.`,
        ),
      },
    ];
  });
}
