// Strict validation of what Slipway emits against the embedded schemas (no ../shared, no
// network), mutations that must be rejected with their JSON pointer, and the folder and template
// locations that can stand before or after the embedded set.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { fluxObjects } from '../../generator/render/flux/layout.ts';
import { validateManifests, type Manifest } from '../../generator/validate/manifests.ts';
import { expandLocations, fillTemplate, templateFields } from '../../generator/validate/schema-locations.ts';
import { examples } from '../helpers/render.ts';
import { layout, writeSchemaFolder } from './kubeconform-layout.ts';

const { environments } = examples();
const manifests: Manifest[] = environments.flatMap((env) => fluxObjects(env));
const firstOfKind = [...new Map(manifests.map((m) => [m.object.kind, m])).values()];
const keyOf = (m: Manifest) => `${m.object.apiVersion}/${m.object.kind}`;
const customResources = firstOfKind.filter((m) => m.object.apiVersion.includes('.') && !m.object.apiVersion.includes('.k8s.io/'));

const work = mkdtempSync(path.join(tmpdir(), 'slipway-validate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of o with the value at pointer set (the path is created where missing). */
function set(o: KubeObject, pointer: string, value: unknown): KubeObject {
  const copy = structuredClone(o) as Record<string, unknown>;
  const keys = pointer.split('/').slice(1);
  let node = copy;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return copy as KubeObject;
}

describe('manifest validation against the embedded schemas', () => {
  it('accepts every object the example environments emit', async () => {
    expect(manifests.length).toBeGreaterThan(40);
    expect(await validateManifests(manifests)).toEqual([]);
  });

  it('covers every kind Slipway emits (a new kind without a schema fails here)', () => {
    expect(firstOfKind.map((m) => m.object.kind).sort()).toEqual(
      ['ClusterIssuer', 'ConfigMap', 'HelmRelease', 'HelmRepository', 'Kustomization', 'Namespace', 'NetworkPolicy', 'OCIRepository', 'PrometheusRule', 'RoleBinding', 'SecretProviderClass', 'ServiceAccount', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].sort(),
    );
  });

  /** A field in the right place with the wrong type, per kind. */
  const wrongType: Record<string, [string, unknown]> = {
    ClusterIssuer: ['/spec/acme/email', 42],
    ConfigMap: ['/data', 'not-a-map'],
    HelmRelease: ['/spec/interval', 5],
    HelmRepository: ['/spec/url', 5],
    Kustomization: ['/spec/prune', 'yes'],
    Namespace: ['/metadata/labels', 'not-a-map'],
    NetworkPolicy: ['/spec/policyTypes', 'Ingress'],
    OCIRepository: ['/spec/url', true],
    PrometheusRule: ['/spec/groups', 'not-a-list'],
    RoleBinding: ['/roleRef/name', 1],
    SecretProviderClass: ['/spec/provider', 7],
    ServiceAccount: ['/automountServiceAccountToken', 'no'],
    ValidatingAdmissionPolicy: ['/spec/failurePolicy', 5],
    ValidatingAdmissionPolicyBinding: ['/spec/validationActions', 'Deny'],
  };

  it.each(firstOfKind.map((m) => [m.object.kind, m] as const))('%s: an unknown field is rejected with file, kind, name and pointer', async (kind, m) => {
    const field = m.object.spec ? '/spec/slipwayTypo' : '/slipwayTypo';
    const issues = await validateManifests([{ ...m, object: set(m.object, field, true) }], { filePrefix: 'out/' });
    expect(issues).toEqual([expect.objectContaining({ code: 'MANIFEST_INVALID', severity: 'error', file: `out/${m.file}`, path: field })]);
    expect(issues[0]!.message).toBe(`${kind} ${m.object.metadata.namespace ? `${m.object.metadata.namespace}/` : ''}${m.object.metadata.name}: ${field} is not a field of ${kind}.`);
    expect(issues[0]!.hint).toBe('Remove the field or fix its spelling.');
  });

  it.each(firstOfKind.map((m) => [m.object.kind, m] as const))('%s: a wrong type is rejected with its pointer', async (kind, m) => {
    const [pointer, value] = wrongType[kind]!;
    const issues = await validateManifests([{ ...m, object: set(m.object, pointer, value) }]);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.path)).toContain(pointer);
    expect(issues.every((i) => i.file === m.file && i.code === 'MANIFEST_INVALID')).toBe(true);
  });

  it.each(customResources.map((m) => [m.object.kind, m] as const))('%s: a typo under metadata is caught (metadata is ObjectMeta, not any object)', async (_kind, m) => {
    expect(customResources.length).toBeGreaterThanOrEqual(7);
    const issues = await validateManifests([{ ...m, object: set(m.object, '/metadata/lables', { a: 'b' }) }]);
    expect(issues).toEqual([expect.objectContaining({ code: 'MANIFEST_INVALID', path: '/metadata/lables' })]);
    const wrongLabel = await validateManifests([{ ...m, object: set(m.object, '/metadata/labels', { a: 1 }) }]);
    expect(wrongLabel.map((i) => i.path)).toEqual(['/metadata/labels/a']);
  });

  it('reads Go regular expressions: (?i) in a CRD pattern is case-insensitive', async () => {
    const rule = manifests.find((m) => m.object.kind === 'PrometheusRule')!;
    const groups = (rule.object.spec as { groups: Array<Record<string, unknown>> }).groups;
    const withStrategy = (s: string) => ({ ...rule, object: { ...rule.object, spec: { groups: groups.map((g) => ({ ...g, partial_response_strategy: s })) } } });
    expect(await validateManifests([withStrategy('ABORT'), withStrategy('warn')])).toEqual([]);
    expect((await validateManifests([withStrategy('explode')]))[0]).toMatchObject({ path: '/spec/groups/0/partial_response_strategy' });
  });

  it('reports an object without a schema, as a warning with --ignore-missing-schemas', async () => {
    const odd = { object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, file: 'x.yaml' };
    const [missing] = await validateManifests([odd]);
    expect(missing).toMatchObject({ code: 'MANIFEST_SCHEMA_MISSING', severity: 'error', file: 'x.yaml' });
    expect(missing!.message).toBe('Widget w: there is no schema for example.com/v1 Widget (looked in the embedded schemas).');
    expect(missing!.hint).toMatch(/--schema-location .*--ignore-missing-schemas/);
    expect(await validateManifests([odd], { ignoreMissingSchemas: true })).toMatchObject([{ code: 'MANIFEST_SCHEMA_MISSING', severity: 'warning' }]);
  });
});

