import type { Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

/** What prod must be: spread over zones, a zone-redundant database (each release adds its own prod rules in the catalog). */
export function stagePolicyRules(env: Environment): Finding[] {
  if (env.stage !== 'prod') return [];
  const out: Finding[] = [];
  const why = 'Production environments';
  if (env.aks.zones.length < 2) {
    out.push(error('PROD_ZONES', ['aks', 'zones'], `${why} span at least 2 availability zones; aks.zones has ${env.aks.zones.length}.`, 'Set aks.zones to [1, 2, 3] (or remove it to get the prod default).'));
  }
  if (env.postgresql.highAvailability !== 'ZoneRedundant') {
    out.push(error('PROD_DB_HA', ['postgresql', 'highAvailability'], `${why} use zone-redundant PostgreSQL; postgresql.highAvailability is ${env.postgresql.highAvailability}.`, 'Set postgresql.highAvailability to ZoneRedundant (the prod default).'));
  }
  if (env.postgresql.sku.startsWith('B_')) {
    out.push(error('PROD_DB_HA', ['postgresql', 'sku'], `${why} cannot use the Burstable SKU ${env.postgresql.sku}: it has no high availability.`, 'Use a General Purpose SKU such as GP_Standard_D2ds_v5.'));
  }
  return out;
}
