import { z } from 'zod';
import { duration } from './common.ts';

export const gitopsSchema = z
  .strictObject({
    repository: z
      .string()
      .regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, 'Use an https://, ssh:// or git@ repository URL.')
      .describe('Git repository Flux syncs (this repository).'),
    branch: z.string().regex(/^[^\s~^:?*[\\]+$/, 'Use a git branch name such as main.').optional().describe('Branch Flux syncs. Default: main.'),
    interval: duration.optional().describe('How often Flux fetches the repository. Default: 1m.'),
  })
  .describe('Where Flux reads this environment from.');
