// The shape of every check test: a fixture that makes the check fail with exactly one code, and the
// fixed variant that passes.
import { expect, it } from 'vitest';
import type { Check, ClusterState, VerifyFinding } from '../../../../generator/verify/types.ts';

export interface Case {
  readonly name: string;
  readonly code: string;
  readonly broken: () => ClusterState;
  readonly fixed: () => ClusterState;
  /** How many findings the broken fixture gives (default 1). */
  readonly count?: number;
  readonly severity?: VerifyFinding['severity'];
  /** Text the message must contain. */
  readonly says?: RegExp;
}

/** Findings are sentences about an object, with a hint. */
export function expectWellFormed(findings: readonly VerifyFinding[]) {
  for (const f of findings) {
    expect(f.message, f.code).toMatch(/^[A-Z`'"(].*\.$/s);
    expect(f.hint, `${f.code} needs a hint`).toMatch(/\S.*\.$/s);
    expect(f.code).toMatch(/^VERIFY_[A-Z_]+$/);
  }
}

export function checkCases(check: Check, cases: readonly Case[]) {
  it.each(cases)('$name: $code, and nothing once fixed', (c) => {
    const findings = check(c.broken());
    expect(findings.map((f) => f.code)).toEqual(Array(c.count ?? 1).fill(c.code));
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set([c.severity ?? 'error']));
    if (c.says) expect(findings.map((f) => f.message).join('\n')).toMatch(c.says);
    expectWellFormed(findings);
    expect(check(c.fixed())).toEqual([]);
  });
}
