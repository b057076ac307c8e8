// The environment file, composed of one schema per part. Defaults that depend on other fields
// (the stage, above all) are resolved in generator/model/normalize.ts, not here.
import { z } from './zod.ts';
import { accessSchema } from './access.ts';
import { acknowledgeSchema } from './acknowledge.ts';
import { aksSchema } from './aks.ts';
import { appsSchema } from './apps.ts';
import { azureSchema } from './azure.ts';
import { dnsSchema } from './dns.ts';
import { gitopsSchema } from './gitops.ts';
import { identityFields } from './identity.ts';
import { networkSchema } from './network.ts';
import { postgresqlSchema } from './postgresql.ts';
import { releasesSchema } from './releases.ts';
import { stateSchema } from './state.ts';
import { terraformSchema } from './terraform.ts';

export const environmentSchema = z
  .strictObject({
    ...identityFields,
    azure: azureSchema,
    state: stateSchema,
    terraform: terraformSchema,
    dns: dnsSchema,
    network: networkSchema.optional(),
    aks: aksSchema,
    postgresql: postgresqlSchema.optional(),
    gitops: gitopsSchema,
    releases: releasesSchema,
    apps: appsSchema,
    access: accessSchema.optional(),
    acknowledge: acknowledgeSchema.optional(),
  })
  .meta({ title: 'Slipway environment', description: 'One environment: Azure, AKS, PostgreSQL, releases and Postfacto instances.' });

export type EnvironmentInput = z.infer<typeof environmentSchema>;
