// renderFleet compares each file with out/ while the slice is in hand (compareWith), in the
// workers for a fleet, so that planning reads only what differs. What it reports must never
// change a plan: a file edited, replaced by a link (even to the same bytes), by a FIFO or removed
// is not "the same", and a comparison made against another tree than the one planned is ignored.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emit } from '../../generator/emit/emit.ts';
import { planEmit } from '../../generator/emit/plan.ts';
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
    expect([...alone.sameOnDisk!.files].sort()).toEqual([...files.keys()]);
    const pool = new WorkerPool(2);
    const inWorkers = await renderFleet(environments, { ...validation, compareWith: out }, { pool, slice: 1 }).finally(() => pool.close());
    expect(inWorkers.sameOnDisk).toEqual(alone.sameOnDisk);
  }, 60_000);

  it('leaves out what differs, and planning with it gives the plan made without it', async () => {
    const { files } = await renderFleet(environments, validation, {});
    const [edited, linked, fifo, removed] = [...files.keys()].filter((f) => f.startsWith('numbers-test/'));
    appendFileSync(path.join(out, edited!), '# by hand\n');
    const copy = path.join(dir, 'same-bytes');
    writeFileSync(copy, files.get(linked!)!);
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

    const { sameOnDisk } = await renderFleet(environments, { ...validation, compareWith: out }, {});
    expect([...files.keys()].filter((f) => !sameOnDisk!.files.has(f))).toEqual([...linkedFolder, edited, linked, fifo, removed]);
    const plain = planEmit(out, files);
    expect(plain).toMatchObject({ changed: [edited], editedByHand: [edited], missing: [removed], conflicts: [...linkedFolder, linked, fifo] });
    expect(planEmit(out, files, () => true, sameOnDisk)).toEqual(plain);
    expect(planForCheck(out, files, () => true, { note, sameOnDisk })).toEqual(plain);
  }, 60_000);

  it('is ignored by planning (and so by the check) when out/ is no longer the tree it compared with', async () => {
    const { files } = await renderFleet(environments, validation, {});
    // Claims everything is on disk as rendered, for a tree that is not the one in place.
    const stale = { identity: 'another tree', files: new Set(files.keys()) };
    expect(planForCheck(out, files, () => true, { note, sameOnDisk: stale })).toEqual(planEmit(out, files));
    expect(planEmit(out, files, () => true, stale)).toEqual(planEmit(out, files));
  });
});
