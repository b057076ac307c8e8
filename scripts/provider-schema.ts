// Derives test/fixtures/provider-schema.json: the arguments and nested blocks of every provider
// resource, data source and ephemeral resource that terraform/modules uses, from the jsii type
// descriptions in the @cdktn / @cdktf provider packages (which mirror the provider schemas exactly).
// The packages are large (azurerm: ~270 MB unpacked), so they are fetched here, once, and never
// at test time:   npx tsx scripts/provider-schema.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { moduleBlockTypes } from '../test/helpers/hcl.ts';

const PACKAGES = [
  { name: '@cdktn/provider-azurerm', version: '16.1.0', owner: 'hashicorp', provider: 'azurerm' },
  { name: '@cdktn/provider-random', version: '15.0.1', owner: 'hashicorp', provider: 'random' },
  { name: '@cdktf/provider-time', version: '11.0.1', owner: 'hashicorp', provider: 'time' },
  { name: '@cdktf/provider-postgresql', version: '12.1.1', owner: 'cyrilgdn', provider: 'postgresql' },
];
const OUTPUT = 'test/fixtures/provider-schema.json';

/**
 * Types the packages lack: the @cdktn azurerm package generates no ephemeral resources. Arguments
 * from hashicorp/terraform-provider-azurerm website/docs/ephemeral-resources/<type>.html.markdown.
 */
const DOCUMENTED: Record<string, SchemaBlock> = {
  'ephemeral.azurerm_key_vault_secret': {
    attributes: { key_vault_id: { type: 'string', required: true }, name: { type: 'string', required: true }, version: { type: 'string', required: false } },
    blocks: {},
  },
};

interface TypeRef {
  primitive?: string;
  fqn?: string;
  collection?: { kind: 'array' | 'map'; elementtype: TypeRef };
  union?: { types: TypeRef[] };
}
interface Property {
  name: string;
  optional?: boolean;
  type: TypeRef;
  docs?: { summary?: string; remarks?: string };
}
interface JsiiType {
  kind: string;
  base?: string;
  datatype?: boolean;
  properties?: Property[];
  interfaces?: string[];
}

export interface SchemaBlock {
  attributes: Record<string, { type: string; required: boolean }>;
  blocks: Record<string, { nesting: 'single' | 'list'; required: boolean; block: SchemaBlock }>;
}

function derive(types: Record<string, JsiiType>, wanted: Set<string>, owner: string, provider: string) {
  const found: Record<string, { kind: string; version: string; schema: SchemaBlock }> = {};
  const docLink = new RegExp(`/providers/${owner}/${provider}/([\\d.]+)/docs/(resources|data-sources|ephemeral-resources)/(\\w+)#`);
  const roots = new Set(['cdktn', 'cdktf'].flatMap((lib) => [`${lib}.TerraformResource`, `${lib}.TerraformDataSource`, `${lib}.TerraformEphemeralResource`]));
  for (const [fqn, t] of Object.entries(types)) {
    // <X>Config describes resource <X> only when class <X> is a resource; nested blocks such as
    // KubernetesClusterDefaultNodePoolKubeletConfig end in "Config" too.
    if (t.kind !== 'interface' || !fqn.endsWith('Config') || !t.properties?.length) continue;
    if (!roots.has(types[fqn.slice(0, -'Config'.length)]?.base ?? '')) continue;
    const m = docLink.exec(docText(t.properties[0]!));
    if (!m) continue;
    const [, version, kind, short] = m;
    const kindName = kind === 'resources' ? 'resource' : kind === 'data-sources' ? 'data' : 'ephemeral';
    const key = `${kindName}.${provider}_${short}`;
    if (!wanted.has(key)) continue;
    found[key] = { kind: kindName, version: version!, schema: block(types, fqn) };
  }
  return found;
}

const docText = (p: Property) => `${p.docs?.remarks ?? ''} ${p.docs?.summary ?? ''}`;

