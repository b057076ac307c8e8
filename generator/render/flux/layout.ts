// What Flux reconciles, from the same catalog as helmfile:
//   out/base/<release>/                  env-independent source + HelmRelease (values shared by all)
//   out/base/<kind>/{source,release}/    an app kind's chart source and its instances' HelmRelease
//   out/<env>/flux/                      entry point synced by the AKS Flux configuration:
//     kustomization.yaml, infrastructure.yaml, apps.yaml   Flux Kustomizations, chained by dependsOn
//     infrastructure/controllers/        platform base objects, the platform releases + their deltas
//     infrastructure/configs/            ClusterIssuers, alert rules, policies that need the CRDs
//     apps/                              each app kind's source once, then apps/<instance>/: the
//                                        kind's release base renamed and placed, + its deltas
// Every Flux object lives in flux-system (helm-release.ts says why).
import { charts } from '../../catalog/charts.ts';
import { releasesOf, resolveNeeds } from '../../catalog/index.ts';
import { platformObjects } from '../../catalog/objects.ts';
import type { ChartSource, KubeObject, Release } from '../../catalog/types.ts';
import { valuesDelta } from '../../catalog/values.ts';
import type { Environment } from '../../model/environment.ts';
import { substitutionVariableNames } from '../../model/workload-identities.ts';
import { objectFileName, objectYaml, toYaml, toYamlDocuments } from '../yaml.ts';
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

/** An app instance builds on its kind's base, renamed and placed in its namespace by its overlay. */
const isInstance = (r: Release) => r.layer === 'apps';
const defaultVersion = (source: ChartSource) => Object.values(charts).find((c) => c.source.url === source.url)!.version;

/** Folders of out/base/ a release's source and HelmRelease come from. */
const baseDirs = (r: Release) =>
  isInstance(r) ? { source: `${BASE_DIR}/${r.base}/source`, release: `${BASE_DIR}/${r.base}/release` } : { source: `${BASE_DIR}/${r.base}`, release: `${BASE_DIR}/${r.base}` };

/** The env-independent pair in out/base/. */
function baseObjects(r: Release) {
  return {
    source: chartSource(r, defaultVersion(r.source)),
    release: helmRelease(r, r.base, isInstance(r) ? undefined : r.namespace, defaultVersion(r.source), r.baseValues, r.baseNeeds ?? r.needs),
  };
}

/** The objects as the cluster receives them for this environment. */
function fullObjects(r: Release) {
  return { source: chartSource(r, r.version), release: helmRelease(r, r.name, r.namespace, r.version, r.values, r.needs) };
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
    resolveNeeds(all.flatMap((r) => r.needs), all);
    for (const r of all) setBase(files, r);
    for (const [file, render] of fluxLayout(env).files) files.set(file, render());
  }
  return files;
}

/**
 * A base's files by its objects' JSON: every environment of a fleet builds the same base objects, and
 * JSON.stringify (native) tells so far sooner than writing the YAML again. Equal JSON is equal YAML;
 * unequal JSON is written and compared byte for byte as before. Bounded like the writer's caches.
 */
const baseTexts = new Map<string, { source: string; release: string }>();

/** The three kustomization.yaml files a base folder can have (the same in every base). */
const baseKustomizations = {
  both: kustomization({ resources: ['source.yaml', 'helmrelease.yaml'] }),
  source: kustomization({ resources: ['source.yaml'] }),
  release: kustomization({ resources: ['helmrelease.yaml'] }),
};

