// A module's interface (variables with types, outputs) from its parsed HCL: written to
// terraform/modules/interfaces.json for the renderer, and as tables into the module README.
import path from 'node:path';
import { blocksOf, parseModule, type Body } from './hcl.ts';

export interface ModuleVariable {
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
}
export interface ModuleInterface {
  readonly variables: Record<string, ModuleVariable>;
  readonly outputs: Record<string, string>;
  /** "resource.azurerm_x", "data.azurerm_y": what the module manages or reads, with the local modules it calls. */
  readonly blockTypes: string[];
  /** required_providers of the module and the local modules it calls: name → source and version constraint. */
  readonly requiredProviders: Record<string, { source: string; version: string }>;
}

/** A type expression on one line: object fields, written one per line in HCL, joined with commas. */
export const oneLineType = (t: unknown) =>
  String(t)
    .replace(/^\$\{([\s\S]*)\}$/, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/([\w)\]}])\s+(?=\w+ = )/g, '$1, ');

const byName = <T>(entries: Array<[string, T]>) => entries.sort(([a], [b]) => (a < b ? -1 : 1));

export async function moduleInterface(dir: string): Promise<ModuleInterface> {
  const doc = await parseModule(dir);
  const variables = byName(Object.entries((doc.variable as Record<string, Body[]>) ?? {})).map(([name, [v]]): [string, ModuleVariable] => [
    name,
    { type: oneLineType(v!.type), required: !('default' in v!), description: String(v!.description) },
  ]);
  const outputs = byName(Object.entries((doc.output as Record<string, Body[]>) ?? {})).map(([name, [o]]): [string, string] => [name, String(o!.description)]);
  const uses = await usesOf(dir);
  return {
    variables: Object.fromEntries(variables),
    outputs: Object.fromEntries(outputs),
    blockTypes: [...uses.blockTypes].sort(),
    requiredProviders: Object.fromEntries(byName([...uses.providers])),
  };
}

/** Block types and required providers of a module, following module blocks whose source is a local path. */
async function usesOf(dir: string): Promise<{ blockTypes: Set<string>; providers: Map<string, { source: string; version: string }> }> {
  const doc = await parseModule(dir);
  const blockTypes = new Set(['resource', 'data', 'ephemeral'].flatMap((kind) => blocksOf(doc, kind).map(([type]) => `${kind}.${type}`)));
  const providers = new Map<string, { source: string; version: string }>();
  for (const terraform of (doc.terraform as Body[]) ?? []) {
    for (const required of (terraform.required_providers as Body[]) ?? []) {
      for (const [name, p] of Object.entries(required as Record<string, { source: string; version: string }>)) providers.set(name, { source: p.source, version: p.version });
    }
  }
  for (const [, calls] of Object.entries((doc.module as Record<string, Body[]>) ?? {})) {
    const source = String(calls[0]!.source);
    if (!source.startsWith('./') && !source.startsWith('../')) continue;
    const called = await usesOf(path.join(dir, source));
    for (const t of called.blockTypes) blockTypes.add(t);
    for (const [name, p] of called.providers) providers.set(name, p);
  }
  return { blockTypes, providers };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

export async function moduleReadmeTables(dir: string): Promise<string> {
  const doc = await parseModule(dir);
  const { variables, outputs } = await moduleInterface(dir);
  const rows = Object.entries(variables).sort(([a, x], [b, y]) => Number(!x.required) - Number(!y.required) || (a < b ? -1 : 1));
  const lines = ['## Inputs', '', '| name | type | default | description |', '| --- | --- | --- | --- |'];
  for (const [name, v] of rows) {
    const def = v.required ? 'required' : `\`${cell(JSON.stringify((doc.variable as Record<string, Body[]>)[name]![0]!.default))}\``;
    lines.push(`| \`${name}\` | \`${cell(v.type)}\` | ${def} | ${cell(v.description)} |`);
  }
  lines.push('', '## Outputs', '', '| name | description |', '| --- | --- |');
  for (const [name, description] of Object.entries(outputs)) lines.push(`| \`${name}\` | ${cell(description)} |`);
  return `${lines.join('\n')}\n`;
}
