import { z } from 'zod';
import { azureName } from './azure-names.ts';

export const stateSchema = z
  .strictObject({
    resourceGroup: azureName('resourceGroup').describe('Resource group of the Terraform state storage account.'),
    storageAccount: azureName('storageAccount').describe('Storage account holding Terraform state (3-24 lowercase letters and digits, globally unique).'),
    container: azureName('storageContainer').optional().describe('Blob container for state files. Default: tfstate.'),
  })
  .describe('Terraform remote state backend (bootstrapped by the state stack).');
