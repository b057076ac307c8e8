import { z } from './zod.ts';
import { duration } from './common.ts';

export const gitopsSchema = z
  .strictObject({
    repository: z
      .string()
      .regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, 'Use an https://, ssh:// or git@ repository URL.')
      .describe('Git repository Flux syncs (this repository).'),
    branch: z.string().regex(/^[^\s~^:?*[\\]+$/, 'Use a git branch name such as main.').optional().describe('Branch Flux syncs. Default: main.'),
    interval: duration.optional().describe('How often Flux fetches the repository. Default: 1m.'),
    secretName: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'Use a Kubernetes Secret name such as gitops-credentials.')
      .optional()
      .describe('Secret in flux-system with the credentials of a private repository (created out of band, never in git). Default: none (public repository).'),
    secretCreated: z
      .boolean()
      .optional()
      .describe(
        "false until an operator has created secretName in flux-system (the aks stack's output git_credentials_command does); the gitops stack refuses to start Flux before. Default: false.",
      ),
  })
  .describe('Where Flux reads this environment from.');
