// Values reach files that tools read as templates: Flux post-build substitution (every Kustomization
// Slipway writes substitutes), helmfile's .gotmpl values and the local chart's templates (Go
// templates, where Slipway turns ${VAR} into an action that reads the variable), Terraform and
// external-dns templates. The decision (generator/load/value-checks.ts): "${", "{{" and "%{" are
// refused in every field, with a message that says which tool would read them; "$", "{" and "%" on
// their own are written as they are. Both directions are tested against what the tools would make
// of the output: verify's Flux engine (generator/verify/substitute.ts) and the Go template helper.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import type { Environment } from '../../generator/model/environment.ts';
import { renderAll } from '../../generator/render/registry.ts';
import { fluxSync } from '../../generator/verify/flux.ts';
import { OriginFiles } from '../../generator/verify/origins.ts';
import { terraformInputs } from '../../generator/verify/terraform-inputs.ts';
import { renderGoTemplate } from '../helpers/render.ts';
import { repoRoot } from '../helpers/workspace.ts';

const TEST = 'environments/numbers-test.yaml';
const PROD = 'environments/numbers-prod.yaml';
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

/** The example with one value set (YAML document API: the rest of the file stays as it is). */
function withValue(file: string, at: readonly (string | number)[], value: unknown): string {
  const doc = parseDocument(read(file));
  doc.setIn(at, value);
  return String(doc);
}

const load = (file: string, text: string) => loadEnvironmentTexts([{ file, text }]);

/** What the cluster holds: every object Flux applies for the environment, built and substituted as kustomize-controller does. */
function clusterObjects(env: Environment, extra: Record<string, string> = {}): KubeObject[] {
  const files = renderAll([env]);
  const values = { ...terraformInputs(files, env).values, ...extra };
  return fluxSync(new OriginFiles(files), env, values, env.aks.kubernetesVersion).objects.map((o) => o.object);
}

const roleBindingDescriptions = (objects: readonly KubeObject[]) =>
  objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.annotations?.['slipway.io/description'] !== undefined).map((o) => o.metadata.annotations!['slipway.io/description']);

