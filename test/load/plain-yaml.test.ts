// plain-yaml.ts reads the plain part of YAML that environment files use into the nodes the `yaml`
// library composes; the library reads everything else. Held here to the library: wherever the plain
// reader answers, it gives the same nodes (kind, value, offsets) and the same data, and loading a
// file gives the same result (issues, positions, acknowledgments, model) whichever reader ran.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../generator/load/load-environments.ts';
import { readPlainYaml } from '../../generator/load/plain-yaml.ts';
import { readYaml } from '../../generator/load/yaml-document.ts';
import { fuzzCase } from '../helpers/fuzz.ts';
import { repoRoot } from '../helpers/workspace.ts';

const filesIn = (dir: string) =>
  readdirSync(path.join(repoRoot, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(path.join(repoRoot, dir, f), 'utf8') }));
const examples = filesIn('environments');
const fixtures = [...filesIn('test/fixtures/valid'), ...filesIn('test/fixtures/invalid')];
const fuzzed = Array.from({ length: 300 }, (_, i) => fuzzCase(20261127, i)).map((c, i) => ({ file: `fuzz ${i} (${c.steps.join('; ')})`, text: c.text }));

/** Values in the part the plain reader takes, each a line of its own: it must read them all. */
const PLAIN = [
  'a: 1', 'a: -1', 'a: 0x1F', 'a: 0o17', 'a: 017', 'a: 1e3', 'a: .inf', 'a: -.Inf', 'a: .NaN', 'a: ~', 'a: null', 'a: NULL', 'a: true', 'a: True',
  'a: yes', 'a: on', 'a: 1_000', 'a: +1', 'a: .5', 'a: 12345678901234567890', 'a: -x', 'a: b#c', 'a: b # c', 'a: "b" # c', "a: 'it''s'",
  'a: [1, 2]', 'a: [1,2]', 'a: [ 1 , 2 ]', 'a: []', 'a: {}', 'a: { b: 1, c: x }', 'a: {b: 1}', 'a: {"b": 1}', 'a: [a b, c]', 'a: [-1, -x]',
  'a: http://x.y/z?q=1#f', 'a: 10:30', 'a: 2001-12-14', 'a: x  ', '"a b": 1', 'a b: 1', 'a:b: 1', '<<: 1', 'a: <<', 'a: é', '"": 1',
  // Characters that are line breaks or spaces elsewhere (YAML 1.1, Unicode) but not in YAML 1.2.
  'a: x\u0085y', 'a: x\u2028y', 'a: x\u00a0y', 'a: "x\u2029"', 'a: [x\u3000y]',
  'a:\n  b: 1\n  c: 2', 'a:\n- 1\n- 2', 'a:\n  - b: 1\n    c: 2\n  - d: 3', 'a:\n  -   b: 1\n      c: 2', 'a:\n  - b:\n    - 1',
  'a:\n  -\n    b: 1', 'a:\n  - [1, 2]\n  - {x: 1}', '# c\na: 1 # d\n\n# e\nb: 2\n', 'a: b\n# c\n  # d\nc: e', 'a: 1\nb: 2\na: 3',
];
/** YAML outside that part: the library reads these (or reports them). */
const LIBRARY = [
  'a: - b', 'a: b: c', 'a: b:', 'a: "b"#c', "a: 'x", 'a: "x\\ny"', 'a: "x"y', 'a: [1, 2,]', 'a: [1,,2]', 'a: [a: 1]', 'a: {b:1}', 'a: { b }',
  'a: [[1]]', 'a: [{b: 1}]', 'a: [x]# c', 'a: [x] y', 'a:\n  - b: 1\n   c: 2', 'a:\n  - - 1', 'a:\n  -', 'a:', 'a:\nb: 1', 'a: 1\n  b: 2',
  'a: x\n  y', 'a:\n    b: 1\n  c: 2', '1: x', 'true: x', 'null: x', '~: x', '? a\n: b', '- a', '---\na: 1', 'a: 1\n---', 'a: 1\n...',
  '%YAML 1.2\n---\na: 1', '  a: 1', 'a: &x 1', 'a: *x', 'a: !!str 1', 'a: |\n  x', 'a: >\n  x', 'a: @x', 'a: `x', 'a: %x', 'a: ?x', 'a: :x',
  'a: ,x', 'a: ]', 'x:\n\ty: 1', 'x: 1\r\ny: 2\r\n', '\ufeffa: 1', 'a: "tab\there"', 'a:\n  - 1\n  b: 2', 'a:\n  b: 1\n  - 2', '', '# only a comment\n',
];

const OPTIONS = { prettyErrors: false, uniqueKeys: false, strict: true, merge: false, logLevel: 'error' } as const;

