// The built-in kustomize equals `kubectl kustomize` (kustomize v5.5) object for object, on every
// folder of every example environment and every shared base; and it refuses what it does not
// implement instead of building something else.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { apps, platform } from '../../generator/catalog/index.ts';
import { kustomizationRoots, kustomizeBuild, KustomizeError } from '../../generator/kustomize/build.ts';
import { objectKey } from '../../generator/diff/releases.ts';
import { examples } from '../helpers/render.ts';

const { files } = examples();
const folders = [...new Set([...files.keys()].filter((f) => f.endsWith('/kustomization.yaml')).map((f) => path.posix.dirname(f)))].sort();
const tree = mkdtempSync(path.join(tmpdir(), 'slipway-kustomize-'));
for (const [file, content] of files) {
  mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
  writeFileSync(path.join(tree, file), content);
}
afterAll(() => rmSync(tree, { recursive: true, force: true }));

const byKey = (objects: readonly KubeObject[]) => Object.fromEntries(objects.map((o) => [objectKey(o), o]));

describe('built-in kustomize', () => {
  it('covers every kind of folder of the layout', () => {
    const environments = [...new Set([...files.keys()].filter((f) => f.endsWith('/environment.resolved.yaml')).map((f) => f.split('/')[0]!))];
    expect(environments).toEqual(expect.arrayContaining(['dora-staging', 'numbers-prod', 'numbers-test']));
    for (const env of environments) {
      expect(folders).toEqual(expect.arrayContaining([`${env}/flux`, `${env}/flux/infrastructure/controllers`, `${env}/flux/infrastructure/configs`, `${env}/flux/apps`]));
      expect(folders.filter((f) => f.startsWith(`${env}/flux/apps/`)).length).toBeGreaterThan(0);
    }
    // One folder per platform release, and an app kind's source and release apart.
    // The examples install every platform release and every app kind (dora-staging runs services).
    expect(folders.filter((f) => f.startsWith('base/')).length).toBe(platform.length + 2 * apps.length);
  });

  it.each(folders)('builds %s exactly like kubectl kustomize', (folder) => {
    // kubectl (with kustomize v5) must be on PATH.
    const printed = execFileSync('kubectl', ['kustomize', path.join(tree, folder)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const expected = parseAllDocuments(printed).map((d) => d.toJS() as KubeObject).filter(Boolean);
    const built = kustomizeBuild(files, folder);
    expect(built.objects.length).toBe(expected.length);
    expect(byKey(built.objects)).toEqual(byKey(expected));
    expect(expected.length).toBeGreaterThan(0);
  });

  it('finds the folders a sync applies: the entry point and each Flux Kustomization path', () => {
    const prod = [...files.keys()].filter((f) => f.startsWith('numbers-prod/flux/'));
    expect(kustomizationRoots(files, prod)).toEqual(['numbers-prod/flux', 'numbers-prod/flux/apps', 'numbers-prod/flux/infrastructure/configs', 'numbers-prod/flux/infrastructure/controllers']);
  });

  it('never changes the parsed files it shares between builds', () => {
    const tree = new Map(files);
    const instances = kustomizeBuild(tree, 'numbers-prod/flux/apps').objects.filter((o) => o.kind === 'HelmRelease');
    expect(instances.map((o) => [o.metadata.name, (o.spec as { targetNamespace: string }).targetNamespace]).sort()).toEqual([
      ['postfacto-v4-3-10', 'postfacto-v4-3-10'],
      ['postfacto-v4-3-11', 'postfacto-v4-3-11'],
    ]);
    // The same parsed base, built again after the overlays renamed, placed and patched it.
    const base = kustomizeBuild(tree, 'base/postfacto/release').objects.find((o) => o.kind === 'HelmRelease')!;
    expect(base.metadata).toEqual({ name: 'postfacto', namespace: 'flux-system' });
    expect(base.spec).toEqual(parseAllDocuments(files.get('base/postfacto/release/helmrelease.yaml')!)[0]!.toJS().spec);
  });

  it('records every file it read, shared bases included', () => {
    const { read } = kustomizeBuild(files, 'numbers-prod/flux/apps');
    expect(read).toContain('base/postfacto/release/helmrelease.yaml');
    expect(read).toContain('base/postfacto/source/source.yaml');
    expect(read).toContain('numbers-prod/flux/apps/postfacto-v4-3-10/values.yaml');
  });
});

describe('built-in kustomize on hand-written trees', () => {
  const thing = (extra: string) => `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: a\n${extra}`;

  it('merges a patch like kustomize does for a custom resource: maps merge, lists are replaced, null removes', () => {
    const tree = new Map([
      ['k/kustomization.yaml', 'resources: [thing.yaml]\nnamespace: ns\npatches:\n  - path: p.yaml\n    target: {kind: Thing, name: a}\n  - target: {kind: Thing}\n    patch: \'[{"op":"replace","path":"/metadata/name","value":"b"},{"op":"add","path":"/spec/list/-","value":9}]\'\n  - target: {kind: Thing, name: a}\n    patch: \'[{"op":"remove","path":"/spec/gone"}]\'\n'],
      ['k/thing.yaml', thing('spec:\n  list: [1, 2]\n  keep: {x: null, y: 1}\n  gone: 1\n  drop: 1\n')],
      ['k/p.yaml', 'apiVersion: other/v9\nkind: Thing\nmetadata:\n  name: ignored\n  labels: {l: "1"}\nspec:\n  list: [3]\n  keep: {y: 2}\n  drop: null\n  new: {z: null, w: 1}\n'],
    ]);
    expect(kustomizeBuild(tree, 'k').objects).toEqual([
      { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'b', namespace: 'ns', labels: { l: '1' } }, spec: { list: [3, 9], keep: { x: null, y: 2 }, new: { w: 1 } } },
    ]);
  });

  it.each([
    ['an unsupported field', 'resources: [thing.yaml]\ncommonLabels: {a: b}\n', /the field "commonLabels" is not supported by Slipway's built-in kustomize/],
    ['a missing resource', 'resources: [nothing.yaml]\n', /the resource nothing.yaml is neither a file nor a folder with a kustomization.yaml/],
    ['a resource outside the tree', 'resources: [../../x]\n', /outside the tree being built/],
    ['a JSON patch without target', 'resources: [thing.yaml]\npatches:\n  - patch: \'[{"op":"remove","path":"/spec"}]\'\n', /needs a target/],
    ['a JSON patch on a missing path', 'resources: [thing.yaml]\npatches:\n  - target: {kind: Thing}\n    patch: \'[{"op":"replace","path":"/spec/nope","value":1}]\'\n', /does not exist in the target/],
    ['a strategic-merge directive', 'resources: [thing.yaml]\npatches:\n  - target: {kind: Thing}\n    patch: "spec:\\n  $patch: delete\\n"\n', /directive "\$patch" is not supported/],
    ['the same object twice', 'resources: [thing.yaml, again.yaml]\n', /Thing a is listed twice/],
  ])('refuses %s with a sentence naming it', (_what, kustomization, message) => {
    const tree = new Map([
      ['k/kustomization.yaml', kustomization],
      ['k/thing.yaml', thing('spec: {}\n')],
      ['k/again.yaml', thing('spec: {}\n')],
    ]);
    expect(() => kustomizeBuild(tree, 'k')).toThrow(KustomizeError);
    expect(() => kustomizeBuild(tree, 'k')).toThrow(message);
  });
});
