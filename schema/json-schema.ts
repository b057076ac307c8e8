// schema/environment.schema.json, generated from the zod model for editor completion and checks.
import { z } from './zod.ts';
import { environmentSchema } from './environment.ts';

export const JSON_SCHEMA_PATH = 'schema/environment.schema.json';

export function environmentJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  return `${JSON.stringify({ ...schema, $id: 'https://slipway.dev/schema/environment.schema.json' }, null, 2)}\n`;
}
