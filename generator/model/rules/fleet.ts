// Rules between environments: what one environment file says about another's resources.
import type { Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

/** A finding about one environment of the fleet. */
export interface FleetFinding {
  readonly environment: Environment;
  readonly finding: Finding;
}

export function fleetRules(environments: readonly Environment[]): FleetFinding[] {
  return [...duplicateZones(environments), ...parentZoneOwners(environments)];
}

/** Two environments never manage one DNS zone. */
function duplicateZones(environments: readonly Environment[]): FleetFinding[] {
  const owner = new Map<string, Environment>();
  const out: FleetFinding[] = [];
  for (const env of environments) {
    const first = owner.get(env.dns.zone);
    if (!first) {
      owner.set(env.dns.zone, env);
      continue;
    }
    out.push({
      environment: env,
      finding: error('FLEET_DUPLICATE_ZONE', ['dns', 'zone'], `DNS zone ${env.dns.zone} is also managed by environment ${first.name} (${first.source}).`, 'Give each environment its own zone, for example a subdomain per environment.'),
    });
  }
  return out;
}

/**
 * When another environment manages the parent zone, the delegation must point at where that
 * environment creates it: its DNS resource group, in its subscription. Its dns stack is applied first.
 */
function parentZoneOwners(environments: readonly Environment[]): FleetFinding[] {
  return environments.flatMap((env): FleetFinding[] => {
    const parent = env.dns.parent;
    const owner = parent && environments.find((e) => e !== env && e.dns.zone === parent.zone);
    if (!parent || !owner) return [];
    const out: FleetFinding[] = [];
    const where = `Environment ${owner.name} (${owner.source}) manages the parent zone ${parent.zone}`;
    if (parent.resourceGroup !== owner.names.dnsResourceGroup) {
      out.push({
        environment: env,
        finding: error('DNS_PARENT_OWNER', ['dns', 'parent', 'resourceGroup'], `${where} in resource group ${owner.names.dnsResourceGroup}, not ${parent.resourceGroup}: the NS delegation would not find it.`, `Set dns.parent.resourceGroup to ${owner.names.dnsResourceGroup}, and apply ${owner.name}'s dns stack first.`),
      });
    }
    if (parent.subscriptionId !== owner.azure.subscriptionId) {
      out.push({
        environment: env,
        finding: error('DNS_PARENT_OWNER', ['dns', 'parent', 'subscriptionId'], `${where} in subscription ${owner.azure.subscriptionId}, not ${parent.subscriptionId}.`, `Set dns.parent.subscriptionId to ${owner.azure.subscriptionId}.`),
      });
    }
    return out;
  });
}
