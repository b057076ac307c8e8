// How a fleet is cut into jobs (workers/pool.ts slicesFor): every item once and in order, full
// slices while much is left, and jobs small enough at the end that no thread is left holding a
// large share of the last items while the others wait.
import { describe, expect, it } from 'vitest';
import { SLICE, slicesFor } from '../../generator/workers/pool.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('slicesFor', () => {
  it.each([0, 1, 7, 25, 26, 100, 500, 1013])('covers %i items once, in order, in slices that never grow', (n) => {
    for (const threads of [1, 2, 8]) {
      const slices = slicesFor(range(n), threads);
      expect(slices.flat()).toEqual(range(n));
      for (const [i, s] of slices.entries()) {
        expect(s.length).toBeGreaterThan(0);
        expect(s.length).toBeLessThanOrEqual(SLICE);
        if (i > 0) expect(s.length).toBeLessThanOrEqual(slices[i - 1]!.length);
      }
    }
  });

  it('renders most of a large fleet in full slices and ends on single items', () => {
    const slices = slicesFor(range(500), 2);
    expect(slices.filter((s) => s.length === SLICE).length * SLICE).toBeGreaterThan(300);
    expect(slices.slice(-3).map((s) => s.length)).toEqual([1, 1, 1]);
  });

  it('keeps the last jobs a worker can hold (three) to a small share of the last items', () => {
    // Whatever job a worker claims when `left` items remain, its three next ones together hold at
    // most about 3/8 of them with two threads: the calling thread keeps the larger share.
    const items = range(500);
    const slices = slicesFor(items, 2);
    let left = items.length;
    for (let i = 0; i + 2 < slices.length; i++) {
      const three = slices[i]!.length + slices[i + 1]!.length + slices[i + 2]!.length;
      if (left <= 100) expect(three).toBeLessThanOrEqual(Math.ceil((3 * left) / 8) + 2);
      left -= slices[i]!.length;
    }
  });
});