function allProperties(types: Record<string, JsiiType>, fqn: string): Property[] {
  const t = types[fqn];
  if (!t) return [];
  return [...(t.interfaces ?? []).flatMap((i) => allProperties(types, i)), ...(t.properties ?? [])];
}

function block(types: Record<string, JsiiType>, fqn: string): SchemaBlock {
  const out: SchemaBlock = { attributes: {}, blocks: {} };
  for (const p of allProperties(types, fqn)) {
    const name = /#([a-z0-9_]+)\b/.exec(docText(p))?.[1];
    if (!name) continue; // meta-arguments (depends_on, count, ...) carry no registry link
    const shape = classify(types, p.type);
    if (shape.kind === 'block') out.blocks[name] = { nesting: shape.nesting, required: !p.optional, block: block(types, shape.fqn) };
    else out.attributes[name] = { type: shape.type, required: !p.optional };
  }
  return sortBlock(out);
}

type Shape = { kind: 'attr'; type: string } | { kind: 'block'; nesting: 'single' | 'list'; fqn: string };

function classify(types: Record<string, JsiiType>, ref: TypeRef): Shape {
  if (ref.union) {
    const rest = ref.union.types.filter((t) => t.fqn !== 'cdktn.IResolvable' && t.fqn !== 'cdktf.IResolvable');
    return rest.length === 1 ? classify(types, rest[0]!) : { kind: 'attr', type: 'any' };
  }
  if (ref.primitive) return { kind: 'attr', type: ref.primitive === 'boolean' ? 'bool' : ref.primitive };
  if (ref.fqn) return types[ref.fqn]?.datatype ? { kind: 'block', nesting: 'single', fqn: ref.fqn } : { kind: 'attr', type: 'any' };
  if (ref.collection) {
    const inner = classify(types, ref.collection.elementtype);
    if (inner.kind === 'block') return { kind: 'block', nesting: 'list', fqn: inner.fqn };
    return { kind: 'attr', type: `${ref.collection.kind === 'array' ? 'list' : 'map'}(${inner.type})` };
  }
  return { kind: 'attr', type: 'any' };
}

function sortBlock(b: SchemaBlock): SchemaBlock {
  const sort = <T>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).sort(([a], [c]) => (a < c ? -1 : 1)));
  return { attributes: sort(b.attributes), blocks: sort(b.blocks) };
}

async function main() {
  const used = await moduleBlockTypes('terraform/modules');
  const wanted = new Set(used.filter((u) => PACKAGES.some((p) => u.split('.')[1]!.startsWith(`${p.provider}_`))));
  const tmp = mkdtempSync(path.join(tmpdir(), 'slipway-provider-schema-'));
  const result: Record<string, unknown> = {};
  const sources: string[] = [];
  try {
    for (const pkg of PACKAGES) {
      const tgz = execFileSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', tmp, '--silent'], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
      execFileSync('tar', ['xzf', path.join(tmp, tgz), '-C', tmp, 'package/.jsii']);
      const jsii = JSON.parse(readFileSync(path.join(tmp, 'package/.jsii'), 'utf8')) as { types: Record<string, JsiiType> };
      const found = derive(jsii.types, wanted, pkg.owner, pkg.provider);
      const version = Object.values(found)[0]?.version ?? 'unknown';
      sources.push(`${pkg.name}@${pkg.version} (${pkg.owner}/${pkg.provider} ${version})`);
      for (const [key, value] of Object.entries(found)) result[key] = value.schema;
      rmSync(path.join(tmp, 'package'), { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const [key, schema] of Object.entries(DOCUMENTED)) if (wanted.has(key) && !(key in result)) result[key] = schema;
  const missing = [...wanted].filter((w) => !(w in result));
  if (missing.length) throw new Error(`Not found in the provider packages: ${missing.join(', ')}`);
  const sorted = Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(OUTPUT, `${JSON.stringify({ note: 'Derived by scripts/provider-schema.ts; do not edit.', sources, types: sorted }, null, 1)}\n`);
  console.log(`Wrote ${OUTPUT}: ${Object.keys(sorted).length} types from ${sources.join(', ')}.`);
}

await main();
