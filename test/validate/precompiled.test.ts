// The validators compiled ahead of time (schema/kubernetes/validators/, one file per kind): made from
// the schema set as it is, covering every kind generate writes, judging exactly as the run-time
// compiled ones, and the ones a run uses.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SHARED_PREFIX, shareRepeats, validatorFiles } from '../../scripts/embedded-validators.ts';
import { EMBEDDED_FILE, EMBEDDED_ID, embeddedSet, embeddedValidator, PRECOMPILED_KINDS, VALIDATORS_DIR } from '../../generator/validate/embedded.ts';
import { jsPattern, withJsPatterns } from '../../generator/validate/go-regexp.ts';
import { kubernetesAjv, type ErrorObject, type ValidateFunction } from '../../generator/validate/kubernetes-ajv.ts';
import { examples, isGoTemplate } from '../helpers/render.ts';
import { repoRoot } from '../helpers/workspace.ts';

const dir = path.join(repoRoot, VALIDATORS_DIR);
const load = createRequire(import.meta.url);
const precompiled: Record<string, ValidateFunction> = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.cjs'))
    .map((f) => [f.slice(0, -'.cjs'.length), load(path.join(dir, f)) as ValidateFunction]),
);

/** The validator of a definition compiled at run time from the raw set, as the fallback does. */
function runtimeValidators(): (name: string) => ValidateFunction {
  const ajv = kubernetesAjv();
  ajv.addSchema({ $id: EMBEDDED_ID, definitions: withJsPatterns(embeddedSet().definitions) }, undefined, undefined, false);
  return (name) => ajv.compile({ $ref: `${EMBEDDED_ID}#/definitions/${name}` });
}

/**
 * A validator's verdict and what generator/validate/manifests.ts reads of its errors. schemaPath is
 * left out: in the precompiled files a shared subtree's errors point into its shared definition.
 */
