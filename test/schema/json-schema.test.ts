// The editor schema is generated from zod, committed, and must agree with zod on every fixture.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../schema/environment.ts';
import { environmentJsonSchema, JSON_SCHEMA_PATH } from '../../schema/json-schema.ts';
import { repoRoot } from '../helpers/workspace.ts';

const committed = readFileSync(path.join(repoRoot, JSON_SCHEMA_PATH), 'utf8');

function compile() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  // zod writes a pattern next to its own format names; the pattern does the checking.
  ajv.addFormat('cidrv4', true);
  return ajv.compile(JSON.parse(committed));
}

/** Every fixture whose YAML parses to data, with its data. */
function fixtureData(): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const kind of ['valid', 'invalid']) {
    const dir = path.join(repoRoot, 'test/fixtures', kind);
    for (const f of readdirSync(dir).sort()) {
      try {
        out.push([`${kind}/${f}`, parse(readFileSync(path.join(dir, f), 'utf8'), { uniqueKeys: true, maxAliasCount: 50, stringKeys: true })]);
      } catch {
        // YAML-level fixtures have no data for a schema to judge.
      }
    }
  }
  for (const f of readdirSync(path.join(repoRoot, 'environments'))) out.push([`environments/${f}`, parse(readFileSync(path.join(repoRoot, 'environments', f), 'utf8'))]);
  return out;
}

describe('environment.schema.json', () => {
  it('is committed and in sync with the zod model', () => {
    expect(committed).toBe(environmentJsonSchema());
  });

  it('is a strict draft 2020-12 schema that forbids unknown keys', () => {
    const schema = JSON.parse(committed);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'stage', 'azure', 'aks', 'apps']));
  });

  const validate = compile();
  const cases = fixtureData();

  it('covers valid and invalid fixtures', () => {
    const verdicts = cases.map(([, data]) => environmentSchema.safeParse(data).success);
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });

  it.each(cases)('accepts and rejects %s exactly as zod does', (_name, data) => {
    expect(validate(data)).toBe(environmentSchema.safeParse(data).success);
  });

  it('every environment file points editors at it', () => {
    for (const f of readdirSync(path.join(repoRoot, 'environments'))) {
      expect(readFileSync(path.join(repoRoot, 'environments', f), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/environment.schema.json');
    }
  });
});
