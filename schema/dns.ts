import { z } from 'zod';
import { guid, hostname } from './common.ts';
import { azureName } from './azure-names.ts';

export const dnsSchema = z
  .strictObject({
    zone: hostname.describe('Public Azure DNS zone this environment owns; every host lies inside it.'),
    parent: z
      .strictObject({
        zone: hostname.describe('Parent zone that delegates to this zone with NS records.'),
        resourceGroup: azureName('resourceGroup').describe('Resource group of the parent zone.'),
        subscriptionId: guid.optional().describe('Subscription of the parent zone. Default: the environment subscription.'),
      })
      .optional()
      .describe('Optional parent zone in Azure DNS to delegate from.'),
  })
  .describe('DNS zone and optional delegation.');
