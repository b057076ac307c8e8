import type { Environment } from '../environment.ts';
import { error, warning, type Finding } from './rule.ts';

/** Facts worth knowing that do not block (warnings), and combinations Azure refuses (errors). */
export function advisoryRules(env: Environment): Finding[] {
  const out: Finding[] = [];
  if (env.postgresql.sku.startsWith('B_') && env.postgresql.highAvailability !== 'Disabled') {
    out.push(error('PG_HA_SKU', ['postgresql', 'highAvailability'], `High availability is not available on the Burstable SKU ${env.postgresql.sku}.`, 'Use a General Purpose SKU or set postgresql.highAvailability to Disabled.'));
  }
  if (env.postgresql.highAvailability === 'ZoneRedundant' && env.aks.zones.length < 2) {
    out.push(warning('PG_ZONES', ['postgresql', 'highAvailability'], 'The database is zone-redundant but the cluster runs in one zone.', 'Spread aks.zones over two or more zones to survive a zone outage end to end.'));
  }
  return out;
}