function judge(validate: ValidateFunction, subject: unknown) {
  const valid = validate(subject);
  const errors = validate.errors?.map(({ instancePath, keyword, params, message }: ErrorObject) => ({ instancePath, keyword, params, message })) ?? null;
  return { valid, errors };
}

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
    const runtimeValidator = runtimeValidators();
    let compared = 0;
    for (const [file, content] of examples().files) {
      if (isGoTemplate(file)) continue;
      for (const doc of parseAllDocuments(content)) {
        const o = doc.toJS() as Record<string, unknown> | null;
        const name = o && embeddedSet().kinds[`${o.apiVersion}/${o.kind}`];
        if (!name || !precompiled[name]) continue;
        const broken = { ...o, metadata: { ...(o!.metadata as object), unknownField: true } };
        const runtime = runtimeValidator(name);
        for (const subject of [o, broken]) expect(judge(precompiled[name]!, subject)).toEqual(judge(runtime, subject));
        expect(judge(precompiled[name]!, broken).valid).toBe(false);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('share the subtrees cert-manager repeats: the ClusterIssuer file shrinks, and judges deep inside them as before', () => {
    // 667 KB when every repeat was compiled inline; about 210 KB shared.
    expect(readFileSync(path.join(dir, 'io.cert-manager.v1.ClusterIssuer.cjs'), 'utf8').length).toBeLessThan(300 * 1024);
    const podTemplate = (spec: Record<string, unknown>) => ({ podTemplate: { metadata: { labels: { app: 'solver' } }, spec } });
    const issuer = (solvers: unknown[]) => ({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'letsencrypt' },
      spec: { acme: { email: 'ops@example.com', server: 'https://acme.example/directory', privateKeySecretRef: { name: 'account' }, solvers } },
    });
    const affinity = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } },
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'solver' } } }] },
    };
    const valid = issuer([
      { http01: { ingress: { ingressClassName: 'nginx', ...podTemplate({ affinity, tolerations: [{ key: 'k', operator: 'Exists', tolerationSeconds: 30 }] }) } } },
      { http01: { gatewayHTTPRoute: { ...podTemplate({ affinity, nodeSelector: { disk: 'ssd' } }) } } },
    ]);
    const broken = issuer([
      // An unknown field and wrong types inside the shared pod template, met from two places.
      {
        http01: {
          ingress: {
            ...podTemplate({
              affinity: { nodeAffinity: { ...affinity.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecutoin: {} } },
              tolerations: [{ key: 'k', operator: 'Exists', tolerationSeconds: 'soon' }],
            }),
          },
        },
      },
      {
        http01: {
          gatewayHTTPRoute: {
            ...podTemplate({
              affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 5, labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: 'solver' }] } }] } },
            }),
          },
        },
      },
    ]);
    const name = embeddedSet().kinds['cert-manager.io/v1/ClusterIssuer']!;
    const [ahead, runtime] = [precompiled[name]!, runtimeValidators()(name)];
    expect(judge(ahead, valid)).toEqual({ valid: true, errors: null });
    expect(judge(runtime, valid)).toEqual({ valid: true, errors: null });
    const judged = judge(ahead, broken);
    const aheadPaths = ahead.errors?.map((e) => e.schemaPath);
    expect(judged).toEqual(judge(runtime, broken));
    const solver = '/spec/acme/solvers';
    expect(judged.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual([
      `${solver}/0/http01/ingress/podTemplate/spec/affinity/nodeAffinity additionalProperties`,
      `${solver}/0/http01/ingress/podTemplate/spec/tolerations/0/tolerationSeconds type`,
      `${solver}/1/http01/gatewayHTTPRoute/podTemplate/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/0/labelSelector/matchExpressions/0/values type`,
      `${solver}/1/http01/gatewayHTTPRoute/podTemplate/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/0/topologyKey type`,
    ]);
    expect(judged.errors?.[0]?.params).toEqual({ additionalProperty: 'requiredDuringSchedulingIgnoredDuringExecutoin' });
    // Each error did come from a shared definition's code: its schemaPath starts at that definition,
    // a tail of the run-time one.
    const runtimePaths = runtime.errors?.map((e) => e.schemaPath);
    expect(aheadPaths?.every((p, i) => p !== runtimePaths?.[i] && runtimePaths?.[i]?.endsWith(p.slice(1)))).toBe(true);
  });

  it('share only repeated subschemas, met at schema positions, never a whole definition nor a value', () => {
    const big = { type: 'object', properties: { name: { type: 'string', maxLength: 63 }, port: { type: 'integer' } }, required: ['name'] };
    const definitions = {
      a: {
        type: 'object',
        properties: { first: big, list: { type: 'array', items: big }, properties: big, once: { ...big, required: ['port'] } },
        default: big,
        enum: [big],
        'x-kubernetes-example': big,
      },
      b: big,
      c: { anyOf: [big, { not: big }], additionalProperties: big, patternProperties: { '^x-': big } },
    };
    const out = shareRepeats(definitions, 40) as Record<string, Record<string, unknown>>;
    expect(shareRepeats(definitions, 40)).toEqual(out);
    const shared = Object.keys(out).filter((n) => n.startsWith(SHARED_PREFIX));
    expect(shared).toHaveLength(1);
    expect(out[shared[0]!]).toEqual(big);
    const ref = { $ref: `#/definitions/${shared[0]}` };
    expect(out.b).toEqual(big);
    expect(out.a).toEqual({ ...definitions.a, properties: { first: ref, list: { type: 'array', items: ref }, properties: ref, once: definitions.a.properties.once } });
    expect(out.c).toEqual({ anyOf: [ref, { not: ref }], additionalProperties: ref, patternProperties: { '^x-': ref } });
    expect(definitions.a.properties.first).toBe(big); // the input is left as it was
    // Below the threshold nothing moves.
    expect(shareRepeats(definitions, JSON.stringify(big).length + 1)).toEqual(definitions);
  });

  // Go's (?i) has no JavaScript syntax; letters become both-case classes (ranges too).
  it('reads Go case-insensitive patterns', () => {
    const re = new RegExp(jsPattern('^(?i)(abort|warn)?$'), 'u');
    expect(['Abort', 'WARN', 'warn', ''].every((s) => re.test(s))).toBe(true);
    expect(re.test('x')).toBe(false);
    expect(jsPattern('(?i)^[a-f0-9]+\\.x$')).toBe('^[a-fA-F0-9]+\\.[xX]$');
  });
});
