// What Flux reconciles, from the same catalog as helmfile:
//   out/base/<release>/                  env-independent source + HelmRelease (values shared by all)
//   out/<env>/flux/                      entry point synced by the AKS Flux configuration:
//     kustomization.yaml, infrastructure.yaml, apps.yaml   Flux Kustomizations, chained by dependsOn
//     infrastructure/controllers/        platform base objects, the platform releases + their deltas
//     infrastructure/configs/            ClusterIssuers, alert rules, secret provider classes
//     apps/<instance>/                   one Postfacto instance: the postfacto base + its deltas
import { charts } from '../../catalog/charts.ts';
import { releasesOf, resolveNeeds } from '../../catalog/index.ts';
import { platformObjects } from '../../catalog/objects.ts';
import type { ChartSource, KubeObject, Release } from '../../catalog/types.ts';
import { valuesDelta } from '../../catalog/values.ts';
import type { Environment } from '../../model/environment.ts';
import { substitutionVariableNames } from '../../model/workload-identities.ts';
import { objectFileName, toYaml, toYamlDocuments } from '../yaml.ts';
import { chartSource, FLUX_CONFIGURATION, helmRelease } from './helm-release.ts';

/** A complete object as the cluster receives it, and the file that carries its environment's part. */
export interface FluxObject {
  readonly object: KubeObject;
  readonly file: string;
}

const BASE_DIR = 'base';
const KUSTOMIZE = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };
/** From out/<env>/flux/<layer>/<dir>/ back to out/. */
const TO_OUT = '../../../..';

const yaml = (value: unknown) => toYaml(value, { sortKeys: true });
const kustomization = (fields: Record<string, unknown>) => toYaml({ ...KUSTOMIZE, ...fields });

/** An app instance builds on its kind's base, placed in its namespace by its overlay. */
const isInstance = (r: Release) => r.layer === 'apps';
const defaultVersion = (source: ChartSource) => Object.values(charts).find((c) => c.source.url === source.url)!.version;


/** The env-independent pair in out/base/<key>/. */
function baseObjects(r: Release, all: readonly Release[]) {
  const namespace = isInstance(r) ? undefined : r.namespace;
  return {
    source: chartSource(r, defaultVersion(r.source), namespace),
    release: helmRelease(r, { name: r.base, namespace }, defaultVersion(r.source), r.baseValues, resolveNeeds(r.needs, all)),
  };
}

/** The objects as the cluster receives them for this environment. */
function fullObjects(r: Release, all: readonly Release[]) {
  return {
    source: chartSource(r, r.version, r.namespace),
    release: helmRelease(r, { name: r.name, namespace: r.namespace }, r.version, r.values, resolveNeeds(r.needs, all)),
  };
}

/** A patch file holding only what the environment changes in a base object. */
function deltaPatch(full: KubeObject, base: KubeObject): KubeObject | undefined {
  const spec = valuesDelta(full.spec as Record<string, unknown>, base.spec as Record<string, unknown>);
  if (Object.keys(spec).length === 0) return undefined;
  return { apiVersion: base.apiVersion, kind: base.kind, metadata: { name: base.metadata.name }, spec };
}

export function renderFlux(environments: readonly Environment[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const env of environments) {
    const all = releasesOf(env);
    for (const r of all) setBase(files, r, all);
    for (const [file, render] of fluxLayout(env).files) files.set(file, render());
  }
  return files;
}

/** Bases are shared: every environment must produce the same bytes for them. */
function setBase(files: Map<string, string>, r: Release, all: readonly Release[]): void {
  const { source, release } = baseObjects(r, all);
  const dir = `${BASE_DIR}/${r.base}`;
  const entries: Array<[string, string]> = [
    [`${dir}/kustomization.yaml`, kustomization({ resources: ['source.yaml', 'helmrelease.yaml'] })],
    [`${dir}/source.yaml`, yaml(source)],
    [`${dir}/helmrelease.yaml`, yaml(release)],
  ];
  for (const [file, content] of entries) {
    const previous = files.get(file);
    if (previous !== undefined && previous !== content) throw new Error(`${file} differs between environments: a base may only hold what every environment shares.`);
    files.set(file, content);
  }
}

/** Files are kept as renderers: diff and validation need only the objects, not the YAML. */
type Layout = { readonly files: ReadonlyMap<string, () => string>; readonly objects: readonly FluxObject[] };
/** generate renders the files and validates the objects of one layout: build it once per (frozen) model. */
const layouts = new WeakMap<Environment, Layout>();

function fluxLayout(env: Environment): Layout {
  let layout = layouts.get(env);
  if (!layout) layouts.set(env, (layout = buildLayout(env)));
  return layout;
}

