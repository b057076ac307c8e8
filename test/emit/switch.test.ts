// The all-or-nothing switch of out/, step by step: the state a kill leaves at every point of emit(),
// recovery from each, and the file-system facts the switch relies on (hard links, modes, no symlinks).
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emit, type EmitStep } from '../../generator/emit/emit.ts';
import { outPaths } from '../../generator/emit/out-paths.ts';
import { planEmit } from '../../generator/emit/plan.ts';
import { planForCheck, recover } from '../../generator/emit/recover.ts';
import { listEnvironmentFiles, loadEnvironments } from '../../generator/load/load-environments.ts';
import { renderAll } from '../../generator/render/registry.ts';
import { inWorkspace, runCli, snapshotTree } from '../helpers/workspace.ts';

const render = () => renderAll(loadEnvironments(listEnvironmentFiles('environments')).environments);
const beside = (ws: string) => readdirSync(ws).filter((n) => n.startsWith('.slipway-'));
const prodResolved = 'out/numbers-prod/environment.resolved.yaml';

/** Old out/ (both example environments, foreign files), then new input: numbers-test removed, numbers-prod changed. */
async function oldAndNew(ws: string) {
  expect((await runCli(['generate'])).code).toBe(0);
  writeFileSync('out/README.md', 'foreign\n');
  mkdirSync('out/numbers-prod/extra', { recursive: true });
  writeFileSync('out/numbers-prod/extra/kept.yaml', 'a: 1\n');
  const oldTree = snapshotTree(path.join(ws, 'out'));
  rmSync('environments/numbers-test.yaml');
  writeFileSync('environments/numbers-prod.yaml', readFileSync('environments/numbers-prod.yaml', 'utf8').replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${Number(n) + 1}`));
  return oldTree;
}

describe('emit switches out/ as a whole', () => {
  // Guarantee: a kill at any point of a generate leaves out/ as the old tree or the new one, and
  // recovery (the next generate or generate --check) settles a half-done switch without reporting a
  // file as edited by hand. Each step below is where a kill leaves a different state on disk; the
  // state is copied at that moment (as kill -9 would leave it) and recovered separately.
  it('leaves a state that recovers to the old or the new tree at every step', async () => {
    await inWorkspace(async (ws) => {
      const oldTree = await oldAndNew(ws);
      const files = render();
      const states: Array<[string, string]> = [];
      const copyState = (step: EmitStep | string) => {
        const dir = path.join(ws, `state-${states.length}`);
        mkdirSync(dir);
        for (const name of ['out', ...beside(ws)]) if (existsSync(path.join(ws, name))) cpSync(path.join(ws, name), path.join(dir, name), { recursive: true, verbatimSymlinks: true });
        states.push([step, dir]);
      };
      copyState('before');
      emit('out', files, planEmit('out', files), undefined, copyState);
      copyState('after');
      const newTree = snapshotTree(path.join(ws, 'out'));
      expect(states.map(([s]) => s)).toEqual(['before', 'staging-created', 'linked', 'writing', 'written', 'built', 'out-moved-aside', 'carrying', 'carried', 'manifest-temporary', 'complete', 'switched', 'done', 'after']);
      // Half-way through carrying, folders are in both trees: neither is whole until recovery.
      const carrying = states.find(([s]) => s === 'carrying')![1];
      const carried = JSON.parse(readFileSync(path.join(carrying, '.slipway-out.carried'), 'utf8')) as string[];
      expect(carried.length).toBeGreaterThan(2);
      expect(carried.filter((f) => existsSync(path.join(carrying, '.slipway-out.staging', f))).length).toBeGreaterThan(0);
      expect(carried.filter((f) => existsSync(path.join(carrying, '.slipway-out.previous', f))).length).toBeGreaterThan(0);

      const betweenRenames = ['out-moved-aside', 'carrying', 'carried', 'manifest-temporary', 'complete'];
      for (const [step, dir] of states) {
        const out = path.join(dir, 'out');
        const expected = ['complete', 'switched', 'done', 'after'].includes(step) ? newTree : oldTree;
        if (betweenRenames.includes(step)) expect(existsSync(out), 'between the renames out/ is absent').toBe(false);
        expect(recover(outPaths(out)), step).toBe(step === 'complete' ? 'finished' : betweenRenames.includes(step) ? 'restored' : undefined);
        expect(snapshotTree(out), step).toEqual(expected);
        expect(beside(dir), step).toEqual([]);
        // The recovered tree's manifest describes its own files: nothing reads as edited by hand.
        expect(planEmit(out, files).editedByHand, step).toEqual([]);
      }
    });
  });

  // Guarantee: between the renames, a staging tree without its manifest is incomplete and never
  // switched in; the previous tree is put back.
  it('restores the previous tree when the staging tree is incomplete', async () => {
    await inWorkspace(async (ws) => {
      const oldTree = await oldAndNew(ws);
      mkdirSync('.slipway-out.staging/numbers-prod', { recursive: true });
      writeFileSync('.slipway-out.staging/numbers-prod/half.yaml', 'x');
      renameSync('out', '.slipway-out.previous');
      expect(recover(outPaths('out'))).toBe('restored');
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(oldTree);
      expect(beside(ws)).toEqual([]);
    });
  });

  // Guarantee: generate --check settles a switch a killed generate left half done (renames only,
  // under the lock), then reports against that one tree.
  it('generate --check recovers an interrupted switch before reading', async () => {
    await inWorkspace(async (ws) => {
      await runCli(['generate']);
      const tree = snapshotTree(path.join(ws, 'out'));
      renameSync('out', '.slipway-out.previous');
      cpSync('.slipway-out.previous', '.slipway-out.staging', { recursive: true });
      const check = await runCli(['generate', '--check']);
      expect(check).toMatchObject({ code: 0, stderr: '' });
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(tree);
      expect(beside(ws)).toEqual([]);
    });
  });

  // Guarantee: --check never reports from a half-switched tree: if out/ is replaced or moved while it
  // reads, it reads again.
  it('generate --check reads again when out/ is switched while it reads', async () => {
    await inWorkspace(async () => {
      await runCli(['generate']);
      cpSync('out', 'new-tree', { recursive: true });
      await oldAndNew(process.cwd());
      await runCli(['generate']);
      rmSync('new-tree', { recursive: true });
      cpSync('out', 'new-tree', { recursive: true });
      const files = render();
      // out/ is the new tree; a "generate" moves it aside just as --check starts reading, with the
      // complete staging tree beside it: the first read sees no out/ and must not be reported.
      const attempts: number[] = [];
      const plan = planForCheck('out', files, () => true, {
        note: () => {},
        beforePlan: (attempt) => {
          attempts.push(attempt);
          if (attempt === 1) {
            renameSync('out', '.slipway-out.previous');
            renameSync('new-tree', '.slipway-out.staging');
          }
        },
      });
      expect(attempts).toEqual([1, 2]);
      expect(plan.missing).toEqual([]);
      expect(plan.changed).toEqual([]);
      expect(plan.manifestChanged).toBe(false);
    });
  });

  // Guarantee: a generate with nothing to change writes nothing, not even a new out/ folder.
  it('does not switch when nothing changed', async () => {
    await inWorkspace(async () => {
      await runCli(['generate']);
      const before = statSync('out').ino;
      expect((await runCli(['generate'])).stdout).toContain('0 written, 0 pruned');
      expect(statSync('out').ino).toBe(before);
    });
  });

  // Guarantee: unchanged files, Slipway's and anyone else's, are hard-linked into the new tree (not
  // copied, not rewritten), folder modes are kept, a foreign symbolic link stays as it is, and no
  // symbolic link is ever made at out/ or inside it.
  it('hard-links unchanged files, keeps folder modes and foreign links, and makes no symlink', async () => {
    await inWorkspace(async () => {
      await runCli(['generate']);
      writeFileSync('out/README.md', 'foreign\n');
      mkdirSync('out/private');
      chmodSync('out/private', 0o750);
      symlinkSync('README.md', 'out/readme-link');
      // A link to a folder outside: removing the previous tree removes the link, never what it points at.
      mkdirSync('outside');
      writeFileSync('outside/keep.txt', 'kept\n');
      symlinkSync('../outside', 'out/outside-link');
      const inode = (f: string) => statSync(f).ino;
      const before = { foreign: inode('out/README.md'), unchanged: inode('out/numbers-test/environment.resolved.yaml'), changed: inode(prodResolved) };
      writeFileSync('environments/numbers-prod.yaml', readFileSync('environments/numbers-prod.yaml', 'utf8').replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${Number(n) + 1}`));
      const run = await runCli(['generate']);
      expect(run.code).toBe(0);
      expect(inode('out/README.md')).toBe(before.foreign);
      expect(inode('out/numbers-test/environment.resolved.yaml')).toBe(before.unchanged);
      expect(inode(prodResolved)).not.toBe(before.changed);
      expect(statSync('out/private').mode & 0o777).toBe(0o750);
      expect(lstatSync('out/readme-link').isSymbolicLink()).toBe(true);
      expect(lstatSync('out/outside-link').isSymbolicLink()).toBe(true);
      expect(readFileSync('outside/keep.txt', 'utf8')).toBe('kept\n');
      expect(readdirSync('.')).not.toContain('.slipway-out.previous');
      expect(lstatSync('out').isDirectory()).toBe(true);
      const links = [...snapshotTree('out').keys()].filter((f) => lstatSync(path.join('out', f)).isSymbolicLink());
      expect(links).toEqual(['readme-link']);
    });
  });

  // Guarantee: leftovers of a killed run beside an intact out/ are removed and out/ is left as it is.
  it('removes a leftover staging or previous tree beside an intact out/', async () => {
    await inWorkspace(async (ws) => {
      await runCli(['generate']);
      const tree = snapshotTree(path.join(ws, 'out'));
      cpSync('out', '.slipway-out.staging', { recursive: true });
      writeFileSync('.slipway-out.staging/numbers-prod/environment.resolved.yaml', 'stale');
      cpSync('out', '.slipway-out.previous', { recursive: true });
      const run = await runCli(['generate']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain('0 written');
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(tree);
      expect(beside(ws)).toEqual([]);
    });
  });
});

