import { z } from 'zod';
import { dnsLabel, hostname } from './common.ts';

const postfactoInstance = z.strictObject({
  name: dnsLabel.max(30, 'Keep instance names at most 30 characters: they become namespaces and release names.').describe('Instance name; the namespace defaults to postfacto-<name>.'),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'Use a Postfacto image tag such as "4.3.11" (quoted).')
    .describe('Postfacto image tag (postfacto/postfacto:<version>).'),
  host: hostname.describe('Public host, inside the DNS zone.'),
  namespace: dnsLabel.optional().describe('Namespace. Default: postfacto-<name>.'),
  replicas: z
    .strictObject({
      min: z.int().min(1).max(50).describe('Autoscaling minimum.'),
      max: z.int().min(1).max(50).describe('Autoscaling maximum.'),
    })
    .optional()
    .describe('Web replicas. Default: 2-4 in prod, 1-2 otherwise.'),
  database: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Use a PostgreSQL database name: lowercase letters, digits and "_", up to 63 characters.')
    .optional()
    .describe('Database on the managed server. Default: postfacto_<name> with "-" as "_".'),
});

export const appsSchema = z
  .strictObject({
    postfacto: z.array(postfactoInstance).min(1, 'Declare at least one Postfacto instance.').describe('Postfacto instances, side by side.'),
  })
  .describe('Applications.');