describe('schema locations', () => {
  it('fills kubeconform templates as kubeconform does', () => {
    expect(fillTemplate('{{.ResourceKind}}{{.KindSuffix}}', templateFields('rbac.authorization.k8s.io/v1', 'RoleBinding'))).toBe('rolebinding-rbac-v1');
    expect(fillTemplate('{{ .ResourceKind }}{{ .KindSuffix }}', templateFields('v1', 'Namespace'))).toBe('namespace-v1');
    expect(fillTemplate('{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}', templateFields('helm.toolkit.fluxcd.io/v2', 'HelmRelease'))).toBe('helm.toolkit.fluxcd.io/helmrelease_v2');
    expect(expandLocations(['embedded', 'default', '/s/'])).toEqual([
      'embedded',
      expect.stringContaining('yannh/kubernetes-json-schema'),
      expect.stringContaining('datreeio/CRDs-catalog'),
      '/s/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json',
      '/s/core/{{.ResourceKind}}{{.KindSuffix}}.json',
    ]);
    // The test folders use the same paths as the kubeconform folders in ../shared/schemas.
    expect([...layout().keys()]).toEqual(expect.arrayContaining(['core/namespace-v1.json', 'core/rolebinding-rbac-v1.json', 'core/networkpolicy-networking-v1.json', 'helm.toolkit.fluxcd.io/helmrelease_v2.json']));
  });

  const folder = path.join(work, 'folder');
  const kinds = [...new Set(manifests.map(keyOf))];
  // The folder's Namespace demands a field Slipway never sets: which location won is visible.
  writeSchemaFolder(folder, kinds, (key, schema) => (key === 'v1/Namespace' ? { ...schema, required: ['spec'] } : schema));

  it('validates from a folder in kubeconform layout', async () => {
    expect(await validateManifests(manifests.filter((m) => m.object.kind !== 'Namespace'), { locations: [folder] })).toEqual([]);
    const namespaces = manifests.filter((m) => m.object.kind === 'Namespace');
    expect(await validateManifests(namespaces, { locations: [folder] })).toEqual(namespaces.map(() => expect.objectContaining({ path: '/', message: expect.stringContaining("must have required property 'spec'") })));
  });

  it('tries locations in order: the first that has the kind wins', async () => {
    const namespace = manifests.filter((m) => m.object.kind === 'Namespace').slice(0, 1);
    expect(await validateManifests(namespace, { locations: [folder, 'embedded'] })).toHaveLength(1);
    expect(await validateManifests(namespace, { locations: ['embedded', folder] })).toEqual([]);
    // A location without the kind passes it on.
    expect(await validateManifests(namespace, { locations: [path.join(work, 'nowhere'), 'embedded'] })).toEqual([]);
  });

  it('validates from a kubeconform template', async () => {
    const template = `${folder}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;
    const helmReleases = manifests.filter((m) => m.object.kind === 'HelmRelease');
    expect(await validateManifests(helmReleases, { locations: [template] })).toEqual([]);
    const broken = { ...helmReleases[0]!, object: set(helmReleases[0]!.object, '/spec/chartt', {}) };
    expect(await validateManifests([broken], { locations: [template] })).toMatchObject([{ path: '/spec/chartt' }]);
    // Built-in kinds are not in that layout: the template has no schema for them.
    const [missing] = await validateManifests(manifests.filter((m) => m.object.kind === 'ConfigMap').slice(0, 1), { locations: [template] });
    expect(missing).toMatchObject({ code: 'MANIFEST_SCHEMA_MISSING' });
    expect(missing!.message).toContain(`${folder}/v1/configmap_v1.json`);
  });

  it('refuses a location file that is not JSON, naming it (exit 2 territory, not a manifest problem)', async () => {
    const bad = path.join(work, 'bad');
    writeSchemaFolder(bad, ['v1/ConfigMap'], () => ({}));
    writeFileSync(path.join(bad, 'core/configmap-v1.json'), '{ not json');
    await expect(validateManifests(manifests.filter((m) => m.object.kind === 'ConfigMap').slice(0, 1), { locations: [bad] })).rejects.toThrow(
      new RegExp(`${path.join(bad, 'core/configmap-v1.json')} is not a usable JSON Schema .*fix or remove that schema location`),
    );
  });
});
