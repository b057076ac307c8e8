// Writes schema/kubernetes/: the Kubernetes JSON Schemas Slipway validates against, embedded in the
// package so that generate needs no network and no files outside the package. Built from upstream
// data only, never edited by hand:
//   - built-in kinds: the strict Kubernetes definitions in ../shared/schemas/kubernetes-v<version>-strict/
//   - custom resources: the CRDs inside the pinned chart archives (exactly what those charts install),
//     or, for kinds no chart here installs (Flux, the Secrets Store CSI driver), the catalog JSON
//     Schemas in ../shared/schemas/<group>/
// Output: schemas.json (one shared definitions map, an index "<apiVersion>/<Kind>" → definition,
// descriptions stripped, keys sorted) and SOURCES.md (per kind: input file, path inside, sha256).
//   npx tsx scripts/kube-schemas.ts            write
//   npx tsx scripts/kube-schemas.ts --check    exit 1 when the committed files differ
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unpackArchive } from '../generator/charts/archive.ts';
import { chartCrds } from '../generator/charts/crds.ts';
import { OBJECT_META, type EmbeddedSet } from '../generator/validate/embedded.ts';
import { schemaRefs, sortedKeys, strictSchema, withoutDescriptions } from '../generator/validate/strict-schema.ts';

type Schema = Record<string, unknown>;

const repoRoot = path.resolve(import.meta.dirname, '..');
const SHARED = path.resolve(repoRoot, '../shared');
const OUT_DIR = 'schema/kubernetes';
const KUBERNETES = { version: '1.32.2', file: 'schemas/kubernetes-v1.32.2-strict/_definitions.json' };

/**
 * Custom resources, one line per kind. With `chart`, the CRD comes from that archive in
 * ../shared/charts/archives; without, from the catalog file schemas/<group>/<kind>_<version>.json.
 */
const CUSTOM_RESOURCES: ReadonlyArray<{ group: string; version: string; kind: string; chart?: string }> = [
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmRepository' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'OCIRepository' },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease' },
  { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' },
  { group: 'secrets-store.csi.x-k8s.io', version: 'v1', kind: 'SecretProviderClass' },
  { group: 'cert-manager.io', version: 'v1', kind: 'ClusterIssuer', chart: 'cert-manager-v1.21.1' },
  { group: 'cert-manager.io', version: 'v1', kind: 'Issuer', chart: 'cert-manager-v1.21.1' },
  { group: 'cert-manager.io', version: 'v1', kind: 'Certificate', chart: 'cert-manager-v1.21.1' },
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'ServiceMonitor', chart: 'kube-prometheus-stack-88.5.3' },
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'PodMonitor', chart: 'kube-prometheus-stack-88.5.3' },
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'PrometheusRule', chart: 'kube-prometheus-stack-88.5.3' },
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'Probe', chart: 'kube-prometheus-stack-88.5.3' },
  { group: 'velero.io', version: 'v1', kind: 'Schedule', chart: 'velero-12.1.0' },
  { group: 'velero.io', version: 'v1', kind: 'BackupStorageLocation', chart: 'velero-12.1.0' },
  { group: 'velero.io', version: 'v1', kind: 'VolumeSnapshotLocation', chart: 'velero-12.1.0' },
];