/** Where two node trees differ (kind, scalar value, start offset; a scalar's end offset), or undefined. */
function difference(plain: unknown, library: unknown, at: string): string | undefined {
  if (isScalar(plain) && isScalar(library)) {
    if (!Object.is(plain.value, library.value)) return `${at}: value ${String(plain.value)} vs ${String(library.value)}`;
    if (plain.range![0] !== library.range![0] || plain.range![1] !== library.range![1]) return `${at}: range ${plain.range} vs ${library.range}`;
    return undefined;
  }
  const kind = isMap(plain) && isMap(library) ? 'map' : isSeq(plain) && isSeq(library) ? 'seq' : undefined;
  if (!kind) return `${at}: ${String((plain as object)?.constructor?.name)} vs ${String((library as object)?.constructor?.name)}`;
  const [a, b] = [plain as { range: number[]; items: unknown[] }, library as { range: number[]; items: unknown[] }];
  if (a.range[0] !== b.range[0]) return `${at}: starts at ${a.range[0]} vs ${b.range[0]}`;
  if (a.items.length !== b.items.length) return `${at}: ${a.items.length} vs ${b.items.length} entries`;
  for (let i = 0; i < a.items.length; i++) {
    const [x, y] = [a.items[i], b.items[i]] as Array<{ key?: unknown; value?: unknown }>;
    const d = kind === 'map' ? (difference(x!.key, y!.key, `${at}.<key ${i}>`) ?? difference(x!.value, y!.value, `${at}.${String((x!.key as { value: unknown }).value)}`)) : difference(x, y, `${at}[${i}]`);
    if (d) return d;
  }
  return undefined;
}

/** Files the plain reader takes, each compared with the library; the names of those it left. */
function compareReaders(inputs: ReadonlyArray<{ file: string; text: string }>): { read: number; left: string[]; differences: string[] } {
  const differences: string[] = [];
  const left: string[] = [];
  let read = 0;
  for (const { file, text } of inputs) {
    const plain = readPlainYaml(text);
    if (!plain) {
      left.push(file);
      continue;
    }
    read++;
    const lines = new LineCounter();
    const doc = parseDocument(text, { ...OPTIONS, lineCounter: lines });
    if (doc.errors.length > 0) {
      differences.push(`${file}: read plainly, but the library reports ${doc.errors[0]!.code}`);
      continue;
    }
    const d = difference(plain.root, doc.contents, '') ?? (JSON.stringify(plain.lines.lineStarts) === JSON.stringify(lines.lineStarts) ? undefined : 'line starts');
    if (d) differences.push(`${file}: ${d}`);
    else {
      // And what readYaml makes of them (past the text limits, which come first): the structure
      // issues, and the data when there are none.
      const [a, b] = [readYaml(file, text), readYaml(file, text, 'library')];
      expect([a.issues, a.source.data], file).toStrictEqual([b.issues, b.source.data]);
    }
  }
  return { read, left, differences };
}

describe('the plain YAML reader', () => {
  it('reads every example and valid fixture as the library does', () => {
    const result = compareReaders([...examples, ...filesIn('test/fixtures/valid')]);
    expect(result.differences).toEqual([]);
    expect(result.left).toEqual([]);
  });

  it('reads each value of the plain part as the library does (numbers, booleans and nulls by its own core tags)', () => {
    const result = compareReaders(PLAIN.map((text) => ({ file: JSON.stringify(text), text })));
    expect(result.differences).toEqual([]);
    expect(result.left).toEqual([]);
  });

  it('leaves everything else to the library', () => {
    expect(LIBRARY.filter((text) => readPlainYaml(text) !== undefined)).toEqual([]);
  });

  it('agrees with the library on every invalid fixture and fuzzed file it reads', () => {
    const result = compareReaders([...filesIn('test/fixtures/invalid'), ...fuzzed]);
    expect(result.differences).toEqual([]);
    // Both sides are reached: most files are read plainly, the hostile shapes are left.
    expect(result.read).toBeGreaterThan(100);
    expect(result.left.length).toBeGreaterThan(20);
  });
});

describe('loading with the plain reader', () => {
  it('gives the result the library gives: issues, positions, acknowledgments and model', () => {
    const differing: string[] = [];
    for (const { file, text } of [...examples, ...fixtures, ...fuzzed]) {
      const name = file.startsWith('fuzz') ? 'environments/numbers-test.yaml' : file;
      const { source: plainSource, ...plain } = loadEnvironment(name, text);
      const { source: librarySource, ...library } = loadEnvironment(name, text, undefined, 'library');
      expect(librarySource?.plain).toBeFalsy();
      try {
        expect(plain).toStrictEqual(library);
      } catch {
        differing.push(file);
      }
    }
    expect(differing).toEqual([]);
  });

  it('reads a file with errors again with the library, so that errors are located on its nodes', () => {
    const text = examples.find((e) => e.file.endsWith('numbers-test.yaml'))!.text.replace('stage: test', 'stage: tset');
    expect(readYaml('environments/numbers-test.yaml', text).source.plain).toBe(true);
    const result = loadEnvironment('environments/numbers-test.yaml', text);
    expect(result.issues.map((i) => [i.code, i.line])).toEqual([['SCHEMA_ENUM', 4]]);
    expect(result.source?.plain).toBeFalsy();
  });
});
