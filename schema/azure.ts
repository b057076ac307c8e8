import { z } from './zod.ts';
import { azureName } from './azure-names.ts';
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
    names: z
      .strictObject({
        cluster: azureName('kubernetesCluster').optional().describe('AKS cluster name. Renaming replaces the cluster. Default: aks-<name>.'),
        resourceGroup: azureName('resourceGroup').optional().describe('Resource group of the cluster, network, identities and key vault. Renaming replaces all of them. Default: rg-<name>.'),
        nodeResourceGroup: azureName('resourceGroup')
          .optional()
          .describe('Resource group AKS creates for the nodes and their disks (it must not exist before). Renaming replaces the cluster. Default: rg-<name>-aks-nodes.'),
        dnsResourceGroup: azureName('resourceGroup')
          .optional()
          .describe('Resource group the dns stack creates for the zone (not with dns.existing, whose resource group is given there). Renaming replaces the zone. Default: rg-<name>-dns.'),
        postgresqlResourceGroup: azureName('resourceGroup').optional().describe('Resource group of the PostgreSQL server. Renaming replaces the server. Default: rg-<name>-postgresql.'),
        backupResourceGroup: azureName('resourceGroup').optional().describe('Resource group of the Velero backup storage account. Renaming replaces the account. Default: rg-<name>-backup.'),
        stateKey: azureName('stateKey')
          .optional()
          .describe(
            'Folder of the environment\'s state blobs in the state container: each stack keeps <stateKey>/<stack>.tfstate. Changing it leaves the state behind (move it with terraform init -migrate-state). Default: the environment name.',
          ),
      })
      .optional()
      .describe('Names to use instead of the derived ones, e.g. to adopt resources that exist or to follow a naming convention; each is checked against the Azure naming rules. Default: derived from the environment name.'),
  })
  .describe('Azure subscription, tenant, region and tags.');
