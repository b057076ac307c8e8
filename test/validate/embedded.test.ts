// The schema set inside the package (schema/kubernetes/): complete, compact and strict on any
// machine; identical to what scripts/kube-schemas.ts makes from the upstream data where that data is.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_FILE, embeddedSet, embeddedValidator, OBJECT_META } from '../../generator/validate/embedded.ts';
import { schemaRefs } from '../../generator/validate/strict-schema.ts';
import { describeWithUpstreamSchemas } from '../helpers/charts.ts';
import { repoRoot } from '../helpers/workspace.ts';

type Schema = Record<string, unknown>;
const set = embeddedSet();
const definitions = set.definitions as Record<string, Schema>;

/** Every schema object in the set with the path that reaches it. */
function* walk(node: unknown, at: string): Generator<[string, Schema]> {
  if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* walk(v, `${at}/${i}`);
  else if (node && typeof node === 'object') {
    yield [at, node as Schema];
    for (const [k, v] of Object.entries(node)) if (!['enum', 'default', 'example', 'x-kubernetes-validations'].includes(k)) yield* walk(v, `${at}/${k}`);
  }
}

describe('the embedded schema set', () => {
  it('indexes kinds as <apiVersion>/<Kind>, built-in and custom, each to a definition it has', () => {
    expect(set.kubernetesVersion).toBe('1.32.2');
    expect(set.kinds['apps/v1/Deployment']).toBe('io.k8s.api.apps.v1.Deployment');
    expect(set.kinds['v1/Namespace']).toBe('io.k8s.api.core.v1.Namespace');
    expect(set.kinds['helm.toolkit.fluxcd.io/v2/HelmRelease']).toBe('io.fluxcd.toolkit.helm.v2.HelmRelease');
    for (const key of ['cert-manager.io/v1/Issuer', 'monitoring.coreos.com/v1/PodMonitor', 'velero.io/v1/VolumeSnapshotLocation', 'source.toolkit.fluxcd.io/v1/GitRepository']) expect(set.kinds).toHaveProperty([key]);
    const dangling = Object.entries(set.kinds).filter(([, name]) => !definitions[name]);
    expect(dangling).toEqual([]);
  });

  it('is self-contained: every $ref points at a definition in the set', () => {
    const refs = new Set(Object.values(definitions).flatMap((d) => [...schemaRefs(d)]));
    expect(refs.size).toBeGreaterThan(100);
    expect([...refs].filter((r) => !definitions[r.replace(/^#\/definitions\//, '')])).toEqual([]);
  });

  it('is compact: no descriptions, no copy of a definition per kind, keys sorted, LF', () => {
    const text = readFileSync(path.join(repoRoot, EMBEDDED_FILE), 'utf8');
    expect([...walk(definitions, '')].filter(([, s]) => typeof s.description === 'string').map(([at]) => at)).toEqual([]);
    expect(text).not.toContain('\r');
    expect(text.endsWith('}\n')).toBe(true);
    // ObjectMeta is one definition that all kinds share.
    expect(text.split(`"${OBJECT_META}":`).length).toBe(2);
    const unsorted = [...walk(definitions, '')].filter(([, s]) => Object.keys(s).join() !== Object.keys(s).sort().join());
    expect(unsorted.map(([at]) => at)).toEqual([]);
    expect(Buffer.byteLength(text)).toBeLessThan(600 * 1024);
  });

  it('is strict: every object that declares properties closes them or keeps unknown fields on purpose', () => {
    const open = [...walk(definitions, '')].filter(([at, s]) => !at.endsWith('/properties') && s.properties && typeof s.properties === 'object' && !('additionalProperties' in s) && s['x-kubernetes-preserve-unknown-fields'] !== true);
    expect(open.map(([at]) => at)).toEqual([]);
  });

  it('checks a custom resource\'s metadata as ObjectMeta', async () => {
    const custom = Object.values(set.kinds).filter((name) => !name.startsWith('io.k8s.'));
    expect(custom).toHaveLength(16);
    for (const name of custom) expect(definitions[name]).toHaveProperty('properties.metadata', { $ref: `#/definitions/${OBJECT_META}` });
    const validate = (await embeddedValidator('cert-manager.io/v1', 'Certificate'))!;
    expect(validate({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'x', lables: {} }, spec: { secretName: 's', issuerRef: { name: 'i' } } })).toBe(false);
    expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/metadata', params: { additionalProperty: 'lables' } })]);
  });

  it('compiles each kind once per process', async () => {
    expect(await embeddedValidator('v1', 'ConfigMap')).toBe(await embeddedValidator('v1', 'ConfigMap'));
    expect(await embeddedValidator('example.com/v1', 'Widget')).toBeUndefined();
  });
});

describeWithUpstreamSchemas('schema/kubernetes/ against the upstream data', () => {
  it('is what scripts/kube-schemas.ts writes (regenerate with: npx tsx scripts/kube-schemas.ts)', async () => {
    const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
    const run = await promisify(execFile)(process.execPath, [tsx, path.join(repoRoot, 'scripts/kube-schemas.ts'), '--check'], { cwd: repoRoot }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('schema/kubernetes/ is up to date.\n');
  });
});
