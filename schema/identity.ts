import { z } from './zod.ts';
import { dnsLabel } from './common.ts';

export const stages = ['test', 'staging', 'prod'] as const;
export type Stage = (typeof stages)[number];

/** Who the environment is: its name is part of every derived name, so it is kept short. */
export const identityFields = {
  name: dnsLabel.max(21, 'Keep the environment name at most 21 characters: it is part of every derived Azure name (key vault names stop at 24).').describe(
    'Environment name, equal to the file name without .yaml. Used in every derived name (rg-<name>, aks-<name>, ...).',
  ),
  stage: z.enum(stages).describe('test, staging or prod. prod turns on the production policy (zones, zone-redundant database, replicas, issuer, backups).'),
};
