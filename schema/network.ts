import { z } from './zod.ts';
import { cidr } from './common.ts';

// Subnet defaults follow the VNet (generator/model/normalize.ts, defaultSubnets): a file that sets
// only vnetCidr gets subnets inside it.
export const networkSchema = z
  .strictObject({
    vnetCidr: cidr
      .optional()
      .describe('Address space of the virtual network, a /24 or larger when the subnets are left to their defaults. Default: 10.40.0.0/16.'),
    subnets: z
      .strictObject({
        aks: cidr
          .optional()
          .describe(
            'Subnet for AKS nodes (pods use the overlay range). Default: derived from network.vnetCidr, the first /20 of the VNet, or its first half when the VNet is smaller than a /19 (10.40.0.0/20 for the default VNet).',
          ),
        postgresql: cidr
          .optional()
          .describe(
            'Subnet delegated to PostgreSQL flexible server. Default: derived from network.vnetCidr, the /24 right after the default aks subnet, or the second half of the VNet when the VNet is a /24 (10.40.16.0/24 for the default VNet).',
          ),
        pods: cidr
          .optional()
          .describe(
            'Subnet the pods take their addresses from with aks.network.mode pod-subnet, delegated to AKS (Microsoft.ContainerService/managedClusters); size it for every pool at max nodes times maxPods (30 by default). Required with pod-subnet, unused otherwise. Default: none.',
          ),
      })
      .optional(),
  })
  .describe('Virtual network and subnets.');
