// Seeded, deterministic fuzzing of the loader: environment files mutated at the byte, line, key and
// value level and laced with hostile constructs (deep nesting, alias bombs, huge lists and strings,
// prototype keys, template syntax, credentials, control characters). Case i of seed s is always the
// same text, so a failure found by `npm run fuzz` is replayed with its seed and index.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadEnvironment, loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { renderAll } from '../../generator/render/registry.ts';
import { errorCodes, warningCodes } from '../../schema/acknowledge.ts';
import { repoRoot } from './workspace.ts';
import { random } from './random.ts';

/** Credentials built at run time, so the repository holds no string a secret scanner would flag. */
export const plantedSecrets = (): string[] => [
  `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`,
  `AKIA${'Q7XH2M4P9KZT3VLD'}`,
  `xoxb-${'1234567890'}-${'abcdefghijklmnop'}`,
  `https://hooks.slack.com/services/T${'0123ABCD'}/B${'4567EFGH'}/${'x'.repeat(24)}`,
  `eyJ${'hbGciOiJIUzI1NiJ9'}.eyJ${'zdWIiOiIxMjM0NTY3ODkwIn0'}.${'sig'.repeat(8)}`,
  `https://ci:${'Tr0ub4dor-and-3'}@github.com/example/gitops`,
  `wVeOqvuArdB-ZF0Tadm4U4nHHJ417OCGC12DZwy0`,
  `-----BEGIN ${'RSA'} PRIVATE KEY-----`,
];

export interface FuzzCase {
  readonly file: string;
  readonly text: string;
  /** What was done to the seed file, for the failure report. */
  readonly steps: readonly string[];
  /** Credentials planted in the text: no message may contain them. */
  readonly secrets: readonly string[];
}

