import { z } from './zod.ts';
import { cidr, guid } from './common.ts';

export const terraformSchema = z
  .strictObject({
    runnerRanges: z
      .array(cidr)
      .min(1, 'List the ranges Terraform runs from (CI runners, operators), or the storage and key vault firewalls lock Terraform out.')
      .describe(
        'Public IPv4 ranges Terraform runs from (CI runners, operators). The firewalls of the state and backup storage accounts and of the key vault admit them: azurerm reads these data planes while it creates them, and a runner outside gets 403.',
      ),
    deployers: z
      .array(
        z.strictObject({
          objectId: guid.describe('Entra ID object ID of a principal that runs Terraform (a CI workload identity, an operators group).'),
          description: z.string().min(1).max(200).describe('Who it is, for reviewers, e.g. "GitHub Actions (OIDC)".'),
        }),
      )
      .min(1, 'List at least one principal that runs Terraform.')
      .describe(
        'Principals that run Terraform. Each gets the data-plane roles Terraform needs (state blobs, key vault secrets) once, so a person and CI replacing each other never rewrite role assignments.',
      ),
  })
  .describe('Who runs Terraform, and from where.');
