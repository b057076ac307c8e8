// A fleet's files are loaded by worker threads (loadEnvironmentsIn, for validate and generate):
// whatever the route, the environments, issues and acknowledgments must be loadEnvironments', the
// fleet-wide issues included, located in files whose YAML documents stayed in the workers.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listEnvironmentFiles, loadEnvironments, loadEnvironmentsIn } from '../../generator/load/load-environments.ts';
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

describe('loadEnvironmentsIn', () => {
  it('gives what loadEnvironments gives, fleet-wide issues located, from two workers', async () => {
    const files = listEnvironmentFiles(dir);
    const inOneThread = loadEnvironments(files);
    const codes = new Set(inOneThread.issues.map((i) => i.code));
    for (const code of ['FLEET_DUPLICATE_ZONE', 'ENV_DUPLICATE_FILE', 'ENV_FILE_SYMLINK']) expect(codes).toContain(code);
    expect(inOneThread.issues.filter((i) => i.code.startsWith('FLEET_')).every((i) => i.line > 0)).toBe(true);
    expect(inOneThread.environments.length).toBeGreaterThan(SLICE * 2);

    const seen: number[] = [];
    const pool = new WorkerPool(2);
    const inWorkers = await loadEnvironmentsIn(pool, files, (done) => seen.push(done)).finally(() => pool.close());
    expect(inWorkers).toEqual(inOneThread);
    expect(seen.at(-1)).toBe(files.length);
  }, 60_000);

  it('loads in the calling thread what no worker could (a pool without workers)', async () => {
    const files = listEnvironmentFiles(dir).slice(0, 4);
    expect(await loadEnvironmentsIn(new WorkerPool(0), files)).toEqual(loadEnvironments(files));
  });
});
