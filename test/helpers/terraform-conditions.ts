// Evaluates a module's preconditions with the real terraform, without providers: the module's
// variables and the locals that read only variables go into a scratch configuration (JSON syntax),
// the precondition conditions and messages become locals, and `terraform console` evaluates them
// for the given variable values. Conditions that read resources cannot be evaluated this way.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blocksOf, parseModule, terraformEnv, type Body } from './hcl.ts';

export interface ConditionResult {
  readonly condition: boolean;
  readonly message: string;
}

const unwrap = (expr: unknown) => String(expr).replace(/^\$\{([\s\S]*)\}$/, '$1');
/** Expressions that read something other than variables and locals. */
const readsResources = (expr: string) => /\b(azurerm_\w+|time_sleep|random_\w+|module|data|ephemeral)\.\w+/.test(expr);

/** Every precondition of `resourceType.name` in the module, evaluated for `values` (variable name → value) and `locals` given as values. */
export async function evaluatePreconditions(moduleDir: string, resource: string, values: Record<string, unknown>, locals: Record<string, unknown> = {}): Promise<ConditionResult[]> {
  const doc = await parseModule(moduleDir);
  const [type, name] = resource.split('.');
  const body = blocksOf(doc, 'resource').find(([t, n]) => t === type && n === name)?.[2];
  if (!body) throw new Error(`${moduleDir} has no resource ${resource}.`);
  const preconditions = ((body.lifecycle as Body[] | undefined) ?? []).flatMap((l) => (l.precondition as Body[] | undefined) ?? []);
  const results = await evaluateTemplates(moduleDir, preconditions.flatMap((p) => [String(p.condition), String(p.error_message)]), values, locals);
  return preconditions.map((_, i) => ({ condition: results[2 * i] as boolean, message: results[2 * i + 1] as string }));
}

/** HCL expressions over the module's variables and variable-only locals, evaluated for `values`. */
export const evaluateExpressions = (moduleDir: string, expressions: readonly string[], values: Record<string, unknown>) =>
  evaluateTemplates(moduleDir, expressions.map((e) => `\${${e}}`), values);

/** JSON-syntax templates ("${expr}" gives the value itself, anything else a string), as hcl2json gives them. */
async function evaluateTemplates(moduleDir: string, templates: readonly string[], values: Record<string, unknown>, overrides: Record<string, unknown> = {}): Promise<unknown[]> {
  const doc = await parseModule(moduleDir);
  const variables = Object.fromEntries(
    Object.entries((doc.variable as Record<string, Body[]>) ?? {}).map(([v, [decl]]) => [v, { type: unwrap(decl!.type), ...('default' in decl! && { default: decl!.default }) }]),
  );
  const locals: Record<string, unknown> = {};
  for (const block of (doc.locals as Body[] | undefined) ?? []) for (const [k, expr] of Object.entries(block)) if (!readsResources(String(expr))) locals[k] = expr;
  // Locals that read resources can be given as values (a data source's answer, say).
  Object.assign(locals, overrides);
  templates.forEach((t, i) => (locals[`slipway_expression_${i}`] = t));
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-conditions-'));
  try {
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ variable: variables, locals }));
    writeFileSync(path.join(dir, 'values.auto.tfvars.json'), JSON.stringify(values));
    const list = templates.map((_, i) => `local.slipway_expression_${i}`).join(', ');
    const out = execFileSync('terraform', ['console'], { cwd: dir, env: terraformEnv, input: `jsonencode([${list}])\n`, encoding: 'utf8' });
    return JSON.parse(JSON.parse(out.trim()) as string) as unknown[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