const seeds: ReadonlyArray<{ file: string; text: string }> = (() => {
  const from = (dir: string) =>
    readdirSync(path.join(repoRoot, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => ({ file: `environments/${f}`, text: readFileSync(path.join(repoRoot, dir, f), 'utf8') }));
  return [...from('environments'), ...from('test/fixtures/valid'), ...from('test/fixtures/invalid').filter((_, i) => i % 4 === 0)];
})();

const hostileValues = (rnd: () => number): string[] => [
  '${HOME}', '$${X}', '{{ .Values.x }}', '%{record_type}', '"${ARM_CLIENT_SECRET}"', '__proto__', 'constructor',
  'x'.repeat(1 + Math.floor(rnd() * 3000)), `"${'y '.repeat(600)}"`, `>\n  ${'z'.repeat(1100)}`, '*missing', '&a x', '!!binary aGk=', '!custom x', '!!js/function "f"', '1e999', '-0', '0x1F',
  '.nan', '~', 'null', 'yes', '"\\u202e"', '"\\u0000x"', '"\\e[31m"', '? [a, b]', '[' .repeat(Math.floor(rnd() * 200)), '{a: {b: {c: {d: {}}}}}',
  '|\n  block\n  text', '>-', "'it''s'", '"unterminated', '- - - - x', '\t', '\ufeff', '😀'.repeat(50), '12345678901234567890123',
  `[${Array.from({ length: Math.floor(rnd() * 2500) }, (_, i) => i).join(',')}]`,
];

const ALPHABET = ':-[]{},#&*!|>\'"%@`\t\n\r ?$\\/.=~^0123456789abcXYZ\u0000\u00e9\u202e\ufeff';

/** Insertable blocks, each a hostile construct at the top level (or wherever the line lands). */
function hostileBlock(rnd: () => number): [string, string] {
  const n = 1 + Math.floor(rnd() * 120);
  const blocks: Array<[string, string]> = [
    [`deep flow ${n}`, `deep: ${'['.repeat(n)}${']'.repeat(n)}`],
    [`deep block ${n}`, Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1'],
    [`deep seq ${n}`, `deep:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n')}x`],
    ['alias bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]'],
    [`many keys ${n * 20}`, Array.from({ length: n * 20 }, (_, i) => `k${i}: ${i}`).join('\n')],
    ['proto', '__proto__:\n  polluted: true'],
    ['proto flow', 'x: {__proto__: {polluted: true}, constructor: {prototype: {polluted: true}}}'],
    ['merge key', 'base: &b {x: 1}\nother:\n  <<: *b'],
    ['second document', '---\nname: other'],
    ['directive', '%YAML 1.1\n---'],
    ['tab indent', 'x:\n\ty: 1'],
    ['crlf', 'x: 1\r\ny: 2\r\n'],
    ['complex key', '? {a: 1}\n: b'],
    ['empty key', ': value'],
    ['anchors', Array.from({ length: n }, (_, i) => `a${i}: &x${i} v`).join('\n')],
  ];
  return blocks[Math.floor(rnd() * blocks.length)]!;
}

/** Text that must stay valid and be written as it is: lone "$", "{", "%", quotes, non-ASCII. */
const BENIGN = ['costs $5 per {unit}', 'owner: 50% of $TEAM', "O'Brien & Søn", '日本語 チーム', 'a # not a comment', 'x: y', '"quoted"', 'trailing space '];

/** A mutation that keeps the file valid: comments, free text, tags. Exercises rendering of odd but legal text. */
function benign(text: string, rnd: () => number, steps: string[]): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const lines = text.split('\n');
  const op = Math.floor(rnd() * 3);
  if (op === 0) {
    const at = lines.findIndex((l) => /^\S/.test(l) && !l.startsWith('#') && rnd() < 0.3);
    if (at >= 0) lines.splice(at, 0, `# ${pick(BENIGN)}`);
    steps.push('comment');
  } else if (op === 1) {
    const i = lines.findIndex((l) => /^\s+(-\s+)?description: /.test(l));
    if (i >= 0) lines[i] = lines[i]!.replace(/description: .*$/, `description: ${JSON.stringify(pick(BENIGN))}`);
    steps.push('description');
  } else {
    const i = lines.findIndex((l) => /^ {2}location: /.test(l));
    if (i >= 0 && !lines[i + 1]?.startsWith('  tags:')) lines.splice(i + 1, 0, '  tags:', `    note: ${JSON.stringify(pick(BENIGN))}`);
    steps.push('tag');
  }
  return lines.join('\n');
}

export function fuzzCase(seed: number, index: number): FuzzCase {
  const rnd = random((seed * 1_000_003 + index) >>> 0);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // A quarter of the cases start from the examples and stay valid; the rest are hostile.
  const source = pick(seeds);
  let text = source.text;
  const steps: string[] = [];
  const secrets: string[] = [];
  if (rnd() < 0.25) {
    const valid = pick(seeds.slice(0, 2));
    let t = valid.text;
    for (let r = 0; r < 1 + Math.floor(rnd() * 3); r++) t = benign(t, rnd, steps);
    return { file: valid.file, text: t, steps, secrets };
  }
  const rounds = 1 + Math.floor(rnd() * 4);
  for (let r = 0; r < rounds; r++) {
    const lines = text.split('\n');
    const at = Math.floor(rnd() * lines.length);
    const choice = rnd();
    if (choice < 0.15) {
      // Characters: flip, insert or delete a few, from an alphabet heavy in YAML syntax.
      const chars = [...text];
      for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) {
        const p = Math.floor(rnd() * (chars.length + 1));
        const op = rnd();
        if (op < 0.4) chars.splice(p, 1, pick([...ALPHABET]));
        else if (op < 0.7) chars.splice(p, 0, pick([...ALPHABET]));
        else chars.splice(p, 1);
      }
      text = chars.join('');
      steps.push('characters');
    } else if (choice < 0.3) {
      // Lines: delete, duplicate, swap, re-indent, or cut the file short.
      const op = Math.floor(rnd() * 5);
      if (op === 0) lines.splice(at, 1);
      else if (op === 1) lines.splice(at, 0, lines[at] ?? '');
      else if (op === 2) {
        const other = Math.floor(rnd() * lines.length);
        [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
      } else if (op === 3) lines[at] = `${' '.repeat(Math.floor(rnd() * 9))}${(lines[at] ?? '').trimStart()}`;
      else lines.length = at;
      text = lines.join('\n');
      steps.push(`lines op ${op} at ${at + 1}`);
    } else if (choice < 0.55) {
      // A value replaced by a hostile one.
      const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*-?\s*[\w.-]+:\s+\S/.test(l) && !l.trimStart().startsWith('#'));
      if (candidates.length === 0) continue;
      const [line, i] = pick(candidates);
      const value = rnd() < 0.25 ? pick(plantedSecrets()) : pick(hostileValues(rnd));
      if (plantedSecrets().includes(value)) secrets.push(value);
      lines[i] = line.replace(/:\s+.*$/, `: ${value}`);
      text = lines.join('\n');
      steps.push(`value at ${i + 1}: ${JSON.stringify(value.slice(0, 40))}`);
    } else if (choice < 0.7) {
      // A key replaced: prototype names, a duplicate of its neighbour, a secret.
      const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w.-]+:/.test(l));
      if (candidates.length === 0) continue;
      const [line, i] = pick(candidates);
      const neighbour = /^\s*([\w.-]+):/.exec(lines[i - 1] ?? '')?.[1] ?? 'name';
      const key = pick(['__proto__', 'constructor', 'prototype', '"__proto__"', neighbour, '<<', 'password', plantedSecrets()[0]!]);
      if (key === plantedSecrets()[0]) secrets.push(key);
      lines[i] = line.replace(/^(\s*)[\w.-]+:/, `$1${key}:`);
      text = lines.join('\n');
      steps.push(`key at ${i + 1}: ${key.slice(0, 20)}`);
    } else {
      const [what, block] = hostileBlock(rnd);
      lines.splice(at, 0, block);
      text = lines.join('\n');
      steps.push(`${what} inserted at ${at + 1}`);
    }
  }
  return { file: source.file, text, steps, secrets: secrets.filter((x) => text.includes(x)) };
}

