// Machine output for CI and editors: stable field order, one object.
import type { Issue } from '../issues.ts';

export function formatIssuesJson(issues: readonly Issue[], fileCount: number): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const report = {
    ok: errors === 0,
    files: fileCount,
    errors,
    warnings: issues.length - errors,
    issues: issues.map((i) => ({
      file: i.file,
      line: i.line,
      column: i.column,
      severity: i.severity,
      code: i.code,
      path: i.path,
      message: i.message,
      ...(i.hint !== undefined && { hint: i.hint }),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