/** Bases are shared: every environment must produce the same bytes for them. */
function setBase(files: Map<string, string>, r: Release): void {
  const { source, release } = baseObjects(r);
  const key = JSON.stringify([source, release]);
  let texts = baseTexts.get(key);
  if (!texts) {
    if (baseTexts.size >= 1_000) baseTexts.clear();
    baseTexts.set(key, (texts = { source: yaml(source), release: yaml(release) }));
  }
  const dirs = baseDirs(r);
  const entries: Array<[string, string]> =
    dirs.source === dirs.release
      ? [[`${dirs.source}/kustomization.yaml`, baseKustomizations.both]]
      : [
          [`${dirs.source}/kustomization.yaml`, baseKustomizations.source],
          [`${dirs.release}/kustomization.yaml`, baseKustomizations.release],
        ];
  entries.push([`${dirs.source}/source.yaml`, texts.source], [`${dirs.release}/helmrelease.yaml`, texts.release]);
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

  /** Writes the env's patches of a release's base objects into dir; the objects are attributed to them. */
  const writePatches = (r: Release, dir: string, prefix: string, which: ReadonlyArray<'values' | 'source'>) => {
    const base = baseObjects(r);
    const full = fullObjects(r);
    const entries: unknown[] = [];
    for (const [kind, fullObject, baseObject, baseFile] of [
      ['values', full.release, base.release, `${baseDirs(r).release}/helmrelease.yaml`],
      ['source', full.source, base.source, `${baseDirs(r).source}/source.yaml`],
    ] as const) {
      if (!which.includes(kind)) continue;
      const patch = deltaPatch(fullObject, baseObject);
      const file = patch ? `${dir}/${prefix}${kind}.yaml` : baseFile;
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
    files.set(`${controllersDir}/${objectFileName(o)}`, () => objectYaml(o));
    put(`${controllersDir}/${objectFileName(o)}`, [o]);
  }
  const patches = platform.flatMap((r) => writePatches(r, controllersDir, `${r.name}-`, ['values', 'source']));
  files.set(`${controllersDir}/kustomization.yaml`, () =>
    kustomization({ resources: [...plain.base.map(objectFileName), ...platform.map((r) => `${TO_OUT}/${BASE_DIR}/${r.base}`)], ...(patches.length && { patches }) }),
  );

  // infrastructure/configs: objects that need the controllers' CRDs.
  const configsDir = `${root}/infrastructure/configs`;
  for (const o of plain.config) {
    files.set(`${configsDir}/${objectFileName(o)}`, () => objectYaml(o));
    put(`${configsDir}/${objectFileName(o)}`, [o]);
  }
  files.set(`${configsDir}/kustomization.yaml`, () => kustomization({ resources: plain.config.map(objectFileName) }));

  // apps/: each app kind's chart source once (the environment's pin patched here), then one
  // folder per instance: the kind's HelmRelease base, renamed, placed in the instance's namespace.
  const appsDir = `${root}/apps`;
  const kinds = [...new Map(apps.map((r) => [r.base, r])).values()];
  const sourcePatches = kinds.flatMap((r) => writePatches(r, appsDir, `${r.base}-`, ['source']));
  for (const r of apps) {
    const dir = `${appsDir}/${r.name}`;
    const instancePatches = [
      ...writePatches(r, dir, '', ['values']),
      { target: { kind: 'HelmRelease', name: r.base }, patch: JSON.stringify([{ op: 'replace', path: '/metadata/name', value: r.name }]) },
    ];
    files.set(`${dir}/kustomization.yaml`, () => kustomization({ resources: [`${TO_OUT}/${baseDirs(r).release}`], patches: instancePatches }));
  }
  files.set(`${appsDir}/kustomization.yaml`, () =>
    kustomization({ resources: [...kinds.map((r) => `../../../${baseDirs(r).source}`), ...apps.map((r) => r.name)], ...(sourcePatches.length && { patches: sourcePatches }) }),
  );
  return { files, objects };
}

export const KUSTOMIZATION_NAMES = { controllers: 'infrastructure-controllers', configs: 'infrastructure-configs', apps: 'apps' } as const;
/** How long each layer may take to apply and become ready; the Flux configuration waits for all three. */
export const LAYER_TIMEOUTS = { controllers: '20m', configs: '5m', apps: '15m' } as const;

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
    layer(KUSTOMIZATION_NAMES.controllers, 'infrastructure/controllers', LAYER_TIMEOUTS.controllers),
    layer(KUSTOMIZATION_NAMES.configs, 'infrastructure/configs', LAYER_TIMEOUTS.configs, KUSTOMIZATION_NAMES.controllers),
    layer(KUSTOMIZATION_NAMES.apps, 'apps', LAYER_TIMEOUTS.apps, KUSTOMIZATION_NAMES.configs),
  ];
}

/** Every object the cluster receives for an environment, complete, with the file that carries its environment's part. */
export const fluxObjects = (env: Environment): readonly FluxObject[] => fluxLayout(env).objects;
