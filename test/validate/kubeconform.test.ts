// The kubeconform wrapper: in-process strict validation against the schemas in kubeconform layout
// (../shared/schemas here), the download path against a loopback HTTP server, the kubeconform
// binary path, and generate refusing invalid output.
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { fluxObjects } from '../../generator/render/flux/layout.ts';
import { validateManifests, type Manifest } from '../../generator/validate/kubeconform.ts';
import { expandLocations, fillTemplate, SchemaLocator, templateFields } from '../../generator/validate/schema-locations.ts';
import { examples } from '../helpers/render.ts';
import { inWorkspace, runCli, sharedSchemas, snapshotTree } from '../helpers/workspace.ts';

const { environments } = examples();
const manifests: Manifest[] = environments.flatMap((env) => fluxObjects(env));
const offline = { locations: [sharedSchemas], kubeconform: null, cacheDir: path.join(tmpdir(), 'slipway-no-cache') } as const;
const firstOfKind = [...new Map(manifests.map((m) => [m.object.kind, m])).values()];

describe('manifest validation (in-process)', () => {
  it('accepts every object Slipway emits', async () => {
    expect(manifests.length).toBeGreaterThan(40);
    expect(await validateManifests(manifests, offline)).toEqual([]);
  });

  it('has a schema for every kind Slipway emits (a new kind without one fails here)', async () => {
    const locator = new SchemaLocator([sharedSchemas]);
    const missing = [];
    for (const m of firstOfKind) if (!('schema' in (await locator.find(m.object.apiVersion, m.object.kind)))) missing.push(`${m.object.apiVersion} ${m.object.kind}`);
    expect(missing).toEqual([]);
    expect(firstOfKind.map((m) => m.object.kind).sort()).toEqual(
      ['ClusterIssuer', 'ConfigMap', 'HelmRelease', 'HelmRepository', 'Kustomization', 'Namespace', 'NetworkPolicy', 'OCIRepository', 'PrometheusRule', 'RoleBinding', 'SecretProviderClass'].sort(),
    );
  });

  /** A field of the right place with the wrong type, per kind. */
  const wrongType: Record<string, [string, unknown]> = {
    ClusterIssuer: ['/spec/acme/email', 42],
    ConfigMap: ['/data', 'not-a-map'],
    HelmRelease: ['/spec/interval', 5],
    HelmRepository: ['/spec/url', 5],
    Kustomization: ['/spec/prune', 'yes'],
    Namespace: ['/metadata/labels', 'not-a-map'],
    NetworkPolicy: ['/spec/policyTypes', 'Ingress'],
    OCIRepository: ['/spec/url', true],
    PrometheusRule: ['/spec/groups', 'not-a-list'],
    RoleBinding: ['/roleRef/name', 1],
    SecretProviderClass: ['/spec/provider', 7],
  };

  const set = (o: KubeObject, pointer: string, value: unknown): KubeObject => {
    const copy = JSON.parse(JSON.stringify(o));
    const keys = pointer.split('/').slice(1);
    let node = copy;
    for (const k of keys.slice(0, -1)) node = node[k];
    node[keys.at(-1)!] = value;
    return copy;
  };

  it.each(firstOfKind.map((m) => [m.object.kind, m] as const))('%s: an unknown field is rejected with file, kind, name and pointer', async (kind, m) => {
    const field = m.object.spec ? '/spec/slipwayTypo' : '/slipwayTypo';
    const issues = await validateManifests([{ ...m, object: set(m.object, field, true) }], { ...offline, filePrefix: 'out/' });
    expect(issues).toEqual([expect.objectContaining({ code: 'MANIFEST_INVALID', severity: 'error', file: `out/${m.file}`, path: field })]);
    expect(issues[0]!.message).toContain(`${kind} ${m.object.metadata.namespace ? `${m.object.metadata.namespace}/` : ''}${m.object.metadata.name}`);
  });

  it.each(firstOfKind.map((m) => [m.object.kind, m] as const))('%s: a wrong type is rejected with its pointer', async (kind, m) => {
    const [pointer, value] = wrongType[kind]!;
    const issues = await validateManifests([{ ...m, object: set(m.object, pointer, value) }], offline);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.path)).toContain(pointer);
    expect(issues.every((i) => i.file === m.file && i.code === 'MANIFEST_INVALID')).toBe(true);
  });

  it('reports an object without a schema, as a warning with --ignore-missing-schemas', async () => {
    const odd = { object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, file: 'x.yaml' };
    expect(await validateManifests([odd], offline)).toMatchObject([{ code: 'MANIFEST_SCHEMA_MISSING', severity: 'error' }]);
    expect(await validateManifests([odd], { ...offline, ignoreMissingSchemas: true })).toMatchObject([{ code: 'MANIFEST_SCHEMA_MISSING', severity: 'warning' }]);
  });

  it('fills kubeconform templates as kubeconform does', () => {
    expect(fillTemplate('{{.ResourceKind}}{{.KindSuffix}}', templateFields('rbac.authorization.k8s.io/v1', 'RoleBinding'))).toBe('rolebinding-rbac-v1');
    expect(fillTemplate('{{ .ResourceKind }}{{ .KindSuffix }}', templateFields('v1', 'Namespace'))).toBe('namespace-v1');
    expect(fillTemplate('{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}', templateFields('helm.toolkit.fluxcd.io/v2', 'HelmRelease'))).toBe('helm.toolkit.fluxcd.io/helmrelease_v2');
    expect(expandLocations(['default'])).toHaveLength(2);
  });
});

