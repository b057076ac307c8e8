import { z } from 'zod';
import { azureName } from './azure-names.ts';
import { chartVersion, dnsLabel, duration, email, hostname } from './common.ts';

const chartVersionOverride = chartVersion.optional().describe('Pin a different chart version than the catalog default.');

/** Velero TTLs are Go durations in hours, e.g. 720h for 30 days. */
const ttl = z.string().regex(/^\d+h(\d+m)?(\d+s)?$/, 'Use a duration in hours such as 720h (30 days).');
const cron = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'Use a five-field cron expression such as "0 2 * * *".');

const veleroSchedule = z.strictObject({
  name: dnsLabel.describe('Schedule name.'),
  schedule: cron.describe('Cron expression (UTC).'),
  ttl: ttl.optional().describe('How long backups are kept. Default: 720h.'),
  includedNamespaces: z.array(dnsLabel).optional().describe('Namespaces to back up. Default: all.'),
});

const receiver = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('email'), name: dnsLabel, to: email }),
  z.strictObject({
    type: z.literal('slack'),
    name: dnsLabel,
    channel: z.string().regex(/^#[-\w]+$/, 'Use a channel such as #alerts.'),
  }),
  z.strictObject({ type: z.literal('webhook'), name: dnsLabel }),
]);

export const releasesSchema = z
  .strictObject({
    ingressNginx: z
      .strictObject({
        chartVersion: chartVersionOverride,
        replicas: z.int().min(1).max(20).optional().describe('Controller replicas. Default: 3 in prod, 1 otherwise.'),
      })
      .optional(),
    certManager: z
      .strictObject({
        chartVersion: chartVersionOverride,
        email: email.describe("Let's Encrypt account e-mail."),
        issuer: z.enum(['staging', 'production']).optional().describe("Let's Encrypt issuer. Default: production in prod, staging otherwise."),
        solver: z.enum(['http01', 'dns01']).optional().describe('ACME challenge: http01 through the ingress class, dns01 through Azure DNS. Default: http01.'),
      })
      .describe('cert-manager and the ACME ClusterIssuers.'),
    externalDns: z
      .strictObject({
        chartVersion: chartVersionOverride,
        policy: z.enum(['upsert-only', 'sync']).optional().describe('upsert-only never deletes records; sync also deletes. Default: upsert-only.'),
      })
      .optional(),
    velero: z
      .strictObject({
        chartVersion: chartVersionOverride,
        enabled: z.boolean().optional().describe('Back up the cluster with Velero. Default: true.'),
        storageAccount: azureName('storageAccount').optional().describe('Backup storage account outside the cluster. Default: st<name>bkp.'),
        schedules: z.array(veleroSchedule).optional().describe('Backup schedules. Default: daily at 02:00 UTC, kept 720h.'),
      })
      .optional(),
    monitoring: z
      .strictObject({
        chartVersion: chartVersionOverride,
        retention: z.string().regex(/^\d+(h|d|w|y)$/, 'Use a Prometheus retention such as 15d.').optional().describe('Prometheus retention. Default: 30d in prod, 7d otherwise.'),
        storageSize: z.string().regex(/^\d+(Gi|Ti)$/, 'Use a size such as 50Gi.').optional().describe('Prometheus volume size. Default: 50Gi in prod, 20Gi otherwise.'),
        grafanaHost: hostname.optional().describe('Host for Grafana (inside the zone). Default: grafana.<zone>.'),
        receivers: z.array(receiver).optional().describe('Alertmanager receivers. Credentials and URLs come from Key Vault, never from this file.'),
        smtp: z
          .strictObject({
            smarthost: z.string().regex(/^[a-z0-9.-]+:\d{2,5}$/, 'Use host:port, such as smtp.example.com:587.').describe('SMTP server, host:port (TLS required).'),
            from: email.describe('Sender address of alert e-mails.'),
            username: z.string().min(1).describe('SMTP user; the password is the key vault secret alertmanager-smtp-password.'),
          })
          .optional()
          .describe('Mail server for e-mail receivers.'),
        scrapeInterval: duration.optional().describe('Prometheus scrape interval. Default: 30s.'),
      })
      .optional(),
    postfacto: z.strictObject({ chartVersion: chartVersionOverride }).optional().describe('app-template chart used for every Postfacto instance.'),
  })
  .describe('Platform releases and their settings.');
