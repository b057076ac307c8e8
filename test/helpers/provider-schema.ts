// Checks parsed Terraform blocks against the provider schema derived by scripts/provider-schema.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Body } from './hcl.ts';
import { repoRoot } from './workspace.ts';

export interface SchemaBlock {
  attributes: Record<string, { type: string; required: boolean }>;
  blocks: Record<string, { nesting: 'single' | 'list'; required: boolean; block: SchemaBlock }>;
}

export const providerSchema = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/provider-schema.json'), 'utf8')) as {
  sources: string[];
  types: Record<string, SchemaBlock>;
};

/** Terraform's own meta-arguments, valid on every resource. */
const META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection', 'dynamic']);

/** Problems of one block body: unknown arguments or blocks, missing required ones. */
export function schemaProblems(where: string, body: Body, schema: SchemaBlock, topLevel = true): string[] {
  const problems: string[] = [];
  const present = new Set(Object.keys(body));
  const dynamic = (body.dynamic as Record<string, Array<{ content?: Body[] }>> | undefined) ?? {};
  for (const name of Object.keys(dynamic)) present.add(name);

  for (const key of present) {
    if (topLevel && META.has(key)) continue;
    if (key === 'dynamic') continue;
    if (key in schema.attributes) continue;
    const nested = schema.blocks[key];
    if (!nested) {
      problems.push(`${where}: "${key}" is not an argument or block of this type`);
      continue;
    }
    const bodies = (key in dynamic ? dynamic[key]!.flatMap((d) => d.content ?? []) : (body[key] as Body[])) ?? [];
    if (!Array.isArray(bodies)) {
      problems.push(`${where}: "${key}" is a block but is set as an argument`);
      continue;
    }
    bodies.forEach((b, i) => problems.push(...schemaProblems(`${where}.${key}[${i}]`, b, nested.block, false)));
  }
  for (const [name, attr] of Object.entries(schema.attributes)) if (attr.required && !present.has(name)) problems.push(`${where}: required argument "${name}" is missing`);
  for (const [name, b] of Object.entries(schema.blocks)) if (b.required && !present.has(name)) problems.push(`${where}: required block "${name}" is missing`);
  return problems;
}
