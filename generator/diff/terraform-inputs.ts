// The module inputs of a Terraform root as written by our main.tf template: `module "name" {`
// blocks of aligned `key = value` arguments. An argument `var.x` takes its value from
// terraform.tfvars.json; a literal is its value; any other expression is kept as its text.
// Everything outside the module blocks is kept as text, so a change there is not lost.
import type { Values } from '../catalog/types.ts';

export interface RootInputs {
  /** module label -> argument -> value (or expression text). */
  readonly modules: Readonly<Record<string, Values>>;
  /** tfvars entries no module argument reads. */
  readonly unused: Values;
  /** main.tf without its module blocks (data sources, providers, comments). */
  readonly rest: string;
}

const MODULE_START = /^module\s+"([^"]+)"\s*\{\s*$/;
const ARGUMENT = /^\s*([A-Za-z_][\w-]*)\s*=\s*(.*)$/;
const NESTED_BLOCK = /^\s*([A-Za-z_][\w-]*)(\s+"[^"]*")*\s*\{\s*$/;

/** How many brackets a line leaves open, ignoring those inside strings. */
function depth(text: string): number {
  let open = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) break;
    else if (c === '{' || c === '[' || c === '(') open++;
    else if (c === '}' || c === ']' || c === ')') open--;
  }
  return open;
}

/** A literal's value (string, number, bool, null) or undefined for an expression. */
function literal(expression: string): unknown {
  if (/^"(?:[^"\\$%]|\\.)*"$/.test(expression) || /^-?\d+(\.\d+)?$/.test(expression) || /^(true|false|null)$/.test(expression)) {
    try {
      return JSON.parse(expression) as unknown;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function rootInputs(mainTf: string, tfvarsJson: string | undefined): RootInputs {
  const tfvars = tfvarsJson === undefined ? {} : (JSON.parse(tfvarsJson) as Record<string, unknown>);
  const used = new Set<string>();
  const modules: Record<string, Record<string, unknown>> = {};
  const rest: string[] = [];
  const lines = mainTf.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = MODULE_START.exec(lines[i]!);
    if (!start) {
      rest.push(lines[i]!);
      continue;
    }
    const inputs: Record<string, unknown> = {};
    for (i++; i < lines.length && !/^\}\s*$/.test(lines[i]!); i++) {
      const line = lines[i]!;
      const argument = ARGUMENT.exec(line);
      const block = argument ? undefined : NESTED_BLOCK.exec(line);
      if (!argument && !block) continue; // blank lines and comments
      // A value or nested block that spans lines ends where its brackets close.
      const body = [argument ? argument[2]!.trim() : line.trim()];
      let open = depth(body[0]!);
      while (open > 0 && i + 1 < lines.length) {
        body.push(lines[++i]!.trim());
        open += depth(lines[i]!);
      }
      const name = (argument ?? block)![1]!;
      const expression = body.join('\n');
      const variable = /^var\.([A-Za-z_][\w-]*)$/.exec(expression)?.[1];
      if (variable !== undefined && variable in tfvars) {
        used.add(variable);
        inputs[name] = tfvars[variable];
      } else inputs[name] = literal(expression) ?? expression;
    }
    modules[start[1]!] = inputs;
  }
  const unused = Object.fromEntries(Object.entries(tfvars).filter(([k]) => !used.has(k)));
  return { modules, unused, rest: rest.join('\n') };
}