const knownCodes = new Set<string>([...errorCodes, ...Object.keys(warningCodes)]);
const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');

/** Milliseconds one case may take to load (a typical one takes a few). */
export const CASE_BOUND_MS = 2000;

export interface CaseResult {
  readonly problems: string[];
  readonly ms: number;
  readonly valid: boolean;
  /** The codes reported, to see what the cases reach. */
  readonly codes: readonly string[];
}

/**
 * Loads a case and checks what must hold for any input: no exception, an answer within the bound,
 * every issue a known code at a real position with a sentence and a hint, no planted credential in
 * any message, Object.prototype untouched, and a valid file renders without throwing.
 */
export function checkCase(c: FuzzCase, render = true): CaseResult {
  const problems: string[] = [];
  const before = prototypeNames();
  const started = performance.now();
  let result;
  try {
    result = loadEnvironmentTexts([{ file: c.file, text: c.text }]);
  } catch (e) {
    return { problems: [`the loader threw: ${(e as Error).stack ?? String(e)}`], ms: performance.now() - started, valid: false, codes: [] };
  }
  const ms = performance.now() - started;
  if (ms > CASE_BOUND_MS) problems.push(`took ${ms.toFixed(0)} ms, more than ${CASE_BOUND_MS}`);
  for (const i of result.issues) {
    const where = `${i.code} ${i.line}:${i.column}`;
    if (!knownCodes.has(i.code)) problems.push(`unknown code ${i.code}`);
    if (i.file !== c.file) problems.push(`${where}: file ${i.file}`);
    if (!(i.line >= 1 && i.column >= 1)) problems.push(`${where}: no position`);
    if (!/\S.*[.?!)]$/s.test(i.message)) problems.push(`${where}: message is not a sentence: ${i.message}`);
    if (i.severity === 'error' && !i.hint) problems.push(`${where}: no hint`);
    for (const s of c.secrets) if (`${i.message} ${i.hint ?? ''} ${i.path}`.includes(s)) problems.push(`${where}: echoes a planted credential`);
  }
  const errors = result.issues.filter((i) => i.severity === 'error');
  if (errors.length === 0 && result.environments.length !== 1) problems.push('no errors, but no environment either');
  if (errors.length > 0 && result.environments.length > 0) problems.push('errors, and still an environment');
  if (c.secrets.length > 0 && errors.every((i) => i.code !== 'VALUE_SECRET') && result.environments.length > 0) problems.push('a planted credential was accepted');
  if (render && result.environments.length === 1) {
    try {
      renderAll(result.environments);
    } catch (e) {
      problems.push(`rendering a valid file threw: ${(e as Error).message}`);
    }
  }
  // The plain YAML reader (load/plain-yaml.ts) against the library, on the same text.
  const { source: _plainSource, ...plain } = loadEnvironment(c.file, c.text);
  const { source: _librarySource, ...library } = loadEnvironment(c.file, c.text, undefined, 'library');
  if (!isDeepStrictEqual(plain, library)) problems.push('the plain YAML reader and the library load it differently');
  if (prototypeNames() !== before || ({} as Record<string, unknown>).polluted !== undefined) problems.push('Object.prototype changed');
  return { problems, ms, valid: result.environments.length === 1, codes: result.issues.map((i) => i.code) };
}
