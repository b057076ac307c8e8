// Machine output for CI and editors: stable field order, one object. Acknowledged warnings are
// listed with the others, marked "acknowledged": true with their reason, and counted apart. Text
// that looks like a credential is redacted (the loader refuses it already; a second line of defence).
import { sortIssues, type Issue } from '../issues.ts';
import type { AcknowledgedIssue } from '../load/acknowledgments.ts';
import { redactSecrets } from '../secrets.ts';

export function formatIssuesJson(issues: readonly Issue[], fileCount: number, acknowledged: readonly AcknowledgedIssue[] = []): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const reasons = new Map<Issue, string>(acknowledged.map((i) => [i, i.reason]));
  const report = {
    ok: errors === 0,
    files: fileCount,
    errors,
    warnings: issues.length - errors,
    acknowledged: acknowledged.length,
    issues: sortIssues([...issues, ...acknowledged]).map((i) => ({
      file: i.file,
      line: i.line,
      column: i.column,
      severity: i.severity,
      code: i.code,
      path: redactSecrets(i.path),
      message: redactSecrets(i.message),
      ...(i.hint !== undefined && { hint: redactSecrets(i.hint) }),
      ...(reasons.has(i) && { acknowledged: true, reason: redactSecrets(reasons.get(i)!) }),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
