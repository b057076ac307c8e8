// The one list of issue codes (schema/acknowledge.ts) holds every code an environment file can get:
// acknowledgments are judged against it, and the README's code table is written from it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acknowledgeableCodes, errorCodes, warningCodes } from '../../schema/acknowledge.ts';
import { repoRoot } from '../helpers/workspace.ts';

const sources = ['generator/load', 'generator/model/rules', 'generator/catalog'].flatMap((dir) =>
  readdirSync(path.join(repoRoot, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(repoRoot, dir, f), 'utf8')),
);

describe('issue codes', () => {
  it('lists every code the loader and the rules emit, each once, as an error or a warning', () => {
    // The loader's own helpers take the code first too: add('YAML_TOO_DEEP', ...), issue('VALUE_SECRET', ...).
    const emitted = new Set(sources.flatMap((text) => [...text.matchAll(/(?:code: |error\(|warning\(\s*|add\(\s*|issue\(\s*)'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!)));
    const known = [...errorCodes, ...Object.keys(warningCodes)];
    expect(emitted.size).toBeGreaterThan(40);
    expect([...emitted].filter((c) => !known.includes(c))).toEqual([]);
    expect(new Set(known).size).toBe(known.length);
  });

  it('lists every code an invalid fixture expects as an error', () => {
    const dir = path.join(repoRoot, 'test/fixtures/invalid');
    const expected = readdirSync(dir).flatMap((f) => [...readFileSync(path.join(dir, f), 'utf8').matchAll(/^# expect: (\S+) /gm)].map((m) => m[1]!));
    expect(expected.filter((c) => !(errorCodes as readonly string[]).includes(c))).toEqual([]);
  });

  it('documents every code in the README', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect([...errorCodes, ...Object.keys(warningCodes)].filter((c) => !readme.includes(`\`${c}\``))).toEqual([]);
  });

  it('lets every warning be acknowledged except the one about stale acknowledgments', () => {
    expect(Object.keys(warningCodes).filter((c) => !(acknowledgeableCodes as readonly string[]).includes(c))).toEqual(['ACKNOWLEDGE_STALE']);
  });
});