describe('template syntax in values', () => {
  // One field per family: free text in cluster objects, free text and names only Terraform reads,
  // values in Helm values (Flux and helmfile), a schedule, and text only reviewers read.
  const fields: ReadonlyArray<readonly [string, string, readonly (string | number)[]]> = [
    ['access description (RoleBinding annotation: Flux, helmfile chart template)', TEST, ['access', 0, 'description']],
    ['deployer description (Terraform)', TEST, ['terraform', 'deployers', 0, 'description']],
    ['tag value (Terraform)', TEST, ['azure', 'tags', 'owner']],
    ['branch (Terraform, the Flux configuration)', TEST, ['gitops', 'branch']],
    ['acknowledgment reason (printed by validate)', TEST, ['acknowledge', 0, 'reason']],
    ['SMTP user name (Alertmanager config: Flux, helmfile values)', PROD, ['releases', 'monitoring', 'smtp', 'username']],
    ['backup schedule (Velero Schedule: Flux, helmfile values)', PROD, ['releases', 'velero', 'schedules', 0, 'schedule']],
  ];

  it.each(fields)('refuses "${HOME}" in the %s, saying which tool would read it', (_, file, at) => {
    const { issues, environments } = load(file, withValue(file, at, at.includes('schedule') ? '0 2 * * ${HOME}' : 'x-${HOME}'));
    const errors = issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => [i.code, i.path])).toEqual([['VALUE_TEMPLATE', at.join('.')]]);
    expect(errors[0]!.line).toBeGreaterThan(1);
    expect(errors[0]!.message).toBe(
      `"${at.join('.')}" contains "\${": Flux post-build substitution and helmfile read "\${NAME}" as a variable: the text would be replaced by its value, or make helmfile read the environment variable it names. Values from an environment file are written as data, never as templates.`,
    );
    expect(errors[0]!.hint).toContain('Remove "${" from the value');
    expect(environments).toEqual([]);
  });

  it.each([
    ['{{ .Values.env.HOME }}', 'Go template action'],
    ['%{ if true }x%{ endif }', 'template directive'],
    ['$${HOME}', 'as a variable'],
  ])('refuses %s the same way', (value, why) => {
    const text = withValue(TEST, ['access', 0, 'description'], value);
    const line = text.split('\n').findIndex((l) => l.includes(value));
    const { issues } = load(TEST, text);
    expect(issues.filter((i) => i.severity === 'error')).toMatchObject([
      { code: 'VALUE_TEMPLATE', path: 'access.0.description', line: line + 1, column: text.split('\n')[line]!.indexOf('description: ') + 14 },
    ]);
    expect(issues.find((i) => i.code === 'VALUE_TEMPLATE')!.message).toContain(why);
  });

  it('refuses template syntax in a key too (tag names)', () => {
    const { issues } = load(TEST, withValue(TEST, ['azure', 'tags', 'team-${USER}'], 'retro'));
    expect(issues.filter((i) => i.severity === 'error')).toMatchObject([{ code: 'VALUE_TEMPLATE', path: 'azure.tags' }]);
  });

  it('without the check, Flux would replace ${VAR} in the annotation and helmfile would read $HOME (why it is refused)', () => {
    const env = load(TEST, read(TEST)).environments[0]!;
    // The model as the loader never makes it: the check bypassed.
    const hostile = structuredClone(env) as Environment;
    (hostile.access[0] as { description: string }).description = 'vault ${KEY_VAULT_NAME} home ${HOME}';
    expect(new Set(roleBindingDescriptions(clusterObjects(hostile)))).toEqual(new Set([`vault ${env.names.keyVault} home`]));
    const files = [...renderAll([hostile])];
    const chart = files.find(([f, text]) => /helmfile\/charts\/.*\/rolebinding-/.test(f) && text.includes('slipway.io/description'))!;
    expect(chart[1]).toContain('home {{ .Values.env.HOME }}');
    // ...and the helmfile values pass the deploying shell's $HOME into the chart.
    expect(files.find(([f]) => f.endsWith('helmfile/values/platform-base.yaml.gotmpl'))![1]).toContain('HOME: {{ requiredEnv "HOME" }}');
  });

  it('writes "$", "{", "%" on their own as they are: the cluster and helmfile get the text unchanged', () => {
    const literal = 'costs $5 per {unit}, 50% of $HOME';
    const { issues, environments } = load(TEST, withValue(TEST, ['access', 0, 'description'], literal));
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const [env] = environments;
    // Flux substitutes with HOME set: $HOME without braces is not an expression, so nothing changes.
    const descriptions = roleBindingDescriptions(clusterObjects(env!, { HOME: '/root' }));
    expect(descriptions.length).toBeGreaterThan(0);
    expect(new Set(descriptions)).toEqual(new Set([literal]));
    // helmfile renders the local chart's templates with Go templates: the text has no action in it.
    const templates = [...renderAll([env!])].filter(([f]) => /helmfile\/charts\/.*\/rolebinding-/.test(f));
    expect(templates.length).toBeGreaterThan(0);
    for (const [, text] of templates) {
      const object = parseDocument(renderGoTemplate(text, { HOME: '/root' })).toJS() as KubeObject;
      expect(object.metadata.annotations!['slipway.io/description']).toBe(literal);
    }
  });

  it("keeps external-dns's own %{record_type} in releases.externalDns.txtPrefix, and the cluster gets it literally", () => {
    const { issues, environments } = load(PROD, read(PROD));
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const values = clusterObjects(environments[0]!).filter((o) => o.kind === 'ConfigMap' || o.kind === 'HelmRelease');
    expect(JSON.stringify(values)).toContain('extdns-%{record_type}.');
    // Only in its own field: the same text elsewhere is refused.
    const elsewhere = load(PROD, withValue(PROD, ['azure', 'tags', 'owner'], 'extdns-%{record_type}.')).issues;
    expect(elsewhere.filter((i) => i.severity === 'error')).toMatchObject([{ code: 'VALUE_TEMPLATE', path: 'azure.tags.owner' }]);
  });

  it('refuses invisible and direction-changing characters, naming the code point', () => {
    const { issues } = load(TEST, withValue(TEST, ['access', 0, 'description'], 'Retro \u202eteam'));
    expect(issues.filter((i) => i.severity === 'error')).toMatchObject([{ code: 'VALUE_CONTROL_CHARACTER', path: 'access.0.description' }]);
    expect(issues.find((i) => i.code === 'VALUE_CONTROL_CHARACTER')!.message).toContain('U+202E');
  });
});
