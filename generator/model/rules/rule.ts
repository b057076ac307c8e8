// A rule checks one concern of a resolved environment and reports paths into the input file;
// the loader turns paths into line and column. Codes are typed against the one list of codes.
import type { ErrorCode, WarningCode } from '../../../schema/acknowledge.ts';
import type { EnvironmentInput } from '../../../schema/environment.ts';
import type { Severity } from '../../issues.ts';
import type { Environment } from '../environment.ts';
import type { Policy } from '../kubernetes-versions.ts';

export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly path: readonly PropertyKey[];
  readonly hint: string;
}

/** The input is there for rules that must tell a value the file gives from a default; the policy for rules that depend on the date. */
export type Rule = (env: Environment, input: EnvironmentInput, policy: Policy) => Finding[];

export const error = (code: ErrorCode, path: readonly PropertyKey[], message: string, hint: string): Finding => ({ code, severity: 'error', path, message, hint });
export const warning = (code: WarningCode, path: readonly PropertyKey[], message: string, hint: string): Finding => ({ code, severity: 'warning', path, message, hint });

/** Values that appear more than once, with the indexes after the first. */
export function duplicates<T>(items: readonly T[], key: (item: T) => string): Array<{ item: T; index: number; first: number }> {
  const seen = new Map<string, number>();
  const out: Array<{ item: T; index: number; first: number }> = [];
  items.forEach((item, index) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else out.push({ item, index, first });
  });
  return out;
}
