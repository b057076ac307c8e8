// Every input limit (generator/load/limits.ts) is a located error, reached in bounded time, and
// stops generate with out/ untouched. The small cases are fixtures (test/fixtures/invalid/yaml-*);
// these are the ones too big for a fixture, and the ones that used to hang or crash the parser.
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS, nestingOverflow } from '../../generator/load/limits.ts';
import { loadEnvironments, loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { inWorkspace, repoRoot, runCli, snapshotTree } from '../helpers/workspace.ts';

const minimal = readFileSync(path.join(repoRoot, 'test/fixtures/valid/minimal.yaml'), 'utf8');
const load = (text: string, file = 'environments/minimal.yaml') => loadEnvironmentTexts([{ file, text }]);
const errorsOf = (text: string) => load(text).issues.filter((i) => i.severity === 'error');

/** Runs fn and returns its result with the milliseconds it took. */
function timed<T>(fn: () => T): [T, number] {
  const started = performance.now();
  const result = fn();
  return [result, performance.now() - started];
}

describe('input limits', () => {
  it('states limits far above what the examples use', () => {
    expect(LIMITS).toEqual({ fileBytes: 131072, depth: 32, entries: 1000, stringLength: 1024, aliases: 50, environmentFiles: 1000 });
    const { issues } = loadEnvironments(['environments/numbers-prod.yaml', 'environments/numbers-test.yaml'].map((f) => path.join(repoRoot, f)));
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('refuses a file over 128 KiB where it crosses the limit, without reading a huge file whole', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-limits-'));
    try {
      // 2 GiB, sparse: reading it whole would take seconds and as much memory.
      const huge = path.join(dir, 'minimal.yaml');
      writeFileSync(huge, `${minimal}# padding\n`);
      truncateSync(huge, 2 ** 31);
      const [{ issues }, ms] = timed(() => loadEnvironments([huge]));
      expect(ms).toBeLessThan(2000);
      expect(issues).toMatchObject([{ code: 'YAML_FILE_TOO_LARGE', severity: 'error', path: '' }]);
      // The padding starts after the text: the limit falls on its last line, at the byte past 256 KiB.
      const lastLine = minimal.split('\n').length + 1;
      expect(issues[0]).toMatchObject({ line: lastLine, column: LIMITS.fileBytes - Buffer.byteLength(`${minimal}# padding\n`) + 1 });
      expect(issues[0]!.message).toContain('larger than 128 KiB');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts bytes, not characters: 128 KiB of three-byte characters is over the limit earlier', () => {
    const wide = `${minimal}# ${'€'.repeat(LIMITS.fileBytes / 3)}\n`;
    const [issue] = errorsOf(wide);
    expect(issue).toMatchObject({ code: 'YAML_FILE_TOO_LARGE', line: minimal.split('\n').length });
    expect(errorsOf(`${minimal}# ${'€'.repeat(1000)}\n`)).toEqual([]);
  });

  it('answers 60 000 levels of nesting with a located error from the text, without parsing it', () => {
    // Past about 1000 levels the parser recurses out of stack; deep enough, V8 aborts the process.
    for (const shape of [`x: ${'['.repeat(60_000)}${']'.repeat(60_000)}\n`, `x: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`]) {
      const [errors, ms] = timed(() => errorsOf(minimal + shape));
      expect(ms).toBeLessThan(2000);
      expect(errors).toMatchObject([{ code: 'YAML_TOO_DEEP', line: minimal.split('\n').length, path: '' }]);
    }
  });

  it('finds deep block nesting from indentation and "- " indicators, and reports 33 levels with their path', () => {
    const block = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    const seq = (n: number) => `x:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i)}- `).join('\n')}1\n`;
    expect(nestingOverflow(block(40), 64)).toBeUndefined();
    expect(nestingOverflow(block(70), 64)).toBeGreaterThan(0);
    expect(nestingOverflow(seq(70), 64)).toBeGreaterThan(0);
    expect(nestingOverflow(`x: "${'['.repeat(200)}"\ny: '${'{'.repeat(200)}'\n# ${'['.repeat(200)}\nz: |\n  ${'['.repeat(200)}\n`, 64)).toBeUndefined();
    const [error] = errorsOf(minimal + block(33));
    expect(error).toMatchObject({ code: 'YAML_TOO_DEEP', path: Array.from({ length: 32 }, (_, i) => `k${i}`).join('.') });
    expect(error!.message).toContain('is nested 33 levels deep, more than the 32 levels Slipway reads');
  });

  it('refuses 1001 entries in one list or mapping at the first one past the limit', () => {
    const list = errorsOf(minimal.replace('authorizedRanges: [203.0.113.0/24]', `authorizedRanges: [${Array(1001).fill('203.0.113.0/24').join(', ')}]`));
    expect(list).toMatchObject([{ code: 'YAML_TOO_MANY_ENTRIES', path: 'aks.apiServer.authorizedRanges', line: 16, column: 24 + 1000 * 16 }]);
    const keys = Array.from({ length: 1001 }, (_, i) => `  k${i}: 1`).join('\n');
    expect(errorsOf(`${minimal}extra:\n${keys}\n`)).toMatchObject([{ code: 'YAML_TOO_MANY_ENTRIES', path: 'extra', line: minimal.split('\n').length + 1 + LIMITS.entries, column: 3 }]);
  });

  it('answers the slowest shapes just under the size limit within 2 s each', () => {
    // The parser's own duplicate-key check compared every key with every other (80 000 keys: a
    // minute); keys are now checked with a set, and every shape is bounded by the size limit.
    const fill = (line: (i: number) => string) => {
      const lines: string[] = [];
      for (let i = 0, size = minimal.length + 20; size + line(i).length + 1 < LIMITS.fileBytes; i++) size += (lines[lines.push(line(i)) - 1]!.length + 1);
      return lines.join('\n');
    };
    const shapes = {
      keys: `${minimal}extra:\n${fill((i) => `  k${i.toString(36)}: 1`)}\n`,
      items: `${minimal}extra:\n${fill(() => '  - 1')}\n`,
      flow: `${minimal}extra: [${fill(() => '1,')}1]\n`,
      anchors: `${minimal}${fill((i) => `a${i.toString(36)}: &x${i.toString(36)} v`)}\n`,
      comments: `${minimal}${fill(() => '#')}\n`,
      // One long comment line against the credential patterns (a scheme-anchored URL pattern took 5 s on this).
      urlLine: `${minimal}# ${'a.'.repeat(30_000)}a://${'b:'.repeat(30_000)}\n`,
      tokenLine: `${minimal}# ${'xoxb-'.repeat(25_000)}\n`,
    };
    for (const [shape, text] of Object.entries(shapes)) {
      expect(Buffer.byteLength(text), shape).toBeLessThanOrEqual(LIMITS.fileBytes);
      const [errors, ms] = timed(() => errorsOf(text));
      expect(ms, shape).toBeLessThan(2000);
      expect(errors.every((e) => e.line >= 1), shape).toBe(true);
    }
  });

  it('still finds duplicate keys, with the line of the first', () => {
    expect(errorsOf(minimal.replace('stage: test', 'stage: test\nstage: prod'))).toMatchObject([
      { code: 'YAML_DUPLICATE_KEY', line: 4, column: 1, message: 'The key "stage" appears twice in one mapping (first on line 3).' },
    ]);
  });

  it('refuses a value or key longer than 1024 characters, naming the field', () => {
    const value = errorsOf(minimal.replace('zone: retro.example.com', `zone: ${'a'.repeat(1025)}`));
    expect(value).toMatchObject([{ code: 'YAML_STRING_TOO_LONG', path: 'dns.zone', message: '"dns.zone" is 1025 characters long, more than the 1024 Slipway reads in one value.' }]);
    // An implicit key stops at 1024 characters in YAML itself (the parser says so); an explicit one is ours to refuse.
    const key = errorsOf(minimal.replace('  location: westeurope', `  location: westeurope\n  tags:\n    ? ${'k'.repeat(2000)}\n    : v`));
    expect(key).toMatchObject([{ code: 'YAML_STRING_TOO_LONG', path: 'azure.tags', column: 7 }]);
    expect(key[0]!.message).toBe('A key in "azure.tags" is 2000 characters long, more than the 1024 Slipway reads in one key.');
    expect(errorsOf(minimal.replace('zone: retro.example.com', `zone: ${'a'.repeat(1024)}`)).map((i) => i.code)).not.toContain('YAML_STRING_TOO_LONG');
  });

  it('refuses more than 1000 environment files in one run, loading none, and generate leaves out/ alone', async () => {
    const inputs = Array.from({ length: 1001 }, (_, i) => ({ file: `environments/env-${String(i).padStart(4, '0')}.yaml`, text: minimal }));
    const { issues, environments } = loadEnvironmentTexts(inputs);
    expect(environments).toEqual([]);
    expect(issues).toMatchObject([{ code: 'ENV_TOO_MANY_FILES', file: 'environments/env-1000.yaml', line: 1, column: 1 }]);
    expect(issues[0]!.message).toBe('There are 1001 environment files, more than the 1000 Slipway reads in one run (this is file 1001); no file was loaded.');

    await inWorkspace(async (ws) => {
      expect((await runCli(['generate'])).code).toBe(0);
      const before = snapshotTree(path.join(ws, 'out'));
      for (let i = 0; i < 1000; i++) writeFileSync(path.join(ws, 'environments', `env-${String(i).padStart(4, '0')}.yaml`), '');
      const run = await runCli(['generate']);
      expect(run.code).toBe(1);
      // The error sits on file 1001 in name order, whichever of the examples and the 1000 blanks that is.
      const all = readdirSync(path.join(ws, 'environments')).filter((f) => f.endsWith('.yaml')).sort();
      expect(run.stderr).toContain(`environments/${all[1000]}:1:1 error ENV_TOO_MANY_FILES There are ${all.length} environment files`);
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);
    });
  });

  it('keeps the alias limit: a billion laughs is refused before it expands', () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    const [errors, ms] = timed(() => errorsOf(`${minimal}${laughs}\n`));
    expect(ms).toBeLessThan(1000);
    expect(errors).toMatchObject([{ code: 'YAML_ALIAS_LIMIT' }]);
  });
});
