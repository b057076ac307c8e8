// The helmfile side: values templates as helmfile renders them, values read as helm reads them, and
// the object-by-object comparison with Flux.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { compareWithFlux, helmfilePlan, mergeValues, renderValuesTemplate } from '../../generator/verify/helmfile.ts';
import { terraformInputs } from '../../generator/verify/terraform-inputs.ts';
import type { RenderedObject } from '../../generator/verify/types.ts';
import { examples } from '../helpers/render.ts';

const { environments, files } = examples();
const prod = environments.find((e) => e.name === 'numbers-prod')!;

describe('renderValuesTemplate', () => {
  it('replaces requiredEnv by the value and {{ "{{" }} by a literal {{', () => {
    const text = 'id: {{ requiredEnv "CLIENT_ID" }}\nsummary: Pod {{ "{{" }} $labels.pod }} is down\n';
    expect(renderValuesTemplate(text, { CLIENT_ID: 'abc' })).toBe('id: abc\nsummary: Pod {{ $labels.pod }} is down\n');
  });

  it('fails, as helmfile does, on a variable that is not set, and on actions it does not evaluate', () => {
    expect(() => renderValuesTemplate('id: {{ requiredEnv "MISSING" }}', {})).toThrow(/requiredEnv "MISSING" names a variable the aks stack does not set/);
    expect(() => renderValuesTemplate('x: {{ .Values.foo }}', {})).toThrow(/the template action \{\{ \.Values\.foo \}\} is not one slipway verify can evaluate/);
  });
});

describe('helmfilePlan', () => {
  const variables = terraformInputs(files, prod).values;

  it('lists the releases with their needs and the request helmfile would make', () => {
    const plan = helmfilePlan(files, prod, variables, '1.35');
    expect(plan.findings).toEqual([]);
    const cert = plan.releases.find((r) => r.id === 'cert-manager/cert-manager')!;
    expect(cert.file).toBe('numbers-prod/helmfile/values/cert-manager.yaml.gotmpl');
    expect(cert.request).toMatchObject({
      chart: { kind: 'archive', pin: { chart: 'cert-manager', version: 'v1.21.1', origin: { kind: 'oci', url: 'oci://quay.io/jetstack/charts/cert-manager' } } },
      releaseName: 'cert-manager',
      namespace: 'cert-manager',
      includeCrds: true,
    });
    expect(JSON.stringify(cert.request!.values)).toContain(variables.CERT_MANAGER_CLIENT_ID);
    const base = plan.releases.find((r) => r.id === 'kube-system/platform-base')!.request!.chart;
    expect(base.kind === 'local' && [...base.files.keys()]).toEqual(expect.arrayContaining(['Chart.yaml', 'templates/namespace-velero.yaml']));
  });

  it('reads values files as YAML 1.1, as helm does: an unquoted no is false there', () => {
    const tree = new Map(files);
    tree.set('numbers-prod/helmfile/values/ingress-nginx.yaml', 'controller:\n  quoted: "no"\n  plain: no\n');
    const values = helmfilePlan(tree, prod, variables, '1.35').releases.find((r) => r.id === 'ingress-nginx/ingress-nginx')!.request!.values;
    expect(values).toEqual({ controller: { quoted: 'no', plain: false } });
  });
});

describe('mergeValues', () => {
  it('merges maps key by key and replaces everything else, as helm merges values files', () => {
    expect(mergeValues({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2], e: null }, d: { x: 1 } })).toEqual({ a: { b: 1, c: [2], e: null }, d: { x: 1 } });
  });
});

describe('compareWithFlux', () => {
  const deployment = (replicas: number, labels: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'app', labels: { app: 'web', ...labels } },
    spec: { replicas, template: { spec: { containers: [{ name: 'web', args: ['--appendonly', 'no'] }] } } },
  });
  const flux = (object: KubeObject): RenderedObject => ({ object, kustomization: 'apps', release: { name: 'web', namespace: 'app' }, file: 'x/flux/apps/web/values.yaml' });
  const originLabels = { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'app' };
  const helmRelease: KubeObject = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'web', namespace: 'app' } };

  it('finds nothing when the objects agree, whatever labels helm-controller adds and whatever Flux objects Flux needs', () => {
    expect(compareWithFlux(prod, [flux(deployment(2, originLabels)), flux(helmRelease)], [{ object: deployment(2), release: 'app/web', file: 'f' }])).toEqual([]);
  });

  it('names the object, both sides and the paths where they differ', () => {
    const changed = deployment(3);
    (changed.spec as any).template.spec.containers[0].args[1] = false;
    const findings = compareWithFlux(prod, [flux(deployment(2, originLabels))], [{ object: changed, release: 'app/web', file: 'f' }]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'VERIFY_HELMFILE_DIFFERS', severity: 'error', object: 'Deployment app/web', release: 'app/web', file: 'x/flux/apps/web/values.yaml' });
    expect(findings[0]!.message).toBe(
      'numbers-prod: Deployment app/web differs between helmfile release app/web and HelmRelease app/web: spec.replicas: helmfile 3, Flux 2; spec.template.spec.containers[0].args[1]: helmfile false, Flux "no".',
    );
  });

  it('reports an object only one side has', () => {
    const onlyHelmfile: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'app' } };
    const findings = compareWithFlux(prod, [flux(deployment(2))], [{ object: onlyHelmfile, release: 'app/web', file: 'f' }]);
    expect(findings.map((f) => f.message)).toEqual([
      'numbers-prod: Deployment app/web is applied by HelmRelease app/web but no helmfile release renders it.',
      'numbers-prod: ConfigMap app/extra is rendered by helmfile release app/web but Flux does not apply it.',
    ]);
  });
});
