// What validate and generate load with (loadEnvironmentFiles): a fleet's files by worker threads,
// unchanged files from the load cache. Whatever the route, the environments, issues and
// acknowledgments must be loadEnvironments', the fleet-wide issues included, located in files whose
// YAML documents stayed in the workers or were never parsed in this run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listEnvironmentFiles, loadEnvironmentFiles, loadEnvironments } from '../../generator/load/load-environments.ts';
import { renderAll } from '../../generator/render/registry.ts';
import { LoadCache } from '../../generator/load/load-cache.ts';
import { policyFor } from '../../generator/model/kubernetes-versions.ts';
import { SLICE, WorkerPool } from '../../generator/workers/pool.ts';
import { repoRoot } from '../helpers/workspace.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'slipway-load-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (name: string) => readFileSync(path.join(repoRoot, 'environments', `${name}.yaml`), 'utf8');
const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);

// The examples; a copy of numbers-test with its own name but the same zone, resource group and
// state key (fleet-wide errors, located in both files); the same stem twice (.yaml and .yml); a
// file that does not parse; a symbolic link; and enough copies for several slices.
for (const name of ['numbers-prod', 'numbers-test', 'dora-staging']) write(`${name}.yaml`, read(name));
write('numbers-copy.yaml', read('numbers-test').replace('name: numbers-test', 'name: numbers-copy'));
write('numbers-test.yml', read('numbers-test'));
write('broken.yaml', 'name: broken\naks: [\n');
symlinkSync(path.join(dir, 'numbers-prod.yaml'), path.join(dir, 'linked.yaml'));
for (let i = 0; i < SLICE * 2; i++) {
  const name = `fleet-${String(i).padStart(2, '0')}`;
  write(
    `${name}.yaml`,
    read('numbers-test')
      .replace('name: numbers-test', `name: ${name}`)
      .replace('storageAccount: stnumberstesttfstate', `storageAccount: st${name.replace('-', '')}tf`)
      .replace('zone: test.retro.numbers.example.com', `zone: ${name}.retro.numbers.example.com`)
      .replace('host: retro.test.retro.numbers.example.com', `host: retro.${name}.retro.numbers.example.com`),
  );
}

describe('loadEnvironmentFiles in workers', () => {
  it('gives what loadEnvironments gives, fleet-wide issues located, from two workers', async () => {
    const files = listEnvironmentFiles(dir);
    const inOneThread = loadEnvironments(files);
    const codes = new Set(inOneThread.issues.map((i) => i.code));
    for (const code of ['FLEET_DUPLICATE_ZONE', 'ENV_DUPLICATE_FILE', 'ENV_FILE_SYMLINK']) expect(codes).toContain(code);
    expect(inOneThread.issues.filter((i) => i.code.startsWith('FLEET_')).every((i) => i.line > 0)).toBe(true);
    expect(inOneThread.environments.length).toBeGreaterThan(SLICE * 2);

    const seen: number[] = [];
    const pool = new WorkerPool(2);
    let asked = 0;
    const workers = (misses: number) => ((asked = misses), pool);
    const inWorkers = await loadEnvironmentFiles(files, { onProgress: (done) => seen.push(done), workers }).finally(() => pool.close());
    expect(asked).toBe(files.length);
    expect(inWorkers).toEqual(inOneThread);
    expect(seen.at(-1)).toBe(files.length);
  }, 60_000);

  it('loads in the calling thread what no worker could (a pool without workers)', async () => {
    const files = listEnvironmentFiles(dir);
    expect(await loadEnvironmentFiles(files, { workers: () => new WorkerPool(0) })).toEqual(loadEnvironments(files));
  });
});

