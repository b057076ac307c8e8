// Machine output for CI and editors: stable field order, one object. Acknowledged warnings are
// listed with the others, marked "acknowledged": true with their reason, and counted apart.
import { sortIssues, type Issue } from '../issues.ts';
import type { AcknowledgedIssue } from '../load/acknowledgments.ts';

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
      path: i.path,
      message: i.message,
      ...(i.hint !== undefined && { hint: i.hint }),
      ...(reasons.has(i) && { acknowledged: true, reason: reasons.get(i) }),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
