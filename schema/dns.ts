import { z } from './zod.ts';
import { guid, hostname } from './common.ts';
import { azureName } from './azure-names.ts';

export const dnsSchema = z
  .strictObject({
    zone: hostname.describe('Public Azure DNS zone of the environment; every host lies inside it. The dns stack creates it, unless existing says where it already is.'),
    existing: z
      .strictObject({
        resourceGroup: azureName('resourceGroup').describe('Resource group the zone is in.'),
        subscriptionId: guid.optional().describe('Subscription of the zone. Default: the environment subscription.'),
      })
      .optional()
      .describe(
        'The zone exists and is managed elsewhere (another team, another environment): the dns stack looks it up instead of creating it, so it never deletes or locks it, and leaves delegation to its owner. external-dns still gets DNS Zone Contributor on the zone and Reader on its resource group, cert-manager (DNS-01) its TXT role on the zone: whoever applies the aks stack needs User Access Administrator there. Default: none (the environment owns its zone).',
      ),
    parent: z
      .strictObject({
        zone: hostname.describe('Parent zone that delegates to this zone with NS records.'),
        resourceGroup: azureName('resourceGroup').describe('Resource group of the parent zone.'),
        subscriptionId: guid.optional().describe('Subscription of the parent zone. Default: the environment subscription.'),
      })
      .optional()
      .describe('Optional parent zone in Azure DNS to delegate from (only for a zone the environment owns).'),
  })
  .describe('DNS zone and optional delegation.');
