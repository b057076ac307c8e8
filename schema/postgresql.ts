import { z } from './zod.ts';
import { clockTime, dnsLabel, guid, weekday } from './common.ts';

export const postgresqlVersions = ['13', '14', '15', '16', '17'] as const;
export const postgresqlStorageMb = [32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408] as const;
export const haModes = ['ZoneRedundant', 'SameZone', 'Disabled'] as const;

/** Server-side character sets of PostgreSQL (docs, "Character Set Support": Server = Yes). */
export const postgresqlCharsets = [
  'UTF8', 'SQL_ASCII', 'LATIN1', 'LATIN2', 'LATIN3', 'LATIN4', 'LATIN5', 'LATIN6', 'LATIN7', 'LATIN8', 'LATIN9', 'LATIN10',
  'WIN866', 'WIN874', 'WIN1250', 'WIN1251', 'WIN1252', 'WIN1253', 'WIN1254', 'WIN1255', 'WIN1256', 'WIN1257', 'WIN1258',
  'ISO_8859_5', 'ISO_8859_6', 'ISO_8859_7', 'ISO_8859_8', 'KOI8R', 'KOI8U', 'EUC_CN', 'EUC_JP', 'EUC_JIS_2004', 'EUC_KR', 'EUC_TW', 'MULE_INTERNAL',
] as const;

/** A PostgreSQL identifier Slipway creates unquoted: a database or role name. */
export const postgresqlIdentifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Use a PostgreSQL name: lowercase letters, digits and "_", starting with a letter or "_", up to 63 characters.');

/** A locale the flexible server's operating system has: C, POSIX, C.UTF-8, or language_TERRITORY.utf8. */
const locale = z
  .string()
  .regex(/^(C|POSIX|C\.UTF-8|C\.utf8|[a-z]{2,3}_[A-Z]{2}\.utf8)$/, 'Use a locale such as en_US.utf8, de_DE.utf8, C.UTF-8 or C.');

/** A server parameter value as Azure takes it: a string; numbers and booleans are written as PostgreSQL reads them (true -> on). */
const parameterValue = z.union([z.string().max(1024), z.number(), z.boolean()]);

/** Parameter names: lowercase identifiers, dotted for extensions and Azure's own (azure.extensions, pgbouncer.enabled). */
export const parameterName = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'Use a server parameter name as Azure lists it, such as max_connections or azure.extensions.');

const database = z.strictObject({
  name: postgresqlIdentifier.describe('Database name; a login role of the same name owns it.'),
  charset: z.enum(postgresqlCharsets).optional().describe('Character set (PostgreSQL ENCODING). Set when the database is created: a change replaces it, which Terraform refuses (prevent_destroy). Default: UTF8.'),
  collation: locale
    .optional()
    .describe('Collation, the sort order of text (LC_COLLATE). A .utf8 locale needs charset UTF8. Set when the database is created. Default: en_US.utf8.'),
  ctype: locale.optional().describe('Character classification (LC_CTYPE). Set when the database is created. Default: the collation.'),
  connectionLimit: z.int().min(1).max(5000).optional().describe("Most connections the database's role may hold at once. Default: no limit."),
  passwordVersion: z
    .int()
    .min(1)
    .optional()
    .describe("Raise by one to rotate the role's password: a new one is generated into Key Vault and set on the role (databases stack). Default: 1."),
});

const replica = z.strictObject({
  name: dnsLabel
    .max(20, 'Keep replica names at most 20 characters: the server is named <primary server name>-<name>.')
    .describe('Replica name; the server is named <primary server name>-<name>: psql-<environment>-<name> by default.'),
  sku: z
    .string()
    .regex(/^(GP|MO)_Standard_[A-Za-z0-9_]+$/, 'Use a General Purpose or Memory Optimized SKU such as GP_Standard_D2ds_v5 (Burstable servers have no read replicas).')
    .optional()
    .describe('Flexible server SKU of the replica. Default: the primary\'s.'),
  zone: z.int().min(1).max(3).optional().describe('Availability zone (1-3). Default: the next of aks.zones after the primary\'s, so replicas spread over them.'),
});

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
    parameters: z
      .record(parameterName, parameterValue)
      .optional()
      .describe(
        'Server parameters by name, as the Azure portal lists them (Server parameters), e.g. max_connections: 200 or azure.extensions: "PG_TRGM,PGCRYPTO"; true and false are written on and off. Each is an azurerm_postgresql_flexible_server_configuration, on the primary and every read replica. A static parameter restarts the server when it changes (azurerm does it). require_secure_transport stays on; ssl_min_protocol_version may only be raised to TLSv1.3; password_encryption stays scram-sha-256. Default: none (Azure\'s defaults).',
      ),
    databases: z
      .array(database)
      .max(50)
      .optional()
      .describe(
        "Databases beyond the apps' own, for tools and teams outside the cluster: each owned by its own login role of the same name, whose password is generated into the key vault secret postgresql-database-<name>-password (\"_\" as \"-\"); no pod reads it. Made by the databases stack. Default: none.",
      ),
    replicas: z
      .array(replica)
      .max(5)
      .optional()
      .describe(
        'Read replicas in the same region and delegated subnet, reached through the same private DNS zone at <name>.postgres.database.azure.com; they replicate every database asynchronously, take the same server parameters and serve reads only. Not on the Burstable tier. Default: none.',
      ),
  })
  .describe('Azure Database for PostgreSQL flexible server (private access only).');
