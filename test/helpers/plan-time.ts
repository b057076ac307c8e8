// What count and for_each may read: terraform plan fails ("Invalid count argument", "Invalid
// for_each argument") when they depend on a value known only after apply, such as an identity
// created in the same run. Inside a module they may read variables and locals built from them; a
// stack must then pass those variables plan-time values (terraform.tfvars.json), not the outputs of
// other modules or resources.
import { blocksOf, parseModule, type Body } from './hcl.ts';

const COMPUTED = /\b(?:(?:azurerm|random|time|postgresql)_\w+|module|data|ephemeral)\.\w+/;

interface Use {
  readonly where: string;
  /** The expression with locals expanded and the values of `for ... : k => v` dropped (only keys and filters count). */
  readonly keys: string;
  readonly original: string;
}

async function uses(dir: string): Promise<Use[]> {
  const doc = await parseModule(dir);
  const locals: Record<string, string> = Object.assign({}, ...((doc.locals as Body[] | undefined) ?? []).map((l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, String(v)]))));
  // A data source whose arguments are all known is read during plan (Terraform docs, data-sources,
  // "Data Resource Behavior": "If the query constraint arguments for a data resource refer only to
  // constant values or values that are already known, the data resource will be read ... prior to
  // creating a plan"), so a reference to it stands for its arguments: plan-time when they are,
  // computed when they read a resource, a module or a deferred data source (or it has depends_on).
  const dataArgs: Record<string, string> = Object.fromEntries(
    blocksOf(doc, 'data').map(([type, name, body]) => {
      const { count: _count, for_each: _forEach, depends_on: dependsOn, ...args } = body;
      return [`${type}.${name}`, dependsOn === undefined ? JSON.stringify(args) : `data.depends_on.${type}`];
    }),
  );
  const expand = (expr: string, seen = new Set<string>()): string =>
    expr
      .replace(/\blocal\.(\w+)/g, (whole, name: string) => (seen.has(name) || !(name in locals) ? whole : `(${expand(locals[name]!, new Set([...seen, name]))})`))
      .replace(/\bdata\.(\w+\.\w+)/g, (whole, key: string) => (seen.has(`data.${key}`) || !(key in dataArgs) ? whole : `(${expand(dataArgs[key]!, new Set([...seen, `data.${key}`]))})`));
  const out: Use[] = [];
  const add = (where: string, expr: unknown) => {
    if (expr !== undefined) out.push({ where, original: String(expr), keys: expand(String(expr)).replace(/=>[^:}\]]*?(?=\bif\b|\}|$)/g, '=>') });
  };
  for (const kind of ['resource', 'data', 'ephemeral']) for (const [type, name, body] of blocksOf(doc, kind)) for (const meta of ['count', 'for_each']) add(`${kind}.${type}.${name}.${meta}`, body[meta]);
  for (const [name, calls] of Object.entries((doc.module as Record<string, Body[]>) ?? {})) for (const meta of ['count', 'for_each']) add(`module.${name}.${meta}`, calls[0]![meta]);
  return out;
}

/** count and for_each expressions of the module that read something computed. */
export async function planTimeProblems(dir: string): Promise<string[]> {
  return (await uses(dir)).filter((u) => COMPUTED.test(u.keys)).map((u) => `${u.where}: ${u.original}`);
}

/** The module's variables that decide a count or a for_each key: callers must know them at plan time. */
export async function planTimeVariables(dir: string): Promise<string[]> {
  return [...new Set((await uses(dir)).flatMap((u) => [...u.keys.matchAll(/\bvar\.(\w+)/g)].map((m) => m[1]!)))].sort();
}
