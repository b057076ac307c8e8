import { z } from './zod.ts';
import { dnsLabel, guid } from './common.ts';

export const accessRoles = ['view', 'edit', 'admin'] as const;

export const accessSchema = z
  .array(
    z.strictObject({
      group: guid.describe('Entra ID group object ID.'),
      description: z.string().max(200).optional().describe('Who the group is, for reviewers.'),
      namespaces: z
        .record(dnsLabel, z.enum(accessRoles))
        .describe(
          'Namespace -> ClusterRole (view, edit or admin) granted in it. On a platform namespace (ingress-nginx, cert-manager, external-dns, velero, monitoring, monitoring-node-exporter) only view, unless the entry is privileged: edit and admin there can run pods as the release\'s service accounts, which hold cluster-wide powers (Velero\'s is cluster-admin).',
        ),
      privileged: z
        .boolean()
        .optional()
        .describe(
          'true lets this entry hold edit or admin on platform namespaces, which is as good as those releases\' cluster-wide powers (cluster-admin through velero, every Secret through monitoring, cert-manager or ingress-nginx, the DNS zone through external-dns). Needs a reason. Default: false.',
        ),
      reason: z
        .string()
        .max(300)
        .regex(/\S/, 'Say in a few words why the group needs it, e.g. "break-glass restores by the platform on-call".')
        .optional()
        .describe('Why a privileged entry needs edit or admin on platform namespaces; reviewers read it. Only with privileged: true.'),
    }),
  )
  .describe('Namespace access for Entra ID groups.');
