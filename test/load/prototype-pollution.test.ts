// __proto__, constructor and prototype keys are refused at the YAML layer, wherever they appear and
// however they are written, and a hostile file leaves Object.prototype exactly as it was, through
// validate and generate as well as the loader.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { inWorkspace, repoRoot, runCli, snapshotTree } from '../helpers/workspace.ts';

const minimal = readFileSync(path.join(repoRoot, 'test/fixtures/valid/minimal.yaml'), 'utf8');

const flow = 'x: {__proto__: {polluted: yes}, constructor: {prototype: {polluted: yes}}}';

/** minimal.yaml with every way of writing a prototype key: block, quoted, flow, explicit, in a list item. */
const hostile = [
  minimal.replace('name: minimal', 'name: hostile').replace('  location: westeurope', '  location: westeurope\n  tags:\n    constructor: retro\n    "prototype": x\n  __proto__:\n    polluted: yes'),
  '__proto__:',
  '  polluted: yes',
  flow,
  "? '__proto__'",
  ': {polluted: yes}',
  'acknowledge:',
  '  - __proto__: {polluted: yes}',
  '',
].join('\n');

const prototypeState = () => ({
  names: Object.getOwnPropertyNames(Object.prototype).sort(),
  polluted: (Object.prototype as Record<string, unknown>).polluted,
  fresh: ({} as Record<string, unknown>).polluted,
  arrays: ([] as unknown as Record<string, unknown>).polluted,
});

describe('prototype keys', () => {
  it('refuses each one, located, naming the key and the mapping it is in', () => {
    const before = prototypeState();
    const { issues, environments } = loadEnvironmentTexts([{ file: 'environments/hostile.yaml', text: hostile }]);
    const lineOf = (needle: string, from = 0) => hostile.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    const last = minimal.split('\n').length;
    expect(issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.line, i.column, i.path])).toEqual([
      ['YAML_RESERVED_KEY', lineOf('constructor: retro'), 5, 'azure.tags'],
      ['YAML_RESERVED_KEY', lineOf('"prototype"'), 5, 'azure.tags'],
      ['YAML_RESERVED_KEY', lineOf('  __proto__:'), 3, 'azure'],
      ['YAML_RESERVED_KEY', lineOf('__proto__:', last), 1, ''],
      ['YAML_RESERVED_KEY', lineOf('x: {'), 5, 'x'],
      ['YAML_RESERVED_KEY', lineOf('x: {'), flow.indexOf('constructor') + 1, 'x'],
      ['YAML_RESERVED_KEY', lineOf('x: {'), flow.indexOf('prototype') + 1, 'x.constructor'],
      ['YAML_RESERVED_KEY', lineOf("? '__proto__'"), 3, ''],
      ['YAML_RESERVED_KEY', lineOf('  - __proto__'), 5, 'acknowledge.0'],
    ].sort((a, b) => (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number)));
    expect(issues.find((i) => i.path === 'azure.tags')!.message).toBe(
      '"azure.tags" has the key "constructor", which no environment field uses and which names JavaScript object internals (prototype pollution).',
    );
    expect(environments).toEqual([]);
    expect(prototypeState()).toEqual(before);
    expect(before.polluted).toBeUndefined();
  });

  it('leaves Object.prototype untouched through validate (text and JSON) and generate, and out/ unchanged', async () => {
    const before = prototypeState();
    await inWorkspace(async (ws) => {
      expect((await runCli(['generate'])).code).toBe(0);
      const out = snapshotTree(path.join(ws, 'out'));
      writeFileSync(path.join(ws, 'environments/hostile.yaml'), hostile);
      for (const args of [['validate'], ['validate', '--format', 'json'], ['generate'], ['generate', '--check']]) {
        const run = await runCli(args);
        expect(run.code, args.join(' ')).toBe(1);
        expect(`${run.stdout}${run.stderr}`).toContain('YAML_RESERVED_KEY');
        expect(prototypeState()).toEqual(before);
      }
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(out);
    });
  });
});
