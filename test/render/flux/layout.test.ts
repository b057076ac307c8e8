// The Flux tree: every overlay builds with the real kubectl kustomize into exactly the objects the
// catalog describes; bases are environment-independent; helmfile, Flux and Terraform agree.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { releasesOf } from '../../../generator/catalog/index.ts';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { substitutionVariableNames } from '../../../generator/model/workload-identities.ts';
import { FLUX_CONFIGURATION } from '../../../generator/render/flux/helm-release.ts';
import { fluxObjects, renderFlux } from '../../../generator/render/flux/layout.ts';
import { blocksOf, parseModule } from '../../helpers/hcl.ts';
import { examples, renderGoTemplate } from '../../helpers/render.ts';
import { repoRoot } from '../../helpers/workspace.ts';

const { environments, files } = examples();
let outDir: string;

beforeAll(() => {
  outDir = mkdtempSync(path.join(tmpdir(), 'slipway-flux-'));
  for (const [file, content] of files) {
    mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
    writeFileSync(path.join(outDir, file), content);
  }
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const build = (dir: string): KubeObject[] =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(outDir, dir)], { encoding: 'utf8' }))
    .map((d) => d.toJS())
    .filter(Boolean);
const id = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byId = (list: readonly KubeObject[]) => new Map(list.map((o) => [id(o), o]));
/** Every kustomization.yaml folder of an environment's Flux tree. */
const overlays = (env: string) => [...files.keys()].filter((f) => f.startsWith(`${env}/flux/`) && f.endsWith('/kustomization.yaml')).map((f) => path.dirname(f));

describe('flux layout', () => {
  it.each(environments.map((e) => e.name))('%s: every overlay builds with kubectl kustomize', (env) => {
    const dirs = overlays(env);
    expect(dirs.length).toBeGreaterThanOrEqual(5);
    for (const dir of dirs) expect(() => build(dir), dir).not.toThrow();
  });

  it.each(environments.map((e) => e.name))('%s: the built objects are exactly the intended objects', (name) => {
    const env = environments.find((e) => e.name === name)!;
    const built = ['', 'infrastructure/controllers', 'infrastructure/configs', 'apps'].flatMap((layer) => build(`${name}/flux/${layer}`));
    const expected = byId(fluxObjects(env).map((f) => f.object));
    expect([...byId(built).keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, object] of byId(built)) expect(object, key).toEqual(JSON.parse(JSON.stringify(expected.get(key))));
  });

  it('bases are the same bytes whichever environment renders them, and overlays hold only deltas', () => {
    const [a, b] = environments.map((e) => renderFlux([e]));
    const bases = (m: Map<string, string>) => new Map([...m].filter(([f]) => f.startsWith('base/')));
    for (const [file, content] of bases(a!)) if (b!.has(file)) expect(b!.get(file), file).toBe(content);
    const patch = parse(files.get('numbers-prod/flux/infrastructure/controllers/ingress-nginx-values.yaml')!);
    expect(patch.spec).toEqual({ values: { controller: { replicaCount: 3, minAvailable: 2 } } });
    const base = parse(files.get('base/ingress-nginx/helmrelease.yaml')!);
    expect(base.spec.values.controller.replicaCount).toBeUndefined();
  });

  it('pins another chart version by patching only the source or chart version', () => {
    const prod = environments.find((e) => e.name === 'numbers-prod')!;
    const velero = releasesOf(prod).find((r) => r.name === 'velero')!;
    expect(velero.version).toBe('12.1.0');
    const pinned = renderFlux([{ ...prod, releases: { ...prod.releases, velero: { ...prod.releases.velero, chartVersion: '12.0.0' } } }]);
    expect(parse(pinned.get('numbers-prod/flux/infrastructure/controllers/velero-values.yaml')!).spec.chart).toEqual({ spec: { version: '12.0.0' } });
    const oci = renderFlux([{ ...prod, releases: { ...prod.releases, certManager: { ...prod.releases.certManager, chartVersion: 'v1.20.0' } } }]);
    expect(parse(oci.get('numbers-prod/flux/infrastructure/controllers/cert-manager-source.yaml')!).spec).toEqual({ ref: { tag: 'v1.20.0' } });
  });

  it('chains infrastructure-controllers -> infrastructure-configs -> apps with prune, wait and timeouts', () => {
    for (const env of environments) {
      const ks = fluxObjects(env).filter((f) => f.object.kind === 'Kustomization').map((f) => f.object as any);
      expect(ks.map((k) => [k.metadata.name, k.spec.dependsOn?.[0]?.name])).toEqual([
        ['infrastructure-controllers', undefined],
        ['infrastructure-configs', 'infrastructure-controllers'],
        ['apps', 'infrastructure-configs'],
      ]);
      for (const k of ks) {
        expect(k.spec).toMatchObject({ prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: FLUX_CONFIGURATION } });
        expect(k.spec.timeout).toMatch(/^\d+m$/);
        expect(k.spec.path.startsWith(`./out/${env.name}/flux/`)).toBe(true);
        expect(files.has(`${k.spec.path.slice('./out/'.length)}/kustomization.yaml`), k.spec.path).toBe(true);
      }
    }
  });

  it('uses only the current Flux APIs and never writes into a flux-system folder', () => {
    const versions = new Set([...files].filter(([f]) => f.endsWith('.yaml')).flatMap(([, c]) => [...c.matchAll(/^apiVersion: (\S*fluxcd\.io\S*)$/gm)].map((m) => m[1])));
    expect([...versions].sort()).toEqual(['helm.toolkit.fluxcd.io/v2', 'kustomize.toolkit.fluxcd.io/v1', 'source.toolkit.fluxcd.io/v1']);
    expect([...files.keys()].some((f) => f.split('/').includes('flux-system'))).toBe(false);
  });
});

