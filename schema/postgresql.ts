import { z } from 'zod';
import { clockTime, guid, weekday } from './common.ts';

export const postgresqlVersions = ['13', '14', '15', '16', '17'] as const;
export const postgresqlStorageMb = [32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408] as const;
export const haModes = ['ZoneRedundant', 'SameZone', 'Disabled'] as const;

export const postgresqlSchema = z
  .strictObject({
    version: z.enum(postgresqlVersions).optional().describe('PostgreSQL major version, quoted. Default: "16".'),
    sku: z
      .string()
      .regex(/^(B|GP|MO)_Standard_[A-Za-z0-9_]+$/, 'Use a flexible server SKU such as GP_Standard_D2ds_v5.')
      .optional()
      .describe('Flexible server SKU. Default: GP_Standard_D2ds_v5 in prod, B_Standard_B1ms otherwise.'),
    storageMb: z
      .literal(postgresqlStorageMb)
      .optional()
      .describe('Storage size in MB the server starts with (one of the sizes Azure offers). Auto-grow enlarges it when needed, and Terraform then leaves the size to Azure. Default: 32768.'),
    highAvailability: z.enum(haModes).optional().describe('High availability mode. Default: ZoneRedundant in prod, Disabled otherwise.'),
    backupRetentionDays: z.int().min(7).max(35).optional().describe('Point-in-time restore window in days (7-35). Default: 35 in prod, 7 otherwise.'),
    geoRedundantBackup: z.boolean().optional().describe('Store backups in the paired region. Default: true in prod, false otherwise.'),
    maintenanceWindow: z
      .strictObject({ day: weekday, startTime: clockTime })
      .optional()
      .describe('Weekly maintenance window. Default: Sunday 02:00 UTC.'),
    administratorPasswordVersion: z
      .int()
      .min(1)
      .optional()
      .describe('Raise by one to rotate the administrator password: a new one is generated into Key Vault and the server gets what the vault holds. No pod uses it. Default: 1.'),
    administratorGroup: z
      .strictObject({
        objectId: guid.describe('Object ID of the Entra ID group.'),
        name: z.string().min(1).max(256).describe('Display name of the group: its members sign in with it as the PostgreSQL user name.'),
      })
      .optional()
      .describe('Entra ID group that administers the server through Entra ID sign-in, so people and tools never need the administrator password. Default: none (password sign-in only).'),
  })
  .describe('Azure Database for PostgreSQL flexible server (private access only).');