describe('paths generate refuses', () => {
  // Guarantee: a generated path is refused (exit 1, nothing written) when it is held by a symbolic
  // link, or when a folder above it is a file or a link that Slipway does not own.
  it.each([
    ['a symbolic link at a generated path', () => symlinkSync('../README.md', 'out/numbers-test/environment.resolved.yaml')],
    ['a foreign file where a generated folder goes', () => writeFileSync('out/numbers-test/terraform', 'mine\n')],
    ['a symbolic link where a generated folder goes', () => (mkdirSync('elsewhere'), symlinkSync('../../elsewhere', 'out/numbers-test/helmfile'))],
  ])('%s', async (_, arrange) => {
    await inWorkspace(async (ws) => {
      mkdirSync('out/numbers-test', { recursive: true });
      writeFileSync('out/README.md', 'x\n');
      arrange();
      const before = snapshotTree(path.join(ws, 'out'));
      const run = await runCli(['generate']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Refusing to overwrite');
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);
      expect(beside(ws)).toEqual([]);
      if (existsSync('elsewhere')) expect(readdirSync('elsewhere')).toEqual([]);
    });
  });

  // Guarantee: out/ itself must be a plain folder: a symbolic link or a file there is an environment
  // error (exit 2, one line) and is left as it is.
  it.each([
    ['a symbolic link', () => (mkdirSync('real-out'), symlinkSync('real-out', 'out')), 'symbolic link'],
    ['a file', () => writeFileSync('out', 'x'), 'file'],
  ])('out/ as %s', async (_, arrange, what) => {
    await inWorkspace(async () => {
      arrange();
      for (const args of [['generate'], ['generate', '--check']]) {
        const run = await runCli(args);
        expect(run.code).toBe(2);
        expect(run.stderr.trimEnd().split('\n')).toEqual([`slipway generate: out is a ${what}, not a folder: Slipway writes out/ as a plain folder (move it away, then run again).`]);
      }
      expect(lstatSync('out').isDirectory()).toBe(false);
    });
  });

  // Guarantee: a missing environments/ folder (or a file in its place) is an environment error
  // naming the folder and the cause, exit 2, and nothing is written.
  it.each([
    ['missing', () => {}, 'no such file or folder (ENOENT)'],
    ['a file', () => writeFileSync('environments', 'x'), 'a part of the path is not a folder (ENOTDIR)'],
  ])('environments/ %s', async (_, arrange, cause) => {
    await inWorkspace(
      async (ws) => {
        arrange();
        const run = await runCli(['generate']);
        expect(run.code).toBe(2);
        expect(run.stderr.trimEnd().split('\n')).toEqual([`slipway generate: Cannot read the environments folder environments/: ${cause}; nothing was written.`]);
        expect(existsSync(path.join(ws, 'out'))).toBe(false);
      },
      { environments: false },
    );
  });
});
