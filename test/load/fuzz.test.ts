// The loader under seeded random input (test/helpers/fuzz.ts): a few hundred cases here, fast;
// `npm run fuzz` runs 20 000 of the same generator. Each case must load without an exception within
// CASE_BOUND_MS, every issue located with a known code, sentence and hint, no planted credential in
// any message, Object.prototype untouched, and a valid result must render.
import { describe, expect, it } from 'vitest';
import { CASE_BOUND_MS, checkCase, fuzzCase } from '../helpers/fuzz.ts';

const SEED = 20260412;
const COUNT = 300;

describe('loader fuzz', () => {
  it(`survives ${COUNT} mutated files (seed ${SEED}), each answered within ${CASE_BOUND_MS} ms`, () => {
    const failures: string[] = [];
    const codes = new Map<string, number>();
    let valid = 0;
    for (let i = 0; i < COUNT; i++) {
      const c = fuzzCase(SEED, i);
      const result = checkCase(c);
      if (result.valid) valid++;
      for (const code of new Set(result.codes)) codes.set(code, (codes.get(code) ?? 0) + 1);
      if (result.problems.length > 0) failures.push(`case ${i} (${c.file}; ${c.steps.join('; ')}): ${result.problems.join(' | ')}`);
    }
    expect(failures).toEqual([]);
    // The cases reach both sides: files that stay valid and render, and every kind of refusal.
    expect(valid).toBeGreaterThan(COUNT / 10);
    for (const code of ['YAML_SYNTAX', 'YAML_TOO_DEEP', 'YAML_RESERVED_KEY', 'YAML_DUPLICATE_KEY', 'VALUE_SECRET', 'VALUE_TEMPLATE', 'VALUE_CONTROL_CHARACTER', 'SCHEMA_UNKNOWN_KEY']) {
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
  });

  it('generates the same case for the same seed and index, and different ones otherwise', () => {
    expect(fuzzCase(7, 42)).toEqual(fuzzCase(7, 42));
    expect(new Set(Array.from({ length: 20 }, (_, i) => fuzzCase(7, i).text)).size).toBeGreaterThan(15);
  });

  it('the checker fails a case whose messages quote a planted value (it can fail)', () => {
    const c = fuzzCase(SEED, 0);
    const text = 'name: minimal\nstage: test\nazure:\n  location: westeuropa\n';
    const result = checkCase({ ...c, file: 'environments/minimal.yaml', text, secrets: ['westeuropa'] });
    expect(result.problems).toContain('SCHEMA_ENUM 4:13: echoes a planted credential');
  });
});
