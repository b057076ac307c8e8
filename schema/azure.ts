import { z } from 'zod';
import { guid, tags } from './common.ts';

/** Regions with availability zones: every Slipway cluster spreads over zones, so only these are offered. */
export const azureRegions = [
  'australiaeast', 'brazilsouth', 'canadacentral', 'centralindia', 'centralus', 'eastasia', 'eastus', 'eastus2',
  'francecentral', 'germanywestcentral', 'israelcentral', 'italynorth', 'japaneast', 'koreacentral', 'mexicocentral',
  'newzealandnorth', 'northeurope', 'norwayeast', 'polandcentral', 'qatarcentral', 'southafricanorth', 'southcentralus',
  'southeastasia', 'spaincentral', 'swedencentral', 'switzerlandnorth', 'uaenorth', 'uksouth', 'westeurope', 'westus2',
  'westus3',
] as const;

export const azureSchema = z
  .strictObject({
    subscriptionId: guid.describe('Azure subscription ID the environment deploys into.'),
    tenantId: guid.describe('Microsoft Entra tenant ID.'),
    location: z.enum(azureRegions).describe('Azure region (one with availability zones).'),
    tags: tags.optional().describe('Tags added to every Azure resource, next to environment, stage and managed-by.'),
    deleteLocks: z
      .boolean()
      .optional()
      .describe(
        'CanNotDelete locks on what holds data: the PostgreSQL server and the DNS zone (on its SOA record set, so records stay editable). The state and backup storage accounts are locked in every stage. Default: true in prod, false otherwise.',
      ),
  })
  .describe('Azure subscription, tenant, region and tags.');
