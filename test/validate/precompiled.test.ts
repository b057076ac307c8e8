// The validators compiled ahead of time (schema/kubernetes/validators/, one file per kind): made from
// the schema set as it is, covering every kind generate writes, judging exactly as the run-time
// compiled ones, and the ones a run uses.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validatorFiles } from '../../scripts/embedded-validators.ts';
import { EMBEDDED_FILE, EMBEDDED_ID, embeddedSet, embeddedValidator, PRECOMPILED_KINDS, VALIDATORS_DIR } from '../../generator/validate/embedded.ts';
import { jsPattern, withJsPatterns } from '../../generator/validate/go-regexp.ts';
import { kubernetesAjv, type ValidateFunction } from '../../generator/validate/kubernetes-ajv.ts';
import { examples } from '../helpers/render.ts';
import { repoRoot } from '../helpers/workspace.ts';

const dir = path.join(repoRoot, VALIDATORS_DIR);
const load = createRequire(import.meta.url);
const precompiled: Record<string, ValidateFunction> = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.cjs'))
    .map((f) => [f.slice(0, -'.cjs'.length), load(path.join(dir, f)) as ValidateFunction]),
);

describe('precompiled validators', () => {
  it('are what scripts/embedded-validators.ts makes from the schema set, file for file (regenerate with: npx tsx scripts/embedded-validators.ts)', () => {
    const expected = validatorFiles(readFileSync(path.join(repoRoot, EMBEDDED_FILE), 'utf8'));
    expect(readdirSync(dir).sort()).toEqual([...expected.keys()].sort());
    for (const [file, text] of expected) expect(readFileSync(path.join(dir, file), 'utf8') === text, file).toBe(true);
  });

  it('are the ones a run uses: the very function exported by the kind\'s file', async () => {
    for (const kind of PRECOMPILED_KINDS) {
      const [apiVersion, name] = [kind.slice(0, kind.lastIndexOf('/')), kind.slice(kind.lastIndexOf('/') + 1)];
      expect(await embeddedValidator(apiVersion, name)).toBe(precompiled[embeddedSet().kinds[kind]!]);
    }
  });

  it('cover every kind generate writes for the examples', () => {
    const written = new Set<string>();
    for (const [file, content] of examples().files) {
      if (!/\.ya?ml$/.test(file) || file.endsWith('kustomization.yaml') || file.includes('/helmfile/')) continue;
      for (const doc of parseAllDocuments(content)) {
        const o = doc.toJS() as { apiVersion?: string; kind?: string } | null;
        if (o?.apiVersion && o.kind && embeddedSet().kinds[`${o.apiVersion}/${o.kind}`]) written.add(`${o.apiVersion}/${o.kind}`);
      }
    }
    expect(written.size).toBeGreaterThan(10);
    expect([...written].filter((k) => !(PRECOMPILED_KINDS as readonly string[]).includes(k))).toEqual([]);
  });

  it('judge every object of the examples as the run-time compiled validators do, errors included', () => {
    const ajv = kubernetesAjv();
    ajv.addSchema({ $id: EMBEDDED_ID, definitions: withJsPatterns(embeddedSet().definitions) }, undefined, undefined, false);
    let compared = 0;
    for (const [, content] of examples().files) {
      for (const doc of parseAllDocuments(content)) {
        const o = doc.toJS() as Record<string, unknown> | null;
        const name = o && embeddedSet().kinds[`${o.apiVersion}/${o.kind}`];
        if (!name || !precompiled[name]) continue;
        const broken = { ...o, metadata: { ...(o!.metadata as object), unknownField: true } };
        const runtime = ajv.compile({ $ref: `${EMBEDDED_ID}#/definitions/${name}` });
        for (const subject of [o, broken]) {
          expect(precompiled[name]!(subject)).toBe(runtime(subject));
          expect(precompiled[name]!.errors ?? null).toEqual(runtime.errors ?? null);
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  // Go's (?i) has no JavaScript syntax; letters become both-case classes (ranges too).
  it('reads Go case-insensitive patterns', () => {
    const re = new RegExp(jsPattern('^(?i)(abort|warn)?$'), 'u');
    expect(['Abort', 'WARN', 'warn', ''].every((s) => re.test(s))).toBe(true);
    expect(re.test('x')).toBe(false);
    expect(jsPattern('(?i)^[a-f0-9]+\\.x$')).toBe('^[a-fA-F0-9]+\\.[xX]$');
  });
});