describe('the load cache', () => {
  const cacheDir = path.join(dir, 'cache');
  const env = { SLIPWAY_LOAD_CACHE: cacheDir };
  const options = { env, buildId: 'build-1' };
  const files = () => listEnvironmentFiles(dir);

  it('gives on a second run, without parsing, what loading gave, frozen; the rendered bytes are the same', async () => {
    const cold = await loadEnvironmentFiles(files(), options);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    const warm = await loadEnvironmentFiles(files(), options);
    expect(warm).toEqual(cold);
    expect(warm).toEqual(loadEnvironments(files()));
    expect(warm.environments.every((e) => Object.isFrozen(e) && Object.isFrozen(e.dns))).toBe(true);
    expect(renderAll(warm.environments)).toEqual(renderAll(cold.environments));

    // The second run was served from the cache: an entry changed there is what it reports.
    const target = files().find((f) => f.endsWith('/numbers-prod.yaml'))!;
    const text = readFileSync(target, 'utf8');
    const cache = LoadCache.open(policyFor(), env, 'build-1')!;
    const marker = { code: 'FROM_THE_CACHE', severity: 'warning' as const, file: target, line: 1, column: 1, path: '', message: 'served from the cache' };
    cache.set(target, text, { ...cache.get(target, text)!, issues: [marker] });
    cache.save();
    expect((await loadEnvironmentFiles(files(), options)).issues).toContainEqual(marker);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('loads again a file whose text changed, and nothing from another build, policy or a damaged cache', async () => {
    await loadEnvironmentFiles(files(), options);
    const file = path.join(dir, 'fleet-00.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace('stage: test', 'stage: nonsense'));
    try {
      const changed = await loadEnvironmentFiles(files(), options);
      expect(changed.issues.some((i) => i.file.endsWith('fleet-00.yaml') && i.severity === 'error')).toBe(true);
      expect(changed).toEqual(loadEnvironments(files()));
    } finally {
      writeFileSync(file, before);
    }
    // Another build or another day's policy shares nothing with this one (a later day may add end-of-life warnings).
    const later = { ...options, policy: { today: '2099-01-01', kubernetesVersions: {} } };
    expect(await loadEnvironmentFiles(files(), later)).toEqual(loadEnvironments(files(), undefined, later.policy));
    expect(await loadEnvironmentFiles(files(), { ...options, buildId: 'build-2' })).toEqual(loadEnvironments(files()));
    const [cacheFile] = readdirSync(cacheDir);
    writeFileSync(path.join(cacheDir, cacheFile!), 'not a cache');
    expect(await loadEnvironmentFiles(files(), options)).toEqual(loadEnvironments(files()));
  });

  it('removes the caches of working directories unused for a month when it writes its own', async () => {
    mkdirSync(cacheDir, { recursive: true });
    const [old, recent] = [path.join(cacheDir, 'old-checkout.bin'), path.join(cacheDir, 'recent-checkout.bin')];
    writeFileSync(old, 'x');
    writeFileSync(recent, 'x');
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000);
    utimesSync(old, fortyDaysAgo, fortyDaysAgo);
    await loadEnvironmentFiles(files(), { ...options, buildId: 'build-3' });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });

  it('keeps nothing for a file whose checks read a dashboard file, nor when off or run from source', async () => {
    // dora-staging with a dashboard from a file: its verdict depends on that file too.
    const withFile = read('dora-staging').replace('        gnetId: 1860\n        revision: 37\n', '        file: dashboards/node.json\n');
    const file = path.join(dir, 'dora-staging.yaml');
    writeFileSync(file, withFile);
    try {
      await loadEnvironmentFiles(files(), options);
      const cache = LoadCache.open(policyFor(), env, 'build-1')!;
      const shown = files().find((f) => f.endsWith('/dora-staging.yaml'))!;
      const numbers = files().find((f) => f.endsWith('/numbers-prod.yaml'))!;
      expect(cache.get(numbers, readFileSync(numbers, 'utf8'))).toBeDefined();
      expect(cache.get(shown, withFile)).toBeUndefined();
    } finally {
      writeFileSync(file, read('dora-staging'));
    }
    const off = path.join(dir, 'cache-off');
    expect(LoadCache.open(policyFor(), { SLIPWAY_LOAD_CACHE: 'off' }, 'build-1')).toBeUndefined();
    expect(LoadCache.open(policyFor(), { SLIPWAY_LOAD_CACHE: off }, undefined)).toBeUndefined();
    expect(await loadEnvironmentFiles(files(), { env: { SLIPWAY_LOAD_CACHE: off } })).toEqual(loadEnvironments(files()));
    expect(existsSync(off)).toBe(false);
  });
});