interface Source {
  /** Relative to ../shared. */
  readonly file: string;
  readonly inside?: string;
  readonly sha256: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const apiVersionOf = (group: string, version: string) => (group ? `${group}/${version}` : version);
/** How the API server names a CRD's definition in its OpenAPI document: reversed group, version, kind. */
const definitionName = (group: string, version: string, kind: string) => `${group.split('.').reverse().join('.')}.${version}.${kind}`;

function readShared(file: string): Buffer {
  const abs = path.join(SHARED, file);
  if (!existsSync(abs)) throw new Error(`${abs} does not exist: this script reads the upstream data in ../shared next to the repository.`);
  return readFileSync(abs);
}

function build(): { set: EmbeddedSet; sources: Map<string, Source> } {
  const definitions: Record<string, Schema> = {};
  const kinds: Record<string, string> = {};
  const sources = new Map<string, Source>();

  // Built-in kinds: every definition tagged with a group-version-kind, and what it references.
  const k8sBytes = readShared(KUBERNETES.file);
  const k8s = (JSON.parse(k8sBytes.toString('utf8')) as { definitions: Record<string, Schema> }).definitions;
  const k8sSource = { file: KUBERNETES.file, sha256: sha256(k8sBytes) };
  for (const [name, schema] of Object.entries(k8s)) {
    for (const gvk of (schema['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }> | undefined) ?? []) {
      const key = `${apiVersionOf(gvk.group, gvk.version)}/${gvk.kind}`;
      kinds[key] = name;
      sources.set(key, k8sSource);
    }
  }
  const pending = [...new Set([...Object.values(kinds), OBJECT_META])];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (definitions[name]) continue;
    const schema = k8s[name];
    if (!schema) throw new Error(`${KUBERNETES.file} refers to #/definitions/${name}, which it does not define.`);
    definitions[name] = withoutDescriptions(schema);
    for (const ref of schemaRefs(schema)) pending.push(ref.replace(/^#\/definitions\//, ''));
  }

  // Custom resources: strict like kubeconform's conversion, metadata checked as ObjectMeta.
  const archives = new Map<string, { files: Map<string, Buffer>; sha256: string; file: string }>();
  for (const cr of CUSTOM_RESOURCES) {
    let schema: Schema;
    let source: Source;
    if (cr.chart) {
      const file = `charts/archives/${cr.chart}.tgz`;
      if (!archives.has(cr.chart)) {
        const bytes = readShared(file);
        archives.set(cr.chart, { files: unpackArchive(bytes, file), sha256: sha256(bytes), file });
      }
      const archive = archives.get(cr.chart)!;
      const matches = chartCrds(archive.files).filter((c) => c.group === cr.group && c.kind === cr.kind);
      if (matches.length !== 1) throw new Error(`${file} has ${matches.length} CRDs for ${cr.group} ${cr.kind} (${matches.map((m) => m.file).join(', ') || 'none'}); expected exactly one.`);
      const crd = matches[0]!;
      const version = crd.versions.find((v) => v.name === cr.version);
      if (!version?.schema) throw new Error(`${file}:${crd.file} has no openAPIV3Schema for ${cr.kind} ${cr.version} (versions: ${crd.versions.map((v) => v.name).join(', ')}).`);
      schema = version.schema;
      source = { file, inside: crd.file, sha256: archive.sha256 };
    } else {
      const file = `schemas/${cr.group}/${cr.kind.toLowerCase()}_${cr.version}.json`;
      const bytes = readShared(file);
      schema = JSON.parse(bytes.toString('utf8')) as Schema;
      source = { file, sha256: sha256(bytes) };
    }
    const strict = strictSchema(withoutDescriptions(schema));
    const properties = { ...(strict.properties as Schema), metadata: { $ref: `#/definitions/${OBJECT_META}` } };
    const key = `${apiVersionOf(cr.group, cr.version)}/${cr.kind}`;
    if (kinds[key]) throw new Error(`${key} is both a built-in kind and a custom resource in the table.`);
    const name = definitionName(cr.group, cr.version, cr.kind);
    definitions[name] = { ...strict, properties };
    kinds[key] = name;
    sources.set(key, source);
  }
  return { set: { kubernetesVersion: KUBERNETES.version, kinds, definitions }, sources };
}

function sourcesMarkdown(set: EmbeddedSet, sources: Map<string, Source>): string {
  const keys = Object.keys(set.kinds).sort();
  const custom = keys.filter((k) => sources.get(k)!.file !== KUBERNETES.file);
  // Built-in kinds all come from one file: listed per apiVersion, one line each.
  const builtIn = new Map<string, string[]>();
  for (const key of keys.filter((k) => !custom.includes(k))) {
    const apiVersion = key.slice(0, key.lastIndexOf('/'));
    builtIn.set(apiVersion, [...(builtIn.get(apiVersion) ?? []), key.slice(apiVersion.length + 1)]);
  }
  const inputs = [...new Map([...sources.values()].map((s) => [s.file, s.sha256])).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return `# Embedded Kubernetes schemas: sources

Generated by \`npx tsx scripts/kube-schemas.ts\` from the upstream data in \`../shared\` (paths below are
relative to it); \`--check\` fails when these files differ from what the script writes. Do not edit.

- \`schemas.json\`: ${keys.length} kinds (\`"<apiVersion>/<Kind>"\` → definition), ${Object.keys(set.definitions).length} definitions in one
  shared map, descriptions removed, keys sorted.
- Built-in kinds: Kubernetes ${set.kubernetesVersion}, every definition of \`${KUBERNETES.file}\` that carries
  \`x-kubernetes-group-version-kind\` (strict as published: \`additionalProperties: false\`).
- Custom resources: the CRD's \`openAPIV3Schema\` from a chart archive (what that chart installs), or a
  catalog JSON Schema; converted as kubeconform's openapi2jsonschema \`--strict\` does
  (\`additionalProperties: false\` where properties are declared, int-or-string, nullable), with
  \`metadata\` checked as Kubernetes \`ObjectMeta\`.

## Inputs

| file | sha256 |
| --- | --- |
${inputs.map(([file, hash]) => `| \`${file}\` | \`${hash}\` |`).join('\n')}

## Custom resources

| apiVersion/Kind | definition | input | path inside the archive |
| --- | --- | --- | --- |
${custom.map((k) => `| \`${k}\` | \`${set.kinds[k]}\` | \`${sources.get(k)!.file}\` | ${sources.get(k)!.inside ? `\`${sources.get(k)!.inside}\`` : '—'} |`).join('\n')}

## Built-in kinds (Kubernetes ${set.kubernetesVersion}, from \`${KUBERNETES.file}\`)

${[...builtIn].map(([apiVersion, kinds]) => `- \`${apiVersion}\`: ${kinds.join(', ')}`).join('\n')}
`;
}

/**
 * Sorted, compact JSON with one definition and one index entry per line: a regeneration's diff
 * names the definitions that changed instead of rewriting one 400 KB line.
 */
function oneEntryPerLine(set: EmbeddedSet): string {
  const map = (value: Readonly<Record<string, unknown>>) =>
    `{\n${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${JSON.stringify(sortedKeys(value[k]))}`)
      .join(',\n')}\n}`;
  return `{\n"definitions":${map(set.definitions)},\n"kinds":${map(set.kinds)},\n"kubernetesVersion":${JSON.stringify(set.kubernetesVersion)}\n}\n`;
}

function main(args: string[]): number {
  const check = args.includes('--check');
  let built: ReturnType<typeof build>;
  try {
    built = build();
  } catch (e) {
    console.error(`kube-schemas: ${(e as Error).message}`);
    return 2;
  }
  const { set, sources } = built;
  const files = new Map([
    ['schemas.json', oneEntryPerLine(set)],
    ['SOURCES.md', sourcesMarkdown(set, sources)],
  ]);
  const outDir = path.join(repoRoot, OUT_DIR);
  if (check) {
    const stale = [...files].filter(([name, text]) => !existsSync(path.join(outDir, name)) || readFileSync(path.join(outDir, name), 'utf8') !== text).map(([name]) => `${OUT_DIR}/${name}`);
    if (stale.length === 0) {
      console.log(`${OUT_DIR}/ is up to date.`);
      return 0;
    }
    console.error(`${stale.join(', ')} ${stale.length === 1 ? 'differs' : 'differ'} from what the script writes.\n  hint: run "npx tsx scripts/kube-schemas.ts" and commit the result.`);
    return 1;
  }
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(outDir, name), text);
  const size = Buffer.byteLength(files.get('schemas.json')!);
  console.log(`wrote ${OUT_DIR}/schemas.json (${Object.keys(set.kinds).length} kinds, ${Object.keys(set.definitions).length} definitions, ${(size / 1024).toFixed(0)} KiB) and ${OUT_DIR}/SOURCES.md.`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
