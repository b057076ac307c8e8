// npx tsx scripts/faults.ts: the fault runs of test/faults at full counts, with a report.
//   FAULT_KILLS=100          generate processes killed with SIGKILL at random moments (as many again
//                            of a generate that found no out/)
//   FAULT_SEED=20260         seed of those moments
//   FAULT_CONCURRENT=20      trials of two generate processes started together
//   FAULT_ENVIRONMENTS=60    fleet size for the kill and concurrency runs
// Then once each: read-only out/, a read-only folder inside it, a read-only folder holding it, a full disk, an unreadable
// environments/ folder. Exits 1 at the first broken guarantee (the message names the trial), 0
// otherwise. The read-only and full-disk faults need root (or chmod for a plain user); a fault this
// machine cannot make is reported as skipped, and fails the run when CI is set.
import { concurrentRuns, diskFullRun, freshKillRuns, killRuns, makeFleet, readOnlyRun, unreadableEnvironmentsRun, type FaultResult } from '../test/faults/harness.ts';

const count = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not ${process.env[name]}.`);
  return value;
};
const kills = count('FAULT_KILLS', 100);
const seed = count('FAULT_SEED', 20260);
const trials = count('FAULT_CONCURRENT', 20);
const environments = count('FAULT_ENVIRONMENTS', 60);
const log = (line: string) => console.log(line);
const started = Date.now();

let failed = false;
if (kills + trials > 0) {
  const fleet = await makeFleet(environments);
  try {
    log(`fleet: ${environments} environments, ${fleet.oldTree.size} files in the old out/, ${fleet.newTree.size} in the new`);
    if (kills > 0) {
      const report = await killRuns(fleet, kills, seed, log);
      log(`kill -9 × ${kills} (seed ${seed}): every tree old or new, every next generate clean`);
      for (const [outcome, n] of Object.entries(report.outcomes).sort((a, b) => b[1] - a[1])) log(`  ${String(n).padStart(4)}  ${outcome}`);
      const fresh = await freshKillRuns(fleet, kills, seed + 1);
      log(`kill -9 × ${kills} of a generate that found no out/ (seed ${seed + 1}): no out/ or the whole render, every next generate clean`);
      for (const [outcome, n] of Object.entries(fresh).sort((a, b) => b[1] - a[1])) log(`  ${String(n).padStart(4)}  ${outcome}`);
    }
    if (trials > 0) {
      const report = await concurrentRuns(fleet, trials);
      log(`two generates at once × ${trials}: never a mix, never a stack trace`);
      for (const [outcome, n] of Object.entries(report.outcomes)) log(`  ${String(n).padStart(4)}  ${outcome}`);
    }
  } catch (e) {
    failed = true;
    console.error(`FAILED: ${(e as Error).message}`);
  } finally {
    fleet.cleanup();
  }
}

const single: Array<[string, () => Promise<FaultResult>]> = [
  ['read-only out/', () => readOnlyRun('out')],
  ['read-only out/numbers-prod/terraform', () => readOnlyRun('out/numbers-prod/terraform')],
  ['read-only folder holding out/', () => readOnlyRun('.')],
  ['full disk', diskFullRun],
  ['unreadable environments/', unreadableEnvironmentsRun],
];
for (const [name, run] of single) {
  try {
    const result = await run();
    if (result.skipped !== undefined) {
      if (process.env.CI) failed = true;
      log(`${name}: ${process.env.CI ? 'FAILED (CI): ' : 'skipped: '}${result.skipped}`);
    } else log(`${name} (${result.how}): ${result.line}`);
  } catch (e) {
    failed = true;
    console.error(`${name}: FAILED: ${(e as Error).message}`);
  }
}
log(`${failed ? 'FAILED' : 'all guarantees held'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = failed ? 1 : 0;
