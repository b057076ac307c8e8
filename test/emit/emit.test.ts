// generate and generate --check against a real out/ folder: ownership, pruning, drift, conflicts.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSafePath, planEmit, UnsafePathError } from '../../generator/emit/plan.ts';
import { manifestMatches, parseManifest, serializeManifest } from '../../generator/emit/manifest.ts';
import { inWorkspace, runCli, snapshotTree } from '../helpers/workspace.ts';

const resolvedTest = 'out/numbers-test/environment.resolved.yaml';
const manifest = () => JSON.parse(readFileSync('out/.slipway-manifest.json', 'utf8')) as { generator: string; files: Record<string, string> };

describe('generate', () => {
  it('writes every file with a manifest, then rewrites nothing on a second run', async () => {
    await inWorkspace(async (ws) => {
      const first = await runCli(['generate']);
      expect(first).toMatchObject({ code: 0 });
      const owned = Object.keys(manifest().files);
      const examples = readdirSync('environments').filter((f) => f.endsWith('.yaml'));
      expect(examples.length).toBeGreaterThanOrEqual(3);
      expect(owned).toEqual(expect.arrayContaining([...examples.map((f) => `${path.basename(f, '.yaml')}/environment.resolved.yaml`), 'numbers-prod/terraform/aks/main.tf']));
      expect(first.stdout).toContain(`${owned.length} written, 0 pruned, 0 unchanged (${examples.length} environments)`);
      expect(manifest().files['numbers-test/environment.resolved.yaml']).toMatch(/^sha256:[0-9a-f]{64}$/);
      const before = snapshotTree(path.join(ws, 'out'));
      const second = await runCli(['generate']);
      expect(second.stdout).toContain(`0 written, 0 pruned, ${owned.length} unchanged`);
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);
      expect((await runCli(['generate', '--check'])).code).toBe(0);
    });
  });

  it('--check catches a hand-edited, a deleted and a stale extra file, and writes nothing', async () => {
    await inWorkspace(async (ws) => {
      await runCli(['generate']);
      writeFileSync(resolvedTest, `${readFileSync(resolvedTest, 'utf8')}# tweak\n`);
      rmSync('out/numbers-prod/environment.resolved.yaml');
      // numbers-test's files become stale extras once the environment is gone; keep a copy to restore.
      const testEnv = readFileSync('environments/numbers-test.yaml');
      rmSync('environments/numbers-test.yaml');
      const before = snapshotTree(path.join(ws, 'out'));
      const check = await runCli(['generate', '--check']);
      expect(check.code).toBe(1);
      expect(check.stdout).toContain('missing  out/numbers-prod/environment.resolved.yaml');
      expect(check.stdout).toContain(`extra    ${resolvedTest}`);
      expect(check.stdout).toContain('hint: run "slipway generate"');
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);

      writeFileSync('environments/numbers-test.yaml', testEnv);
      const edited = await runCli(['generate', '--check']);
      expect(edited.stdout).toContain(`changed  ${resolvedTest}`);
      const regen = await runCli(['generate']);
      expect(regen.stderr).toContain(`note: ${resolvedTest} was edited by hand; regenerated.`);
      expect((await runCli(['generate', '--check'])).code).toBe(0);
    });
  });

  it('prunes owned files of a removed environment and its emptied folder, never anything else', async () => {
    await inWorkspace(async () => {
      await runCli(['generate']);
      const testFiles = Object.keys(manifest().files).filter((f) => f.startsWith('numbers-test/'));
      writeFileSync('out/README.md', 'ours, not slipway\n');
      writeFileSync('out/numbers-test/notes.txt', 'hand-written notes\n');
      mkdirSync('out/numbers-prod/extra', { recursive: true });
      writeFileSync('out/numbers-prod/extra/kept.yaml', 'a: 1\n');
      rmSync('environments/numbers-test.yaml');

      const run = await runCli(['generate']);
      // numbers-prod's dns stack no longer keeps numbers-test's delegation: its two files change.
      expect(run.stdout).toContain(`2 written, ${testFiles.length} pruned`);
      for (const f of testFiles) expect(existsSync(`out/${f}`), f).toBe(false);
      expect(existsSync(resolvedTest)).toBe(false);
      expect(readFileSync('out/README.md', 'utf8')).toBe('ours, not slipway\n');
      expect(readFileSync('out/numbers-test/notes.txt', 'utf8')).toBe('hand-written notes\n');
      expect(readFileSync('out/numbers-prod/extra/kept.yaml', 'utf8')).toBe('a: 1\n');
      expect(Object.keys(manifest().files).some((f) => f.startsWith('numbers-test/'))).toBe(false);
      expect(Object.keys(manifest().files).some((f) => f.startsWith('base/'))).toBe(true);

      rmSync('out/numbers-test/notes.txt');
      const emptied = await runCli(['generate']);
      expect(emptied.code).toBe(0);
      // Nothing owned was left to prune, so the now-empty folder is not Slipway's to remove.
      expect(existsSync('out/numbers-test')).toBe(true);
    });
  });

  it('removes a folder that pruning leaves empty', async () => {
    await inWorkspace(async () => {
      await runCli(['generate']);
      rmSync('environments/numbers-test.yaml');
      await runCli(['generate']);
      expect(existsSync('out/numbers-test')).toBe(false);
      expect(existsSync('out/numbers-prod/environment.resolved.yaml')).toBe(true);
    });
  });

  it('refuses to overwrite a file it did not generate, and writes nothing at all', async () => {
    await inWorkspace(async (ws) => {
      mkdirSync('out/numbers-test', { recursive: true });
      writeFileSync(resolvedTest, 'someone else wrote this\n');
      const before = snapshotTree(path.join(ws, 'out'));
      const run = await runCli(['generate']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Refusing to overwrite 1 file(s) in out/ that Slipway did not generate: numbers-test/environment.resolved.yaml.`);
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);
      const check = await runCli(['generate', '--check']);
      expect(check.stdout).toContain(`foreign  ${resolvedTest} (not generated by slipway)`);
    });
  });

  it('treats a folder at a generated path as a conflict', async () => {
    await inWorkspace(async () => {
      mkdirSync(resolvedTest, { recursive: true });
      const run = await runCli(['generate']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('did not generate');
    });
  });

  it('adopts files that already hold exactly the generated content (a lost manifest)', async () => {
    await inWorkspace(async () => {
      await runCli(['generate']);
      const owned = Object.keys(manifest().files).length;
      rmSync('out/.slipway-manifest.json');
      expect((await runCli(['generate', '--check'])).stdout).toContain('changed  out/.slipway-manifest.json');
      const run = await runCli(['generate']);
      expect(run.code).toBe(0);
      expect(Object.keys(manifest().files)).toHaveLength(owned);
    });
  });

  it('reports a corrupt manifest clearly instead of guessing what it owns', async () => {
    await inWorkspace(async () => {
      await runCli(['generate']);
      writeFileSync('out/.slipway-manifest.json', '{ not json');
      const run = await runCli(['generate']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('is not a Slipway manifest');
      expect(run.stderr).toContain('restore it from git');
    });
  });

  it('--env renders one environment and leaves the others, and their manifest entries, alone', async () => {
    await inWorkspace(async () => {
      await runCli(['generate']);
      const owned = Object.keys(manifest().files);
      // --env renders the environment and the shared layers it builds on (the Flux bases its
      // kustomizations name, module copies): out/base/services is dora-staging's alone.
      const testTree = [...snapshotTree('out/numbers-test').values()].join('\n');
      const testBases = new Set([...testTree.matchAll(/\/base\/([a-z0-9-]+)/g)].map((m) => m[1]));
      expect(testBases.has('postfacto') && !testBases.has('services')).toBe(true);
      const testFiles = owned.filter((f) => f.startsWith('numbers-test/') || testBases.has(f.split('/')[1]!) && f.startsWith('base/') || f.startsWith('modules/')).length;
      const prodBefore = readFileSync('out/numbers-prod/environment.resolved.yaml', 'utf8');
      rmSync(resolvedTest);
      const run = await runCli(['generate', '--env', 'numbers-test']);
      expect(run.stdout).toContain(`1 written, 0 pruned, ${testFiles - 1} unchanged (1 environment)`);
      expect(readFileSync('out/numbers-prod/environment.resolved.yaml', 'utf8')).toBe(prodBefore);
      expect(Object.keys(manifest().files)).toEqual(owned);
      expect((await runCli(['generate', '--check', '--env', 'numbers-prod'])).code).toBe(0);
      const unknown = await runCli(['generate', '--env', 'nope']);
      expect(unknown.code).toBe(2);
      const known = readdirSync('environments').filter((f) => f.endsWith('.yaml')).map((f) => path.basename(f, '.yaml')).sort();
      expect(unknown.stderr).toContain(`There is no environment named "nope"; known: ${known.join(', ')}.`);
    });
  });

  it('cleans up a staging folder left by a crashed run and leaves none behind', async () => {
    await inWorkspace(async () => {
      mkdirSync('out/.slipway-staging-crashed/numbers-test', { recursive: true });
      writeFileSync('out/.slipway-staging-crashed/numbers-test/half.yaml', 'x');
      await runCli(['generate']);
      expect(snapshotTree('out').has('.slipway-staging-crashed/numbers-test/half.yaml')).toBe(false);
      expect([...snapshotTree('out').keys()].some((f) => f.startsWith('.slipway-staging-'))).toBe(false);
    });
  });

  it('writes into --out DIR', async () => {
    await inWorkspace(async () => {
      expect((await runCli(['generate', '--out', 'build/gitops'])).code).toBe(0);
      expect(existsSync('build/gitops/numbers-prod/environment.resolved.yaml')).toBe(true);
      expect(existsSync('out')).toBe(false);
    });
  });
});

describe('output paths', () => {
  it.each(['../escape.yaml', '/etc/passwd', 'a//b', 'a/./b', 'a\\b', 'numbers-prod/flux/flux-system/gotk-sync.yaml', '.slipway-manifest.json', '', '.', '..', 'a/..', 'a/', 'a/.', 'flux-system', 'flux-system/a'])('rejects %s', (p) => {
    expect(() => assertSafePath(p)).toThrow(UnsafePathError);
  });
  it('accepts a plain relative path', () => {
    expect(() => assertSafePath('numbers-prod/flux/apps/kustomization.yaml')).not.toThrow();
    for (const p of ['.hidden/a', 'a/...', 'a/..b', 'b../c', 'my-flux-system/a', 'flux-systems/a', 'a/flux-system.yaml']) expect(() => assertSafePath(p), p).not.toThrow();
  });
});

describe('planning with no out/', () => {
  // Where out/ is not there, planEmit skips the look at each file: the plan must be the one an empty out/ gives.
  it('is the plan of an empty out/', async () => {
    await inWorkspace(async () => {
      const files = new Map<string, string | Buffer>([['a/b.yaml', 'x: 1\n'], ['a/c/d.tf', Buffer.from('y = 2\n')], ['e.json', '{}\n']]);
      mkdirSync('empty-out');
      const fast = planEmit('no-out', files);
      expect(fast).toEqual(planEmit('empty-out', files));
      expect(fast.missing).toEqual(['a/b.yaml', 'a/c/d.tf', 'e.json']);
      // Under a file (ENOTDIR, not a plain "no such file"), the look per file runs, and finds the same.
      writeFileSync('a-file', '');
      expect(() => planEmit('a-file/out', files)).not.toThrow();
      expect(planEmit('a-file/out', files).missing).toEqual(fast.missing);
    });
  });
});

describe('the manifest', () => {
  // serializeManifest writes the text line by line; JSON.stringify of the object is what it must equal.
  it('is the two-space JSON of its files in path order, whatever order they come in', () => {
    const asJson = (files: Map<string, string>) =>
      `${JSON.stringify({ generator: 'slipway', note: 'Files generated by slipway. Only these are ever rewritten or pruned.', files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1))) }, null, 2)}\n`;
    const cases = [
      new Map<string, string>(),
      new Map([['a/b.yaml', 'sha256:00']]),
      new Map([['z.tf', 'sha256:1'], ['a "quoted"\\name.yaml', 'sha256:2'], ['é/日本.yaml', 'sha256:3'], ['a/b.yaml', 'sha256:4']]),
      // Escaped by JSON.stringify: control characters and lone surrogates; emoji (a surrogate pair) is not.
      new Map([['tab\there/new\nline.yaml', 'sha256:5'], ['lone-\ud800.yaml', 'sha256:6'], ['\u007f-\u2028-😀.yaml', 'sha256:7']]),
    ];
    for (const files of cases) {
      expect(serializeManifest(files)).toBe(asJson(files));
      expect(parseManifest('out', serializeManifest(files))).toEqual(new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1))));
    }
  });

  // parseManifest reads the text Slipway writes line by line and anything else with JSON.parse;
  // manifestMatches compares entries where the text is Slipway's own. Both must answer as JSON does.
  const viaJson = (text: string) => new Map(Object.entries((JSON.parse(text) as { files: Record<string, unknown> }).files).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const written = serializeManifest(new Map([['a/b.yaml', 'sha256:1'], ['a/c.yaml', 'sha256:2'], ['base/x.yaml', 'sha256:3']]));
  const texts: Array<[string, string]> = [
    ['as written', written],
    ['empty', serializeManifest(new Map())],
    ['with escapes', serializeManifest(new Map([['a "q".yaml', 'sha256:1'], ['tab\tx', 'sha256:2'], ['😀.yaml', 'sha256:3']]))],
    ['on one line', `${JSON.stringify(JSON.parse(written))}\n`],
    ['out of order', written.replace('"a/b.yaml": "sha256:1",\n    "a/c.yaml": "sha256:2"', '"a/c.yaml": "sha256:2",\n    "a/b.yaml": "sha256:1"')],
    ['with a path twice', written.replace('"a/c.yaml": "sha256:2"', '"a/b.yaml": "sha256:2"')],
    ['with a trailing space', written.replace('"sha256:1",', '"sha256:1" ,')],
    ['with a number for a hash', written.replace('"sha256:2"', '2')],
    ['with an escaped path', written.replace('"a/c.yaml"', '"a\\/c.yaml"')],
    ['with CRLF', written.replaceAll('\n', '\r\n')],
  ];

  it.each(texts)('reads a manifest %s as JSON.parse does', (_, text) => {
    const parsed = parseManifest('out', text);
    expect(parsed).toEqual(viaJson(text));
    // Written again from a copy (nothing remembered): the same text exactly when it was canonical.
    expect(serializeManifest(new Map(parsed)) === text).toBe(manifestMatches(text, parsed, new Map(parsed)));
  });

  it('refuses as JSON does a line break inside a path', () => {
    const text = written.replace('"base/x.yaml"', '"base/\nx.yaml"');
    expect(() => JSON.parse(text)).toThrow();
    expect(() => parseManifest('out', text)).toThrow(/is not a Slipway manifest/);
  });

  it.each(texts)('tells whether a manifest %s is what the next one would be written as', (_, text) => {
    const previous = parseManifest('out', text);
    const changes = [
      new Map(previous),
      new Map([...previous].reverse()),
      new Map([...previous, ['z.yaml', 'sha256:9']]),
      new Map([...previous].slice(1)),
      new Map([...previous].map(([f, h], i) => [f, i === 0 ? `${h}0` : h])),
    ];
    for (const next of changes) expect(manifestMatches(text, previous, next), JSON.stringify([...next])).toBe(text === serializeManifest(new Map(next)));
    expect(manifestMatches(undefined, new Map(), new Map())).toBe(false);
  });
});
