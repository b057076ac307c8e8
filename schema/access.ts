import { z } from 'zod';
import { dnsLabel, guid } from './common.ts';

export const accessRoles = ['view', 'edit', 'admin'] as const;

export const accessSchema = z
  .array(
    z.strictObject({
      group: guid.describe('Entra ID group object ID.'),
      description: z.string().max(200).optional().describe('Who the group is, for reviewers.'),
      namespaces: z.record(dnsLabel, z.enum(accessRoles)).describe('Namespace -> ClusterRole (view, edit or admin) granted in it.'),
    }),
  )
  .describe('Namespace access for Entra ID groups.');
