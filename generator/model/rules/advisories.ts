import type { Environment } from '../environment.ts';
import { error, warning, type Finding } from './rule.ts';

/** Facts worth knowing that do not block (warnings), and combinations Azure refuses (errors). */
export function advisoryRules(env: Environment): Finding[] {
  const out: Finding[] = [
    warning('INGRESS_NGINX_RETIRED', ['releases', 'ingressNginx'], 'ingress-nginx is retired upstream: no releases or security fixes since March 2026.', 'Slipway keeps it for now; plan a move to a Gateway API implementation.'),
  ];
  if (env.postgresql.sku.startsWith('B_') && env.postgresql.highAvailability !== 'Disabled') {
    out.push(error('PG_HA_SKU', ['postgresql', 'highAvailability'], `High availability is not available on the Burstable SKU ${env.postgresql.sku}.`, 'Use a General Purpose SKU or set postgresql.highAvailability to Disabled.'));
  }
  if (env.postgresql.highAvailability === 'ZoneRedundant' && env.aks.zones.length < 2) {
    out.push(warning('PG_ZONES', ['postgresql', 'highAvailability'], 'The database is zone-redundant but the cluster runs in one zone.', 'Spread aks.zones over two or more zones to survive a zone outage end to end.'));
  }
  const monitoring = env.releases.monitoring;
  if (monitoring.receivers.some((r) => r.type === 'email') && !monitoring.smtp) {
    out.push(error('MONITORING_SMTP', ['releases', 'monitoring', 'receivers'], 'E-mail receivers need a mail server, and releases.monitoring.smtp is not set.', 'Add releases.monitoring.smtp with smarthost, from and username; the password goes into the key vault secret alertmanager-smtp-password.'));
  }
  if (env.stage !== 'prod' && env.releases.certManager.issuer === 'production') {
    out.push(warning('ISSUER_RATE_LIMIT', ['releases', 'certManager', 'issuer'], `A ${env.stage} environment uses the Let's Encrypt production issuer, which has strict rate limits.`, 'Use the staging issuer outside prod unless browsers must trust the certificates.'));
  }
  return out;
}
