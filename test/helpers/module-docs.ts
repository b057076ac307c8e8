// Markdown tables of a module's inputs and outputs, from its parsed HCL.
import { parseModule, type Body } from './hcl.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
/** A type expression on one line: object fields, written one per line in HCL, joined with commas. */
const hclType = (t: unknown) =>
  cell(String(t).replace(/^\$\{([\s\S]*)\}$/, '$1'))
    .replace(/([\w)\]])\s+(?=\w+ = )/g, '$1, ')
    .replace(/([\w)\]])\s+(?=\w+\s*=\s*)/g, '$1, ');

export async function moduleReadmeTables(dir: string): Promise<string> {
  const doc = await parseModule(dir);
  const variables = Object.entries((doc.variable as Record<string, Body[]>) ?? {}).map(([name, [v]]) => [name, v!] as const);
  variables.sort(([a, x], [b, y]) => Number('default' in x) - Number('default' in y) || (a < b ? -1 : 1));
  const outputs = Object.entries((doc.output as Record<string, Body[]>) ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const lines = ['## Inputs', '', '| name | type | default | description |', '| --- | --- | --- | --- |'];
  for (const [name, v] of variables) {
    const def = 'default' in v ? `\`${cell(JSON.stringify(v.default))}\`` : 'required';
    lines.push(`| \`${name}\` | \`${hclType(v.type)}\` | ${def} | ${cell(String(v.description))} |`);
  }
  lines.push('', '## Outputs', '', '| name | description |', '| --- | --- |');
  for (const [name, [o]] of outputs) lines.push(`| \`${name}\` | ${cell(String(o!.description))} |`);
  return `${lines.join('\n')}\n`;
}
