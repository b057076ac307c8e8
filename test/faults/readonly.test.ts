// Folders generate may not write, a full disk and an unreadable environments/ folder: each is one
// line naming the path and the cause, exit 2, out/ byte-identical to before, nothing left beside it.
// Faults this machine cannot make are skipped with a one-line reason, and fail instead under CI.
import { describe, expect, it } from 'vitest';
import { diskFullRun, readOnlyCheckRun, readOnlyRun, unreadableEnvironmentsRun, type FaultResult } from './harness.ts';

/** Passes, or skips with the reason (printed once) when the fault cannot be made here and CI is unset. */
async function expectClean(result: FaultResult, skip: (reason: string) => void): Promise<void> {
  if (result.skipped !== undefined) {
    if (process.env.CI) throw new Error(`${result.skipped}; CI must be able to make this fault.`);
    console.warn(`skipped: ${result.skipped}.`);
    skip(result.skipped);
    return;
  }
  expect(result.line).toMatch(/^slipway generate: .+$/);
  console.info(`${result.how}: ${result.line}`);
}

describe('generate fails cleanly', () => {
  // Guarantee: with out/ read-only (chmod for a user; as root a read-only bind mount or chattr +i),
  // generate prints one line naming out/ and the cause ("permission denied", "read-only file system",
  // "operation not permitted"), exits 2, and out/ is byte-identical to before with nothing beside
  // it; once writable again, generate succeeds.
  it('read-only out/', async (ctx) => {
    await expectClean(await readOnlyRun('out'), (r) => ctx.skip(r));
  });

  // Guarantee: with one folder inside out/ read-only, the same: one line naming that folder and the
  // cause, exit 2, out/ unchanged (the switch replaces every folder, so none may be read-only).
  it('read-only folder inside out/', async (ctx) => {
    await expectClean(await readOnlyRun('out/numbers-prod/terraform'), (r) => ctx.skip(r));
  });

  // Guarantee: with the folder that holds out/ read-only (no lock file can be made next to out/),
  // one line naming the lock file and the cause, exit 2, out/ unchanged.
  it('read-only folder holding out/', async (ctx) => {
    await expectClean(await readOnlyRun('.'), (r) => ctx.skip(r));
  });

  // Guarantee: where a kill between the renames left folders carried into the staging tree and the
  // checkout cannot be written (nothing can be moved back), generate --check refuses with one line,
  // exit 2, and moves nothing; writable again, it settles the old tree back whole and reports.
  it('read-only checkout after a kill while carrying folders', async (ctx) => {
    await expectClean(await readOnlyCheckRun(), (r) => ctx.skip(r));
  });

  // Guarantee: when the disk fills up while the new tree is built (ENOSPC), generate prints one line
  // naming the path and "no space left on device", exits 2, removes its half-built tree, and out/ is
  // byte-identical to before; with room again, generate succeeds.
  it('full disk', async (ctx) => {
    await expectClean(await diskFullRun(), (r) => ctx.skip(r));
  });

  // Guarantee: an unreadable environments/ folder is one line naming it and "permission denied",
  // exit 2, and nothing is written.
  it('unreadable environments/', async (ctx) => {
    await expectClean(await unreadableEnvironmentsRun(), (r) => ctx.skip(r));
  });
});