describe('schema download', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];
  let failWith: number | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url!);
      if (failWith) {
        res.writeHead(failWith).end();
        return;
      }
      try {
        const body = readFileSync(path.join(sharedSchemas, decodeURIComponent(req.url!.replace(/^\/schemas\//, ''))));
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/schemas`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads each schema once, then validates from the cache', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'slipway-cache-'));
    try {
      const locations = [`${base}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, `${base}/core/{{.ResourceKind}}{{.KindSuffix}}.json`];
      const options = { locations, kubeconform: null, cacheDir };
      expect(await validateManifests(manifests, options)).toEqual([]);
      const first = requests.length;
      expect(first).toBeGreaterThan(0);
      expect(requests.some((r) => r.includes('helm.toolkit.fluxcd.io/helmrelease_v2.json'))).toBe(true);
      expect(await validateManifests(manifests, options)).toEqual([]);
      expect(requests.length).toBe(first);
      // A plain URL root works like a folder: both kubeconform layouts are tried.
      expect(await validateManifests(manifests.slice(0, 3), { locations: [base], kubeconform: null, cacheDir })).toEqual([]);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('reports a server error as a missing schema with the reason', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'slipway-cache-'));
    failWith = 503;
    try {
      const issues = await validateManifests(manifests.slice(0, 1), { locations: [`${base}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`], kubeconform: null, cacheDir });
      expect(issues).toMatchObject([{ code: 'MANIFEST_SCHEMA_MISSING' }]);
      expect(issues[0]!.message).toContain('HTTP 503');
    } finally {
      failWith = undefined;
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('with kubeconform on PATH', () => {
  // kubeconform cannot be installed here (the workflows install it); this stand-in speaks its CLI:
  // it records its arguments and answers with a report in kubeconform's JSON output format.
  it('runs it strictly with the schema locations and maps its report back to files and objects', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-kc-'));
    try {
      const bin = path.join(dir, 'kubeconform');
      const argsFile = path.join(dir, 'args.json');
      writeFileSync(
        bin,
        `#!/usr/bin/env node
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));
const target = process.argv.at(-1);
console.log(JSON.stringify({ resources: [
  { filename: target + '/1.yaml', kind: 'HelmRelease', name: 'x', version: 'helm.toolkit.fluxcd.io/v2', status: 'statusInvalid', msg: '', validationErrors: [{ path: '/spec/bogus', msg: 'additionalProperties "bogus" not allowed' }] },
  { filename: target + '/0.yaml', kind: 'Namespace', name: 'y', version: 'v1', status: 'statusValid', msg: '' },
], summary: { valid: 1, invalid: 1, errors: 0, skipped: 0 } }));
process.exit(1);
`,
      );
      chmodSync(bin, 0o755);
      const sample = manifests.slice(0, 2);
      const issues = await validateManifests(sample, { locations: [sharedSchemas, 'default'], kubeconform: bin, cacheDir: dir });
      const args = JSON.parse(readFileSync(argsFile, 'utf8')) as string[];
      expect(args.slice(0, 4)).toEqual(['-strict', '-output', 'json', '-summary']);
      expect(args.filter((a, i) => args[i - 1] === '-schema-location')).toEqual([...expandLocations([sharedSchemas, 'default'])]);
      expect(issues).toEqual([expect.objectContaining({ code: 'MANIFEST_INVALID', file: sample[1]!.file, path: '/spec/bogus' })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('generate', () => {
  it('validates before it writes and refuses invalid output', async () => {
    await inWorkspace(async (ws) => {
      // A schema folder in which HelmRelease demands a field Slipway never sets.
      const schemas = path.join(ws, 'strict-schemas');
      cpSync(sharedSchemas, schemas, { recursive: true });
      const file = path.join(schemas, 'helm.toolkit.fluxcd.io/helmrelease_v2.json');
      const schema = JSON.parse(readFileSync(file, 'utf8'));
      schema.required = [...(schema.required ?? []), 'status'];
      writeFileSync(file, JSON.stringify(schema));
      expect((await runCli(['generate'])).code).toBe(0);
      const before = snapshotTree(path.join(ws, 'out'));
      const run = await runCli(['generate', '--schema-location', schemas]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/out\/numbers-prod\/flux\/infrastructure\/controllers\/ingress-nginx-values\.yaml error MANIFEST_INVALID HelmRelease ingress-nginx\/ingress-nginx: \/ must have required property 'status'/);
      expect(run.stderr).toContain('The rendered manifests are invalid; nothing was written to out/.');
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);
    });
  });

  it('reads schema locations from SLIPWAY_SCHEMA_LOCATION', async () => {
    await inWorkspace(async (ws) => {
      const run = await runCli(['generate', '--check'], { SLIPWAY_SCHEMA_LOCATION: path.join(ws, 'nowhere') });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('MANIFEST_SCHEMA_MISSING');
      const ignored = await runCli(['generate'], { SLIPWAY_SCHEMA_LOCATION: path.join(ws, 'nowhere') }, false);
      expect(ignored.code).toBe(1);
      expect((await runCli(['generate', '--ignore-missing-schemas'], { SLIPWAY_SCHEMA_LOCATION: path.join(ws, 'nowhere') })).code).toBe(0);
    });
  });
});
