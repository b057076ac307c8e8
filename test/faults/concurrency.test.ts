// Two generate processes at once on the same out/. scripts/faults.ts runs more trials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concurrentRuns, makeFleet, type Fleet } from './harness.ts';

const TRIALS = Number(process.env.FAULT_CONCURRENT ?? 5);

describe('two generates at once', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await makeFleet(Number(process.env.FAULT_ENVIRONMENTS ?? 12));
  }, 300_000);
  afterAll(() => fleet?.cleanup());

  // Guarantee: one writer at a time. Of two generates started together, one writes and the other
  // either stops at once with exit 2 and one line naming the holder of the lock (pid, host, start
  // time), or runs after it and finds out/ up to date; never a stack trace; out/ and its manifest end
  // up exactly the render, with no lock, staging or previous tree left beside it.
  it(`serializes or refuses, never mixes, in ${TRIALS} trials`, async () => {
    const report = await concurrentRuns(fleet, TRIALS);
    expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(TRIALS);
    console.info(`concurrent generates × ${TRIALS}: ${JSON.stringify(report.outcomes)}`);
  }, 600_000);
});
