// kill -9 during generate, at random moments (fixed seed), on a fleet big enough for the writing
// phase to be hit. scripts/faults.ts runs the same with FAULT_KILLS=100.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshKillRuns, killRuns, makeFleet, type Fleet } from './harness.ts';

const KILLS = Number(process.env.FAULT_KILLS ?? 10);
const SEED = Number(process.env.FAULT_SEED ?? 20260);
const ENVIRONMENTS = Number(process.env.FAULT_ENVIRONMENTS ?? 12);

describe('generate killed with SIGKILL', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await makeFleet(ENVIRONMENTS);
  }, 300_000);
  afterAll(() => fleet?.cleanup());

  // Guarantee: whatever moment generate is killed, out/ is afterwards either the previous tree or the
  // complete new one, byte for byte (manifest and files nobody but the user wrote included), never a
  // mix; a kill between the two renames of the switch leaves no out/ but both whole trees beside it,
  // and the next run (generate --check included) puts back whichever is complete. The next generate
  // then succeeds, reports no file as edited by hand, and leaves no staging or previous tree behind.
  it(`leaves the old or the new tree after each of ${KILLS} kills, and the next run recovers silently`, async () => {
    const report = await killRuns(fleet, KILLS, SEED, (line) => console.info(line));
    expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(KILLS);
    console.info(`kill -9 × ${KILLS}: ${JSON.stringify(report.outcomes)}`);
  }, 600_000);

  // Guarantee: where there is no out/ yet, generate writes its staging tree while the fleet still
  // renders, and a kill at any moment leaves no out/ or the whole of it, never a part.
  it(`leaves no out/ or the whole render after each of ${KILLS} kills of a generate that found none`, async () => {
    const outcomes = await freshKillRuns(fleet, KILLS, SEED + 1);
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(KILLS);
    console.info(`kill -9 × ${KILLS}, no out/ before: ${JSON.stringify(outcomes)}`);
  }, 600_000);
});
