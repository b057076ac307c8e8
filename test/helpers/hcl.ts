// Reading Terraform as data: every .tf file parsed by HashiCorp's own HCL parser (hcl2json, WASM),
// merged per folder the way Terraform merges a module's files.
import { parse } from '@cdktf/hcl2json';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The real terraform, quiet and without the machine's missing CLI config. */
export const terraformEnv = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };

export type Hcl = Record<string, unknown>;
/** hcl2json gives every block as a list of bodies, keyed by its labels. */
export type Body = Record<string, unknown>;

export function tfFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const abs = path.join(dir, entry);
    if (statSync(abs).isDirectory()) out.push(...tfFiles(abs));
    else if (entry.endsWith('.tf')) out.push(abs);
  }
  return out;
}

export const parseFile = async (file: string): Promise<Hcl> => parse(path.basename(file), readFileSync(file, 'utf8')) as Promise<Hcl>;

/** All .tf files of one folder (not its subfolders) merged into one document. */
export async function parseModule(dir: string): Promise<Hcl> {
  const merged: Hcl = {};
  const files = readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  for (const f of files) mergeInto(merged, await parseFile(path.join(dir, f)));
  return merged;
}

function mergeInto(target: Hcl, source: Hcl): void {
  for (const [k, v] of Object.entries(source)) {
    if (Array.isArray(v)) target[k] = [...((target[k] as unknown[]) ?? []), ...v];
    else if (v && typeof v === 'object') {
      target[k] ??= {};
      mergeInto(target[k] as Hcl, v as Hcl);
    } else target[k] = v;
  }
}

/** "resource.azurerm_x", "data.azurerm_y", "ephemeral.random_z": every block type used under dir. */
export async function moduleBlockTypes(dir: string): Promise<string[]> {
  const used = new Set<string>();
  for (const file of tfFiles(dir)) {
    const doc = await parseFile(file);
    for (const kind of ['resource', 'data', 'ephemeral']) {
      for (const type of Object.keys((doc[kind] as Hcl | undefined) ?? {})) used.add(`${kind}.${type}`);
    }
  }
  return [...used].sort();
}

/** Every body of `kind.type.name` blocks in a parsed document: [type, name, body]. */
export function blocksOf(doc: Hcl, kind: string): Array<[string, string, Body]> {
  const out: Array<[string, string, Body]> = [];
  for (const [type, byName] of Object.entries((doc[kind] as Hcl | undefined) ?? {})) {
    for (const [name, bodies] of Object.entries(byName as Hcl)) for (const body of bodies as Body[]) out.push([type, name, body]);
  }
  return out;
}

/** Module folders (a folder with main.tf) under dir, with their submodules under modules/. */
export function moduleDirs(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((d) => path.join(dir, d))
    .filter((d) => statSync(d).isDirectory() && existsSync(path.join(d, 'main.tf')))
    .flatMap((d) => [d, ...(existsSync(path.join(d, 'modules')) ? moduleDirs(path.join(d, 'modules')) : [])]);
}
