import { z } from './zod.ts';
import { azureName } from './azure-names.ts';

export const stateSchema = z
  .strictObject({
    resourceGroup: azureName('resourceGroup').describe('Resource group of the Terraform state storage account.'),
    storageAccount: azureName('storageAccount').describe('Storage account holding Terraform state (3-24 lowercase letters and digits, globally unique).'),
    container: azureName('storageContainer').optional().describe('Blob container for state files. Default: tfstate.'),
    bootstrapped: z
      .boolean()
      .optional()
      .describe('false until the state stack has created the storage account (it runs on a local backend); then true, and every stack uses the azurerm backend. Default: false.'),
  })
  .describe('Terraform remote state backend (bootstrapped by the state stack).');