describe('helmfile and Flux agree', () => {
  it.each(environments.map((e) => e.name))('%s: each release has the same chart, version, namespace and values', (name) => {
    const env = environments.find((e) => e.name === name)!;
    const deploy = Object.fromEntries(substitutionVariableNames(env).map((v) => [v, `value-of-${v}`]));
    const substitute = (o: unknown) => JSON.parse(JSON.stringify(o).replace(/\$\{([A-Z_]+)\}/g, (_, v: string) => deploy[v]!));
    const built = byId(['infrastructure/controllers', 'apps'].flatMap((layer) => build(`${name}/flux/${layer}`)));
    const helmfile = parse(files.get(`${name}/helmfile/helmfile.yaml`)!) as { releases: Array<{ name: string; namespace: string; chart: string; version?: string; values?: string[] }>; repositories: Array<{ name: string; url: string }> };
    for (const r of releasesOf(env)) {
      const hf = helmfile.releases.find((x) => x.name === r.name)!;
      // Flux objects live in flux-system (multi-tenancy lockdown) and install into their target namespace.
      const hr = built.get(`HelmRelease/flux-system/${r.name}`) as any;
      expect(hr, r.name).toBeDefined();
      // chart and version: Flux reads them from chart.spec or from the OCIRepository tag
      const source = hr.spec.chartRef ? (built.get(`OCIRepository/flux-system/${hr.spec.chartRef.name}`) as any) : undefined;
      const fluxChart = source ? source.spec.url.split('/').at(-1) : hr.spec.chart.spec.chart;
      const fluxVersion = source ? source.spec.ref.tag : hr.spec.chart.spec.version;
      expect([fluxChart, fluxVersion, hr.spec.targetNamespace, hr.spec.storageNamespace, hr.spec.releaseName]).toEqual([hf.chart.split('/')[1], hf.version, hf.namespace, hf.namespace, hf.name]);
      const helmfileValues = parse(renderGoTemplate(files.get(`${name}/helmfile/${hf.values![0]}`)!, deploy));
      expect(substitute(hr.spec.values), r.name).toEqual(helmfileValues);
    }
  });
});

describe('Flux and the gitops stack: one contract', () => {
  it('name the same configuration, path and substitution variables', async () => {
    const module = await parseModule(path.join(repoRoot, 'terraform/modules/aks/modules/flux-configuration'));
    const [, , config] = blocksOf(module, 'resource').find(([t]) => t === 'azurerm_kubernetes_flux_configuration')!;
    expect(config.name).toBe(FLUX_CONFIGURATION);
    for (const env of environments) {
      const flux = JSON.parse(files.get(`${env.name}/terraform/gitops/terraform.tfvars.json`)!);
      expect(flux.git.path).toBe(`./out/${env.name}/flux`);
      expect(files.has(`${env.name}/flux/kustomization.yaml`)).toBe(true);
      const setByTerraform = new Set([...Object.keys(flux.substitute), ...Object.values(flux.client_id_variables as Record<string, string>)]);
      const tree = [...files].filter(([f]) => f.startsWith(`${env.name}/flux/`) || f.startsWith('base/'));
      const referenced = new Set(tree.flatMap(([, c]) => [...c.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!)));
      expect([...referenced].filter((v) => !setByTerraform.has(v))).toEqual([]);
      for (const k of fluxObjects(env).filter((f) => f.object.kind === 'Kustomization')) {
        expect(Object.keys((k.object.spec as any).postBuild.substitute).sort()).toEqual([...setByTerraform].sort());
      }
    }
  });
});
