// CODEOWNERS as GitHub reads it: gitignore-like patterns (anchoring, directories, *, ?, **), the
// last matching rule deciding, rules without owners, comments, lines GitHub skips. The cases follow
// GitHub's documentation of the syntax and its examples.
import { describe, expect, it } from 'vitest';
import { compilePattern, ownersOf, parseCodeowners, ruleFor } from '../../generator/github/codeowners.ts';

const matcher = (pattern: string) => {
  const m = compilePattern(pattern);
  if (typeof m === 'string') throw new Error(m);
  return m;
};

describe('CODEOWNERS patterns', () => {
  const cases: [string, Record<string, boolean>][] = [
    // Unanchored names match at any depth, and everything inside a directory of that name.
    ['out', { out: true, 'out/a.yaml': true, 'x/out/a.yaml': true, 'outside/a.yaml': false, 'out.yaml': false }],
    // A leading slash anchors at the root.
    ['/out', { out: true, 'out/a/b.yaml': true, 'x/out/a.yaml': false }],
    // A trailing slash: only what is inside a directory, at any depth unless anchored.
    ['apps/', { apps: false, 'apps/a.js': true, 'apps/x/y.js': true, 'src/apps/a.js': true }],
    ['/environments/', { environments: false, 'environments/prod.yaml': true, 'x/environments/prod.yaml': false }],
    // A slash inside anchors too.
    ['docs/build', { 'docs/build/x': true, 'a/docs/build/x': false }],
    // "*" never crosses a slash; "docs/*" owns direct children only (GitHub's docs example).
    ['docs/*', { 'docs/getting-started.md': true, 'docs/build-app/troubleshooting.md': false, docs: false }],
    ['/*', { 'README.md': true, 'out/a.yaml': false }],
    ['*', { 'README.md': true, 'out/a/b.yaml': true }],
    ['*.js', { 'a.js': true, 'src/deep/b.js': true, 'a.jsx': false, 'a.js/inner.txt': true }],
    ['/build/logs/', { 'build/logs/a.log': true, 'build/logs/deep/b.log': true, 'x/build/logs/a.log': false }],
    ['f?o', { foo: true, fo: false, fooo: false, 'f/o': false }],
    // "**": any number of directories; a trailing "/**" needs something inside.
    ['**/logs', { logs: true, 'build/logs/a': true, 'deeply/nested/logs/x': true, 'logsx/a': false }],
    ['out/**', { out: false, 'out/a': true, 'out/a/b/c': true }],
    ['a/**/b', { 'a/b': true, 'a/x/b': true, 'a/x/y/b/z': true, 'x/a/b': false }],
    ['**', { a: true, 'a/b/c': true }],
    // Escapes and literal brackets (character ranges are not supported in CODEOWNERS).
    ['f\\*o', { 'f*o': true, foo: false }],
    ['[abc].md', { '[abc].md': true, 'a.md': false }],
    // Case sensitive.
    ['/Docs/', { 'Docs/a': true, 'docs/a': false }],
    ['/', { a: false, '': false }],
  ];
  it.each(cases)('%s', (pattern, paths) => {
    const m = matcher(pattern);
    for (const [path, expected] of Object.entries(paths)) expect(m(path), `${pattern} vs ${path}`).toBe(expected);
  });

  it('refuses what is not a pattern', () => {
    expect(compilePattern('a/***/b')).toMatch(/three asterisks/);
    expect(compilePattern('a//b')).toMatch(/empty path segment/);
  });
});

describe('CODEOWNERS rules', () => {
  const file = [
    '# Platform owns everything by default',
    '*                        @numbers/platform',
    '',
    '/environments/           @numbers/platform @numbers/sre   # inline comment',
    '/out/                    @numbers/platform',
    '/out/**/README.md',
    '/docs/\\ spaced\\ name     docs@numbers.example.com',
    '!/out/keep.yaml          @numbers/platform',
    '/generator/              not-an-owner',
    '/terraform/              @octocat',
  ].join('\n');
  const co = parseCodeowners(file);

  it('reads pattern, owners and line; skips comments and blank lines', () => {
    expect(co.rules.map((r) => [r.line, r.pattern, r.owners])).toEqual([
      [2, '*', ['@numbers/platform']],
      [4, '/environments/', ['@numbers/platform', '@numbers/sre']],
      [5, '/out/', ['@numbers/platform']],
      [6, '/out/**/README.md', []],
      [7, '/docs/\\ spaced\\ name', ['docs@numbers.example.com']],
      [10, '/terraform/', ['@octocat']],
    ]);
  });

  it('the last matching rule wins, and a rule without owners leaves files unowned', () => {
    expect(ownersOf(co, 'environments/numbers-prod.yaml')).toEqual(['@numbers/platform', '@numbers/sre']);
    expect(ownersOf(co, 'out/numbers-prod/flux/apps.yaml')).toEqual(['@numbers/platform']);
    expect(ownersOf(co, 'out/modules/aks/README.md')).toEqual([]);
    expect(ruleFor(co, 'out/modules/aks/README.md')?.line).toBe(6);
    expect(ownersOf(co, 'package.json')).toEqual(['@numbers/platform']);
    expect(ownersOf(co, 'docs/ spaced name')).toEqual(['docs@numbers.example.com']);
  });

  it('skips lines GitHub cannot read, saying where', () => {
    expect(co.problems).toEqual([
      { line: 8, column: 1, message: expect.stringMatching(/negation/) },
      { line: 9, column: 26, message: expect.stringMatching(/"not-an-owner" is not an owner/) },
    ]);
    // The skipped /generator/ line leaves generator/ to the catch-all rule.
    expect(ownersOf(co, 'generator/cli.ts')).toEqual(['@numbers/platform']);
  });

  it('no rule, no owner; CRLF files read the same', () => {
    const crlf = parseCodeowners('/out/ @a\r\n/environments/ @b\r\n');
    expect(ownersOf(crlf, 'environments/x.yaml')).toEqual(['@b']);
    expect(ownersOf(crlf, 'README.md')).toEqual([]);
    expect(ruleFor(crlf, 'README.md')).toBeUndefined();
  });
});

describe("this repository's CODEOWNERS", () => {
  it('owns what the issue asks for, new files included', async () => {
    const { readFileSync } = await import('node:fs');
    const { repoRoot } = await import('../helpers/workspace.ts');
    const co = parseCodeowners(readFileSync(`${repoRoot}/.github/CODEOWNERS`, 'utf8'));
    expect(co.problems).toEqual([]);
    for (const path of ['environments/numbers-prod.yaml', 'environments/new.yaml', 'out/numbers-prod/flux/apps.yaml', 'out/base/x/y.yaml', '.github/workflows/promote.yml', '.github/CODEOWNERS', 'terraform/modules/aks/main.tf', 'generator/cli.ts']) {
      expect(ownersOf(co, path), path).not.toEqual([]);
    }
  });
});
