// renderFleet compares each file with out/ while the slice is in hand (compareWith), in the
// workers for a fleet, so that planning reads only what differs, and drops the bytes of what is
// the same (SameAsDisk: its hash alone). What it reports must never change a plan: a file edited,
// replaced by a link (even to the same bytes), by a FIFO or removed is not "the same", and a
// comparison made against another tree than the one planned is not trusted: the file is read and
// held to its hash, and one that must then be written cannot be (its bytes are gone): refused.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emit } from '../../generator/emit/emit.ts';
import { hashContent } from '../../generator/emit/manifest.ts';
import { InStaging, planEmit, SameAsDisk } from '../../generator/emit/plan.ts';
import { EnvironmentError } from '../../generator/commands/command.ts';
import { planForCheck } from '../../generator/emit/recover.ts';
import { renderFleet } from '../../generator/render/fleet.ts';
import { WorkerPool } from '../../generator/workers/pool.ts';
import { examples } from '../helpers/render.ts';

const { environments } = examples();
const dir = mkdtempSync(path.join(tmpdir(), 'slipway-compare-'));
const out = path.join(dir, 'out');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const validation = { locations: ['embedded'], ignoreMissingSchemas: false, filePrefix: 'out/', env: {} };
const note = () => {};

describe('renderFleet with compareWith', () => {
  it('finds every file the same in a freshly written out/, in one thread and in workers', async () => {
    const { files } = await renderFleet(environments, validation, {});
    emit(out, files, planEmit(out, files));
    const alone = await renderFleet(environments, { ...validation, compareWith: out }, {});
    // Nothing but the hashes comes back: no bytes are held for files already on disk.
    expect([...alone.files]).toEqual([...files].map(([f, b]) => [f, new SameAsDisk(hashContent(b as Buffer))]));
    expect(alone.comparedWith).toMatch(/^\d+:\d+:/);
    const pool = new WorkerPool(2);
    const inWorkers = await renderFleet(environments, { ...validation, compareWith: out }, { pool, slice: 1 }).finally(() => pool.close());
    expect([...inWorkers.files]).toEqual([...alone.files]);
    expect(inWorkers.comparedWith).toBe(alone.comparedWith);
  }, 60_000);

  it('leaves out what differs, and planning with it gives the plan made without it', async () => {
    const { files } = await renderFleet(environments, validation, {});
    const [edited, linked, fifo, removed] = [...files.keys()].filter((f) => f.startsWith('numbers-test/'));
    appendFileSync(path.join(out, edited!), '# by hand\n');
    const copy = path.join(dir, 'same-bytes');
    writeFileSync(copy, files.get(linked!) as Buffer);
    rmSync(path.join(out, linked!));
    symlinkSync(copy, path.join(out, linked!));
    rmSync(path.join(out, fifo!));
    execFileSync('mkfifo', [path.join(out, fifo!)]);
    rmSync(path.join(out, removed!));
    // A folder replaced by a link to a copy of itself: its files read the same, through the link.
    const folder = 'numbers-prod/terraform/dns';
    const linkedFolder = [...files.keys()].filter((f) => f.startsWith(`${folder}/`));
    cpSync(path.join(out, folder), path.join(dir, 'same-folder'), { recursive: true });
    rmSync(path.join(out, folder), { recursive: true });
    symlinkSync(path.join(dir, 'same-folder'), path.join(out, folder));

    const compared = await renderFleet(environments, { ...validation, compareWith: out }, {});
    const kept = [...compared.files].filter(([, c]) => !(c instanceof SameAsDisk));
    expect(kept).toEqual([...linkedFolder, edited!, linked!, fifo!, removed!].sort().map((f) => [f, files.get(f)]));
    const plain = planEmit(out, files);
    expect(plain).toMatchObject({ changed: [edited], editedByHand: [edited], missing: [removed], conflicts: [...linkedFolder, linked, fifo] });
    expect(planEmit(out, compared.files, () => true, compared.comparedWith)).toEqual(plain);
    expect(planForCheck(out, compared.files, () => true, { note, comparedWith: compared.comparedWith })).toEqual(plain);
  }, 60_000);

  it('is not trusted once out/ is another tree: each file is read and held to its hash (generate --check)', async () => {
    const { files } = await renderFleet(environments, validation, {});
    // Hashes alone, said to be compared with a tree that is not the one in place (out/ as the test above left it).
    const hashesOnly = new Map([...files].map(([f, b]) => [f, new SameAsDisk(hashContent(b as Buffer))]));
    expect(planForCheck(out, hashesOnly, () => true, { note, comparedWith: 'another tree' })).toEqual(planEmit(out, files));
    expect(planEmit(out, hashesOnly, () => true, 'another tree')).toEqual(planEmit(out, files));
  });

  it('makes generate refuse, out/ unchanged, when a file whose bytes were dropped must be written after all', async () => {
    const { files } = await renderFleet(environments, validation, {});
    const hashesOnly = new Map([...files].map(([f, b]) => [f, new SameAsDisk(hashContent(b as Buffer))]));
    const plan = planEmit(out, hashesOnly, () => true, 'another tree');
    expect(plan.changed.length + plan.missing.length).toBeGreaterThan(0);
    const before = execFileSync('find', [out, '-printf', '%p %s %T@\n']).toString();
    const noConflicts = { ...plan, conflicts: [] };
    expect(() => emit(out, hashesOnly, noConflicts)).toThrow(EnvironmentError);
    expect(() => emit(out, hashesOnly, noConflicts)).toThrow(/changed while Slipway was generating it .*run slipway generate again/);
    expect(execFileSync('find', [out, '-printf', '%p %s %T@\n']).toString()).toBe(before);
  });

  // Files a render thread wrote into the early staging tree (InStaging) count as written only by the
  // emit() that switches that tree in: with out/ there after all, or without that tree, generate refuses.
  it('makes generate refuse, out/ unchanged, when files written into an early staging tree cannot be used', async () => {
    const { files } = await renderFleet(environments, validation, {});
    const staged = new Map([...files].map(([f, b]) => [f, new InStaging(hashContent(b as Buffer))]));
    const plan = { ...planEmit(out, staged), conflicts: [] };
    expect(plan.changed.length + plan.missing.length).toBeGreaterThan(0);
    const before = execFileSync('find', [out, '-printf', '%p %s %T@\n']).toString();
    expect(() => emit(out, staged, plan)).toThrow(/changed while Slipway was generating it .*run slipway generate again/);
    expect(execFileSync('find', [out, '-printf', '%p %s %T@\n']).toString()).toBe(before);
  });
});
