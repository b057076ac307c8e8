// out/<env>/environment.resolved.yaml: the environment with every default applied and every name
// derived, so reviewers see exactly what the other outputs are built from.
import type { Environment } from '../model/environment.ts';
import { toYaml } from './yaml.ts';

export function renderResolved(environments: readonly Environment[]): Map<string, string> {
  return new Map(
    environments.map((env) => {
      const { source, ...model } = env;
      return [`${env.name}/environment.resolved.yaml`, toYaml(model, { comment: [`source: ${source}`, 'every default applied and every name derived'] })];
    }),
  );
}
