// Every problem Slipway finds, from YAML syntax to stage policy, is an Issue. They are collected,
// sorted and printed by a formatter; nothing prints while checking.
export type Severity = 'error' | 'warning';

export interface Issue {
  /** Stable, documented code such as AKS_ZONES; tests and CI filters rely on it. */
  readonly code: string;
  readonly severity: Severity;
  /** A sentence naming the field and the rule. */
  readonly message: string;
  /** Path as given on the command line or relative to the working directory. */
  readonly file: string;
  /** 1-based; 0 when the problem concerns the file as a whole. */
  readonly line: number;
  readonly column: number;
  /** Field path inside the document, e.g. aks.zones.0 */
  readonly path: string;
  /** How to fix it. */
  readonly hint?: string;
}

export const hasErrors = (issues: readonly Issue[]) => issues.some((i) => i.severity === 'error');

export function sortIssues(issues: readonly Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) =>
      cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.path, b.path) || cmp(a.message, b.message),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const formatPath = (path: readonly PropertyKey[]) => path.map(String).join('.');
