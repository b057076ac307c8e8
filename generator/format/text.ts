// Human output: one "file:line:column severity CODE message" line per issue, its hint below.
import type { Issue } from '../issues.ts';

export interface ColorOptions {
  readonly color: boolean;
}

/** Color only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export const useColor = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env) =>
  Boolean(stream.isTTY) && (env.NO_COLOR === undefined || env.NO_COLOR === '');

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

export function formatIssueText(issue: Issue, { color }: ColorOptions): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const severity = issue.severity === 'error' ? paint(color, '31;1', 'error') : paint(color, '33;1', 'warning');
  const head = `${paint(color, '1', where)} ${severity} ${paint(color, '2', issue.code)} ${issue.message}`;
  return issue.hint ? `${head}\n  hint: ${issue.hint}` : head;
}

export function formatIssuesText(issues: readonly Issue[], fileCount: number, options: ColorOptions): string {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const lines = issues.map((i) => formatIssueText(i, options));
  const files = `${fileCount} environment file${fileCount === 1 ? '' : 's'}`;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  lines.push(errors > 0 ? paint(options.color, '31', `${files} checked: ${counts}.`) : paint(options.color, '32', `${files} valid (${counts}).`));
  return `${lines.join('\n')}\n`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
