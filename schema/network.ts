import { z } from 'zod';
import { cidr } from './common.ts';

export const networkSchema = z
  .strictObject({
    vnetCidr: cidr.optional().describe('Address space of the virtual network. Default: 10.40.0.0/16.'),
    subnets: z
      .strictObject({
        aks: cidr.optional().describe('Subnet for AKS nodes. Default: 10.40.0.0/20.'),
        postgresql: cidr.optional().describe('Subnet delegated to PostgreSQL flexible server. Default: 10.40.16.0/24.'),
      })
      .optional(),
  })
  .describe('Virtual network and subnets.');