/** One environment's Flux tree: its files, and every object it puts in the cluster, complete. */
function buildLayout(env: Environment): Layout {
  const files = new Map<string, () => string>();
  const objects: FluxObject[] = [];
  const root = `${env.name}/flux`;
  const all = releasesOf(env);
  const platform = all.filter((r) => r.layer === 'controllers');
  const apps = all.filter((r) => r.layer === 'apps');
  const plain = platformObjects(env);
  const put = (file: string, list: readonly KubeObject[]) => {
    for (const object of list) objects.push({ object, file });
  };

  // Entry point: the Flux Kustomizations the AKS Flux configuration applies.
  files.set(`${root}/kustomization.yaml`, () => kustomization({ resources: ['infrastructure.yaml', 'apps.yaml'] }));
  const [controllers, configs, appsKs] = fluxKustomizations(env);
  files.set(`${root}/infrastructure.yaml`, () => toYamlDocuments([controllers, configs], { sortKeys: true }));
  files.set(`${root}/apps.yaml`, () => yaml(appsKs));
  put(`${root}/infrastructure.yaml`, [controllers!, configs!]);
  put(`${root}/apps.yaml`, [appsKs!]);

  /** Writes the env's patches of a release's base into dir; the objects are attributed to them. */
  const writePatches = (r: Release, dir: string, prefix: string) => {
    const base = baseObjects(r, all);
    const full = fullObjects(r, all);
    const entries: unknown[] = [];
    for (const [kind, fullObject, baseObject, baseFile] of [
      ['values', full.release, base.release, 'helmrelease.yaml'],
      ['source', full.source, base.source, 'source.yaml'],
    ] as const) {
      const patch = deltaPatch(fullObject, baseObject);
      const file = patch ? `${dir}/${prefix}${kind}.yaml` : `${BASE_DIR}/${r.base}/${baseFile}`;
      if (patch) {
        files.set(file, () => yaml(patch));
        entries.push({ path: `${prefix}${kind}.yaml`, target: { kind: patch.kind, name: patch.metadata.name } });
      }
      put(file, [fullObject]);
    }
    return entries;
  };

  // infrastructure/controllers: namespaces, access and configuration, then the platform releases.
  const controllersDir = `${root}/infrastructure/controllers`;
  for (const o of plain.base) {
    files.set(`${controllersDir}/${objectFileName(o)}`, () => yaml(o));
    put(`${controllersDir}/${objectFileName(o)}`, [o]);
  }
  const patches = platform.flatMap((r) => writePatches(r, controllersDir, `${r.name}-`));
  files.set(`${controllersDir}/kustomization.yaml`, () =>
    kustomization({ resources: [...plain.base.map(objectFileName), ...platform.map((r) => `${TO_OUT}/${BASE_DIR}/${r.base}`)], ...(patches.length && { patches }) }),
  );

  // infrastructure/configs: objects that need the controllers' CRDs.
  const configsDir = `${root}/infrastructure/configs`;
  for (const o of plain.config) {
    files.set(`${configsDir}/${objectFileName(o)}`, () => yaml(o));
    put(`${configsDir}/${objectFileName(o)}`, [o]);
  }
  files.set(`${configsDir}/kustomization.yaml`, () => kustomization({ resources: plain.config.map(objectFileName) }));

  // apps/<instance>: the shared postfacto base, placed in the instance's namespace and renamed.
  for (const r of apps) {
    const dir = `${root}/apps/${r.name}`;
    const instancePatches = [
      ...writePatches(r, dir, ''),
      { target: { kind: 'HelmRelease', name: r.base }, patch: JSON.stringify([{ op: 'replace', path: '/metadata/name', value: r.name }]) },
    ];
    files.set(`${dir}/kustomization.yaml`, () => kustomization({ namespace: r.namespace, resources: [`${TO_OUT}/${BASE_DIR}/${r.base}`], patches: instancePatches }));
  }
  files.set(`${root}/apps/kustomization.yaml`, () => kustomization({ resources: apps.map((r) => r.name) }));
  return { files, objects };
}

export const KUSTOMIZATION_NAMES = { controllers: 'infrastructure-controllers', configs: 'infrastructure-configs', apps: 'apps' } as const;

/** infrastructure-controllers -> infrastructure-configs -> apps, each passing the substitution variables on. */
function fluxKustomizations(env: Environment): KubeObject[] {
  // The top-level Kustomization (Terraform's Flux configuration) substitutes these ${VAR} with
  // the real values when it applies this file; each child then substitutes them in its manifests.
  const substitute = Object.fromEntries(substitutionVariableNames(env).map((v) => [v, `\${${v}}`]));
  const layer = (name: string, path: string, timeout: string, dependsOn?: string): KubeObject => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: {
      interval: '10m',
      retryInterval: '2m',
      timeout,
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: FLUX_CONFIGURATION },
      path: `./${env.gitops.path}/${path}`,
      ...(dependsOn && { dependsOn: [{ name: dependsOn }] }),
      postBuild: { substitute },
    },
  });
  return [
    layer(KUSTOMIZATION_NAMES.controllers, 'infrastructure/controllers', '20m'),
    layer(KUSTOMIZATION_NAMES.configs, 'infrastructure/configs', '5m', KUSTOMIZATION_NAMES.controllers),
    layer(KUSTOMIZATION_NAMES.apps, 'apps', '15m', KUSTOMIZATION_NAMES.configs),
  ];
}

/** Every object the cluster receives for an environment, complete, with the file that carries its environment's part. */
export const fluxObjects = (env: Environment): readonly FluxObject[] => fluxLayout(env).objects;
