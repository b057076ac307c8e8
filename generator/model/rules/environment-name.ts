import type { Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

/** Folders of out/ that sit next to out/<env>/ (shared HelmRelease bases, Terraform modules). */
export const reservedEnvironmentNames = ['base', 'modules'] as const;

/** An environment's output folder may not be one of Slipway's shared folders. */
export function environmentNameRules(env: Environment): Finding[] {
  if (!(reservedEnvironmentNames as readonly string[]).includes(env.name)) return [];
  return [
    error(
      'ENV_NAME_RESERVED',
      ['name'],
      `The environment name "${env.name}" is reserved: out/${env.name}/ holds files every environment shares (reserved: ${reservedEnvironmentNames.join(', ')}).`,
      `Choose another name, such as ${env.name}-test, and rename the file to match.`,
    ),
  ];
}
