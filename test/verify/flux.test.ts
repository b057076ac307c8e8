// The Flux side without helm: the Kustomizations built and substituted as kustomize-controller
// does, the HelmReleases resolved to the chart and request helm-controller would use.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { fluxReleaseName, fluxSync } from '../../generator/verify/flux.ts';
import { OriginFiles } from '../../generator/verify/origins.ts';
import { placeholderGuid, terraformInputs } from '../../generator/verify/terraform-inputs.ts';
import { objectId } from '../../generator/verify/types.ts';
import { examples } from '../helpers/render.ts';

const { environments, files } = examples();
const test = environments.find((e) => e.name === 'numbers-test')!;
const configs = 'numbers-test/flux/infrastructure/configs';

/** The example files with one more object in infrastructure/configs. */
function withConfigObject(file: string, content: string): Map<string, string> {
  const changed = new Map(files);
  changed.set(`${configs}/${file}`, content);
  changed.set(`${configs}/kustomization.yaml`, `${files.get(`${configs}/kustomization.yaml`)!.replace('resources:\n', `resources:\n  - ${file}\n`)}`);
  return changed;
}

const sync = (tree: Map<string, string>) => fluxSync(new OriginFiles(tree), test, terraformInputs(tree, test).values, test.aks.kubernetesVersion);

describe('fluxSync', () => {
  it('substitutes through both levels: Terraform into the Flux Kustomizations, each Kustomization into its objects; $${VAR} stays literal', () => {
    const tree = withConfigObject(
      'configmap-escapes.yaml',
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: escapes',
        '  namespace: monitoring',
        'data:',
        '  zone: ${DNS_ZONE_NAME}',
        '  client: ${VELERO_CLIENT_ID}',
        '  literal: $${DNS_ZONE_NAME}',
        '  fallback: ${NOT_SET_ANYWHERE:=fallback}',
        '  shell: echo $HOME',
        '',
      ].join('\n'),
    );
    const result = sync(tree);
    expect(result.findings).toEqual([]);
    const object = result.objects.find((o) => objectId(o.object) === 'ConfigMap monitoring/escapes')!;
    expect(object).toMatchObject({ kustomization: 'infrastructure-configs', file: `${configs}/configmap-escapes.yaml` });
    expect(object.object.data).toEqual({
      zone: 'test.retro.numbers.example.com',
      client: placeholderGuid('VELERO_CLIENT_ID'),
      literal: '${DNS_ZONE_NAME}',
      fallback: 'fallback',
      shell: 'echo $HOME',
    });
  });

  it('uses the values of a --substitutions file over placeholders', () => {
    const values = terraformInputs(files, test, { VELERO_CLIENT_ID: '11111111-2222-3333-4444-555555555555' }).values;
    const result = fluxSync(new OriginFiles(files), test, values, '1.35');
    const sa = result.releases.find((r) => r.name === 'velero')!.object;
    expect(JSON.stringify(sa)).toContain('11111111-2222-3333-4444-555555555555');
  });

  it('resolves every HelmRelease to the chart, version, release name and namespace helm-controller would install', () => {
    const result = sync(files);
    const byName = Object.fromEntries(result.releases.map((r) => [r.name, r]));
    expect(byName['postfacto-main']!.request).toMatchObject({
      chart: { kind: 'archive', pin: { chart: 'app-template', version: '4.1.1', origin: { kind: 'oci', url: 'oci://ghcr.io/bjw-s-labs/helm/app-template' } } },
      releaseName: 'postfacto-main',
      namespace: 'postfacto-main',
      kubeVersion: '1.35',
      includeCrds: true,
      hooks: true,
      tests: false,
    });
    expect(byName['ingress-nginx']!.request!.chart).toEqual({ kind: 'archive', pin: { chart: 'ingress-nginx', version: '4.15.1', origin: { kind: 'helm', url: 'https://kubernetes.github.io/ingress-nginx' } } });
    expect(byName['postfacto-main']!.commonLabels).toEqual({ 'helm.toolkit.fluxcd.io/name': 'postfacto-main', 'helm.toolkit.fluxcd.io/namespace': byName['postfacto-main']!.namespace });
  });

  it('reports a Flux Kustomization that points outside the tree, or does not build, and carries on', () => {
    const tree = new Map(files);
    tree.set('numbers-test/flux/apps.yaml', files.get('numbers-test/flux/apps.yaml')!.replace('path: ./out/numbers-test/flux/apps', 'path: ./elsewhere/apps'));
    tree.set(`${configs}/kustomization.yaml`, `${files.get(`${configs}/kustomization.yaml`)!}namePrefix: x-\n`);
    const result = sync(tree);
    expect(result.findings.map((f) => f.code)).toEqual(['VERIFY_KUSTOMIZE_BUILD', 'VERIFY_KUSTOMIZATION']);
    expect(result.findings[0]!.message).toMatch(/^The Flux Kustomization infrastructure-configs cannot be built: .*namePrefix/);
    expect(result.findings[1]!.message).toBe('The Flux Kustomization apps builds ./elsewhere/apps, which is outside out/; verify cannot see what it applies.');
    expect(result.objects.some((o) => o.kustomization === 'infrastructure-controllers')).toBe(true);
  });

  it('reports a HelmRelease whose chart it cannot pin down', () => {
    const tree = new Map(files);
    const source = sync(files).objects.find((o) => o.object.kind === 'OCIRepository' && o.object.metadata.name === 'app-template-postfacto')!.file;
    tree.set(source, files.get(source)!.replace('tag: 4.1.1', 'semver: ">=4.0.0"'));
    const result = sync(tree);
    const release = result.releases.find((r) => r.name === 'postfacto-main')!;
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ code: 'VERIFY_CHART_REFERENCE', release: `${release.namespace}/postfacto-main`, file: 'numbers-test/flux/apps/postfacto-main/values.yaml', cause: ['apps', 'postfacto', 0] });
    expect(result.findings[0]!.message).toMatch(/does not pin ref\.tag alone/);
    expect(release.request).toBeUndefined();
  });
});

describe('fluxReleaseName', () => {
  const hr = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: 'ns' }, spec });

  it('is spec.releaseName, else <targetNamespace>-<name>, else the name', () => {
    expect(fluxReleaseName(hr('a', { releaseName: 'given', targetNamespace: 't' }))).toBe('given');
    expect(fluxReleaseName(hr('a', { targetNamespace: 't' }))).toBe('t-a');
    expect(fluxReleaseName(hr('a', {}))).toBe('a');
  });

  it('is shortened past 53 characters to 40 characters, a dash and 12 of its SHA-256, as helm-controller does', () => {
    const name = fluxReleaseName(hr('a-release-name-that-is-rather-long', { targetNamespace: 'and-a-namespace-that-is-long-too' }));
    expect(name).toHaveLength(53);
    expect(name).toMatch(/^and-a-namespace-that-is-long-too-a-relea-[0-9a-f]{12}$/);
  });
});
