// Human output: one "file:line:column severity CODE message" line per issue, its hint below; then
// each acknowledged warning once, as one dim line; then a summary. Text from environment files is
// printed with credentials redacted and control characters shown as escapes, whatever produced it:
// the loader already refuses both, this is the second line of defence for a terminal or CI log.
import type { Issue } from '../issues.ts';
import type { AcknowledgedIssue } from '../load/acknowledgments.ts';
import { redactSecrets } from '../secrets.ts';

export interface ColorOptions {
  readonly color: boolean;
}

/** Color only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export const useColor = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env) =>
  Boolean(stream.isTTY) && (env.NO_COLOR === undefined || env.NO_COLOR === '');

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Printable: ESC, bidi overrides and the like become visible \u{...} escapes, and credentials [redacted]. */
export const printable = (s: string) => redactSecrets(s).replace(CONTROL, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);

const where = (issue: Issue) => printable(issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file);

export function formatIssueText(issue: Issue, { color }: ColorOptions): string {
  const severity = issue.severity === 'error' ? paint(color, '31;1', 'error') : paint(color, '33;1', 'warning');
  const head = `${paint(color, '1', where(issue))} ${severity} ${paint(color, '2', issue.code)} ${printable(issue.message)}`;
  return issue.hint ? `${head}\n  hint: ${printable(issue.hint)}` : head;
}

/** No severity word, no message, no hint: the team has read those; the reason is what matters now. */
export const formatAcknowledgedText = (issue: AcknowledgedIssue, { color }: ColorOptions): string =>
  paint(color, '2', `${where(issue)} acknowledged: ${issue.code} (${printable(issue.reason)})`);

export function formatIssuesText(issues: readonly Issue[], fileCount: number, options: ColorOptions, acknowledged: readonly AcknowledgedIssue[] = []): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  // Grouped per file: a file's issues, then its acknowledged warnings.
  const files = [...new Set([...issues, ...acknowledged].map((i) => i.file))].sort();
  const lines = files.flatMap((file) => [
    ...issues.filter((i) => i.file === file).map((i) => formatIssueText(i, options)),
    ...acknowledged.filter((i) => i.file === file).map((i) => formatAcknowledgedText(i, options)),
  ]);
  const subject = `${fileCount} environment file${fileCount === 1 ? '' : 's'}`;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${acknowledged.length > 0 ? `, ${acknowledged.length} acknowledged` : ''}`;
  lines.push(errors > 0 ? paint(options.color, '31', `${subject} checked: ${counts}.`) : paint(options.color, '32', `${subject} valid (${counts}).`));
  return `${lines.join('\n')}\n`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
