import type { Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

/** What prod must be: spread over zones, zone-redundant database, no single web pod, real certificates, backups. */
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
  env.apps.postfacto.forEach((p, i) => {
    if (p.replicas.min < 2) {
      out.push(error('PROD_REPLICAS', ['apps', 'postfacto', i, 'replicas', 'min'], `${why} run at least 2 Postfacto replicas; instance ${p.name} has min ${p.replicas.min}.`, 'Set replicas.min to 2 or more.'));
    }
  });
  if (env.releases.ingressNginx.replicas < 2) {
    out.push(error('PROD_INGRESS_REPLICAS', ['releases', 'ingressNginx', 'replicas'], `${why} run at least 2 ingress controller replicas; releases.ingressNginx.replicas is ${env.releases.ingressNginx.replicas}.`, 'Set releases.ingressNginx.replicas to 2 or more (the prod default is 3).'));
  }
  if (env.releases.certManager.issuer !== 'production') {
    out.push(error('PROD_ISSUER', ['releases', 'certManager', 'issuer'], `${why} use the Let's Encrypt production issuer; browsers do not trust staging certificates.`, 'Set releases.certManager.issuer to production.'));
  }
  if (!env.releases.velero.enabled || env.releases.velero.schedules.length === 0) {
    out.push(error('PROD_BACKUPS', ['releases', 'velero'], `${why} keep Velero backups on with at least one schedule.`, 'Set releases.velero.enabled to true and keep a schedule (the default is daily).'));
  }
  return out;
}
