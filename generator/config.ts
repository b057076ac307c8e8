// slipway.config.json (optional, in the working directory): project settings that are not part of
// any environment. Today: where Kubernetes JSON Schemas come from.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const CONFIG_FILE = 'slipway.config.json';

const configSchema = z.strictObject({
  schemaLocations: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Schema locations for manifest validation, in kubeconform syntax: folders, templates, URLs or "default".'),
});

export type ProjectConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function readProjectConfig(file = CONFIG_FILE): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const parsed = configSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ConfigError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'top level'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** --schema-location flags, then SLIPWAY_SCHEMA_LOCATION (comma-separated), then the config file, then kubeconform's defaults. */
export function schemaLocations(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv, config: ProjectConfig): string[] {
  if (flags?.length) return [...flags];
  const fromEnv = env.SLIPWAY_SCHEMA_LOCATION?.split(',').map((s) => s.trim()).filter(Boolean);
  if (fromEnv?.length) return fromEnv;
  return config.schemaLocations ?? ['default'];
}
