// The acknowledge list of one environment file: warnings the team has read and accepts. An
// acknowledged warning leaves the issue list (so it neither repeats on every run nor counts as a
// warning) and is reported once, with its reason. The entries themselves are checked: an error code,
// an unknown code, a duplicate, or a warning that no longer fires is reported at the entry.
import { acknowledgeableCodes, errorCodes, warningCodes, type Acknowledgment } from '../../schema/acknowledge.ts';
import type { Issue } from '../issues.ts';
import { closest } from './suggest.ts';
import { error, warning, type Finding } from '../model/rules/rule.ts';

export interface AcknowledgedIssue extends Issue {
  /** Why the team accepts it, from the acknowledge entry. */
  readonly reason: string;
}

const isErrorCode = (code: string) => (errorCodes as readonly string[]).includes(code);
const isAcknowledgeable = (code: string) => (acknowledgeableCodes as readonly string[]).includes(code);

/** Problems with the entries themselves, given the codes that fired in the file. */
export function acknowledgmentFindings(entries: readonly Acknowledgment[], fired: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  entries.forEach(({ code }, i) => {
    const at = ['acknowledge', i, 'code'];
    if (isErrorCode(code)) {
      out.push(error('ACKNOWLEDGE_ERROR_CODE', at, `"acknowledge.${i}.code" is ${code}, an error: errors cannot be acknowledged, only fixed.`, `Fix what ${code} reports (slipway validate shows where), then remove this entry.`));
      return;
    }
    if (!isAcknowledgeable(code)) {
      const guess = closest(code, acknowledgeableCodes);
      const message =
        code in warningCodes
          ? `"acknowledge.${i}.code" is ${code}, which reports a stale entry of this list and cannot itself be acknowledged.`
          : `"acknowledge.${i}.code" is ${code}, which is not a Slipway warning code.`;
      out.push(error('ACKNOWLEDGE_UNKNOWN_CODE', at, message, guess ? `Did you mean "${guess}"?` : `Warnings that can be acknowledged: ${acknowledgeableCodes.join(', ')}.`));
      return;
    }
    const first = seen.get(code);
    if (first !== undefined) {
      out.push(error('ACKNOWLEDGE_DUPLICATE', at, `"acknowledge.${i}.code" repeats ${code}, which acknowledge.${first} already acknowledges.`, 'Keep one entry per code: merge the reasons into one and remove this entry.'));
      return;
    }
    seen.set(code, i);
    if (!fired.has(code)) {
      out.push(
        warning(
          'ACKNOWLEDGE_STALE',
          ['acknowledge', i],
          `"acknowledge.${i}" acknowledges ${code}, but this file no longer gets that warning.`,
          'Remove the entry, so that a future warning with this code gets a fresh look instead of being hidden.',
        ),
      );
    }
  });
  return out;
}

/** Splits located issues into those still reported and the warnings the file acknowledges. */
export function applyAcknowledgments(issues: readonly Issue[], entries: readonly Acknowledgment[]): { issues: Issue[]; acknowledged: AcknowledgedIssue[] } {
  const reasons = new Map<string, string>();
  for (const e of entries) if (isAcknowledgeable(e.code) && !reasons.has(e.code)) reasons.set(e.code, e.reason.trim());
  const kept: Issue[] = [];
  const acknowledged: AcknowledgedIssue[] = [];
  for (const issue of issues) {
    const reason = issue.severity === 'warning' ? reasons.get(issue.code) : undefined;
    if (reason === undefined) kept.push(issue);
    else acknowledged.push({ ...issue, reason });
  }
  return { issues: kept, acknowledged };
}
