// The validators compiled ahead of time (schema/kubernetes/validators.cjs): made from the schema set
// as it is, covering every kind generate writes, and judging exactly as the run-time compiled ones.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validatorsSource } from '../../scripts/embedded-validators.ts';
import { EMBEDDED_FILE, EMBEDDED_ID, embeddedSet, PRECOMPILED_KINDS, VALIDATORS_FILE } from '../../generator/validate/embedded.ts';
import { jsPattern, withJsPatterns } from '../../generator/validate/go-regexp.ts';
import { kubernetesAjv, type ValidateFunction } from '../../generator/validate/kubernetes-ajv.ts';
import { examples } from '../helpers/render.ts';
import { repoRoot } from '../helpers/workspace.ts';

const precompiled = createRequire(import.meta.url)(path.join(repoRoot, VALIDATORS_FILE)) as Record<string, ValidateFunction>;

describe('precompiled validators', () => {
  it('are what scripts/embedded-validators.ts makes from the schema set (regenerate with: npx tsx scripts/embedded-validators.ts)', () => {
    expect(readFileSync(path.join(repoRoot, VALIDATORS_FILE), 'utf8') === validatorsSource(readFileSync(path.join(repoRoot, EMBEDDED_FILE), 'utf8'))).toBe(true);
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
