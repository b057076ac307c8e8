// CODEOWNERS as GitHub reads it, to tell which files a review by their owners covers.
//
// Syntax (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners):
// one rule a line, a pattern then owners (@user, @org/team or an e-mail address); "#" starts a
// comment; the last matching rule wins, and a rule without owners leaves its files unowned. Patterns
// follow .gitignore, except that "!" (negation) and "[ ]" (character ranges) are not supported and a
// leading "#" cannot be escaped. Paths are case sensitive. A line GitHub cannot read is skipped.
//
// Pattern semantics: a leading "/" or a "/" inside the pattern anchors it at the repository root,
// otherwise it matches at any depth; a trailing "/" matches only what is inside a directory; "*" and
// "?" never cross "/"; "**" spans any number of directories ("a/**/b" zero or more, a trailing "/**"
// at least one). A pattern naming a directory covers everything below it, except when its last
// segment is a lone "*" ("docs/*" owns docs/a.md but not docs/sub/b.md, as GitHub's docs say).

export interface CodeownersRule {
  /** 1-based line in the file. */
  readonly line: number;
  readonly pattern: string;
  /** Empty: the rule takes ownership away (files matching it have no code owner). */
  readonly owners: readonly string[];
  readonly matches: (path: string) => boolean;
}

export interface CodeownersProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface Codeowners {
  readonly rules: readonly CodeownersRule[];
  /** Lines GitHub skips. */
  readonly problems: readonly CodeownersProblem[];
}

/** GitHub ignores a CODEOWNERS file of 3 MB or more. */
export const CODEOWNERS_MAX_BYTES = 3 * 1024 * 1024;

/** Where GitHub looks, in this order; the first one found is used. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

const OWNER = /^(?:@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9_.-]+)?|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})$/;

export function parseCodeowners(text: string): Codeowners {
  const rules: CodeownersRule[] = [];
  const problems: CodeownersProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const start = raw.search(/\S/);
    if (start < 0 || raw[start] === '#') return;
    const parsed = parseLine(raw, start);
    if ('problem' in parsed) {
      problems.push({ line, column: parsed.column + 1, message: parsed.problem });
      return;
    }
    rules.push({ line, pattern: parsed.pattern, owners: parsed.owners, matches: parsed.matches });
  });
  return { rules, problems };
}

type ParsedLine = { pattern: string; owners: string[]; matches: (path: string) => boolean } | { problem: string; column: number };

function parseLine(raw: string, start: number): ParsedLine {
  // The pattern runs to the first whitespace not escaped with "\".
  let end = start;
  while (end < raw.length && !/\s/.test(raw[end]!)) end += raw[end] === '\\' && end + 1 < raw.length ? 2 : 1;
  const pattern = raw.slice(start, end);
  if (pattern.startsWith('!')) return { problem: `"${pattern}": negation ("!") is not supported in CODEOWNERS; the line is skipped`, column: start };
  const matcher = compilePattern(pattern);
  if (typeof matcher === 'string') return { problem: `"${pattern}": ${matcher}; the line is skipped`, column: start };
  const owners: string[] = [];
  const rest = raw.slice(end);
  const re = /\S+/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m[0].startsWith('#')) break; // a comment to the end of the line
    if (!OWNER.test(m[0])) return { problem: `"${m[0]}" is not an owner (@user, @org/team or an e-mail address); the line is skipped`, column: end + m.index };
    owners.push(m[0]);
  }
  return { pattern, owners, matches: matcher };
}

/** A pattern as a predicate over repository-relative file paths, or why it is not one. */
export function compilePattern(pattern: string): ((path: string) => boolean) | string {
  if (pattern.includes('***')) return 'three asterisks in a row are not a pattern';
  let p = pattern;
  // A "/" at the start or in the middle anchors the pattern; one at the end only marks a directory.
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const directoryOnly = p.endsWith('/');
  if (directoryOnly) p = p.slice(0, -1);
  if (p === '') return () => false; // "/" names nothing (GitHub flags it)
  const segments = p.split('/');
  if (segments.some((s) => s === '')) return 'an empty path segment ("//")';
  if (!anchored && segments[0] !== '**') segments.unshift('**');
  if (directoryOnly) segments.push('**');
  const last = segments[segments.length - 1]!;
  const coversDescendants = last !== '*' && last !== '**';
  const globs = segments.map((s) => (s === '**' ? DOUBLE_STAR : segmentRegex(s)));
  return (path: string) => matchSegments(globs, 0, path.split('/'), 0, coversDescendants);
}

const DOUBLE_STAR = Symbol('**');
type Glob = RegExp | typeof DOUBLE_STAR;

function matchSegments(globs: readonly Glob[], gi: number, parts: readonly string[], pi: number, descendants: boolean): boolean {
  if (gi === globs.length) return pi === parts.length || (descendants && pi > 0);
  const glob = globs[gi]!;
  if (glob === DOUBLE_STAR) {
    // Leading or inner "**": zero or more segments; trailing "**": at least one.
    const min = gi === globs.length - 1 ? 1 : 0;
    for (let k = pi + min; k <= parts.length; k++) if (matchSegments(globs, gi + 1, parts, k, descendants)) return true;
    return false;
  }
  return pi < parts.length && glob.test(parts[pi]!) && matchSegments(globs, gi + 1, parts, pi + 1, descendants);
}

/** One path segment: "*" any run of characters, "?" one, "\x" the character x; "[" is literal in CODEOWNERS. */
function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\' && i + 1 < segment.length) re += escapeRegex(segment[++i]!);
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`);
}

const escapeRegex = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The rule that decides a path's owners: the last one that matches, if any. */
export function ruleFor(codeowners: Codeowners, path: string): CodeownersRule | undefined {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) if (codeowners.rules[i]!.matches(path)) return codeowners.rules[i];
  return undefined;
}

export const ownersOf = (codeowners: Codeowners, path: string): readonly string[] => ruleFor(codeowners, path)?.owners ?? [];
