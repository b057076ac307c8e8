// What Flux puts into an environment's cluster, computed from the generated files alone:
//   1. the Kustomization the aks stack creates (AKS names it <configuration>-<kustomization>) builds
//      out/<env>/flux with the variables Terraform sets, which gives the Flux Kustomizations;
//   2. each of them builds its spec.path (kustomize/build.ts, equal to kubectl kustomize) and
//      substitutes its own postBuild variables (substitute.ts), as kustomize-controller does;
//   3. each HelmRelease is rendered as helm-controller would install it (render.ts): its chart from
//      its OCIRepository tag or chart.spec version, its release name, target namespace, values, CRDs
//      and hooks, then the origin labels helm-controller adds and the namespace helm gives objects
//      that name none.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { releaseField } from '../catalog/index.ts';
import type { KubeObject } from '../catalog/types.ts';
import { kustomizeBuild } from '../kustomize/build.ts';
import type { Environment } from '../model/environment.ts';
import { FLUX_CONFIGURATION } from '../render/flux/helm-release.ts';
import type { FluxKustomization, HelmReleaseNode, RenderedObject, VerifyFinding } from './types.ts';
import { objectId } from './types.ts';
import type { ChartPin } from './charts.ts';
import { crdApiVersions, crdKind, groupOf } from './cluster-apis.ts';
import { takeOrigin, type OriginFiles } from './origins.ts';
import type { RenderedDocument, RenderRequest } from './render.ts';
import { referencedVariables, SubstitutionError, substituteObject, type Variables } from './substitute.ts';
import { gitopsTfvars } from './terraform-inputs.ts';

/** The Kustomization terraform/modules/aks creates: kustomizations { name = "slipway" } of the configuration. */
export const ROOT_KUSTOMIZATION = `${FLUX_CONFIGURATION}-slipway`;
/** Its timeout (timeout_in_seconds = 600 in terraform/modules/aks/main.tf). */
const ROOT_TIMEOUT = '10m';

const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io';
const FLUX_HELM = 'helm.toolkit.fluxcd.io';
const FLUX_SOURCE = 'source.toolkit.fluxcd.io';

const isKind = (o: KubeObject, group: string, kind: string) => o.kind === kind && groupOf(o.apiVersion) === group;
const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A HelmRelease with what it takes to render it. */
export interface FluxRelease {
  readonly object: KubeObject;
  readonly name: string;
  readonly namespace: string;
  readonly kustomization: string;
  readonly file: string;
  /** Undefined when the chart cannot be resolved (a finding says why). */
  readonly request?: RenderRequest;
  /** Labels and annotations helm-controller puts on every rendered object (origin labels, commonMetadata). */
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
}

export interface FluxSync {
  /** Objects in git, after substitution, with their Kustomization and file. */
  readonly objects: RenderedObject[];
  readonly kustomizations: FluxKustomization[];
  readonly releases: FluxRelease[];
  readonly findings: VerifyFinding[];
}

/** Steps 1 and 2: the objects Flux applies from git, and the HelmReleases among them. */
export function fluxSync(files: OriginFiles, env: Environment, variables: Variables, kubeVersion: string): FluxSync {
  const findings: VerifyFinding[] = [];
  const objects: RenderedObject[] = [];
  const kustomizations: FluxKustomization[] = [];
  const tree = treePaths(env);
  const root: FluxKustomization = { name: ROOT_KUSTOMIZATION, path: `./${env.gitops.path}`, dependsOn: [], wait: true, timeout: ROOT_TIMEOUT };

  const queue: Array<{ node: FluxKustomization; dir: string | undefined; variables: Variables; file: string; spec: Record<string, any> }> = [
    { node: root, dir: tree.dir, variables, file: gitopsTfvars(env), spec: {} },
  ];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { node, dir, variables: vars, file, spec } = queue.shift()!;
    if (seen.has(node.name)) {
      findings.push(finding('VERIFY_KUSTOMIZATION', `The Flux Kustomization ${node.name} is defined twice; Flux keeps one of them.`, 'Give every Flux Kustomization its own name.', { file }));
      continue;
    }
    seen.add(node.name);
    kustomizations.push(node);
    for (const field of ['targetNamespace', 'patches', 'images', 'namePrefix', 'nameSuffix', 'commonMetadata', 'components', 'substituteFrom']) {
      const value = field === 'substituteFrom' ? spec.postBuild?.substituteFrom : spec[field];
      if (value !== undefined) {
        findings.push(finding('VERIFY_NOT_EVALUATED', `The Flux Kustomization ${node.name} sets ${field === 'substituteFrom' ? 'postBuild.substituteFrom' : field}, which slipway verify does not apply; what it renders may differ from the cluster.`, 'Keep the Flux Kustomizations to path, dependsOn and postBuild.substitute, or check this one by hand.', { file, severity: 'warning' }));
      }
    }
    if (dir === undefined) {
      findings.push(finding('VERIFY_KUSTOMIZATION', `The Flux Kustomization ${node.name} builds ${node.path}, which is outside ${tree.outPrefix || 'the generated tree'}; verify cannot see what it applies.`, `Point spec.path into ./${tree.outPrefix}.`, { file }));
      continue;
    }
    let built: KubeObject[];
    try {
      built = kustomizeBuild(files, dir).objects;
    } catch (e) {
      findings.push(finding('VERIFY_KUSTOMIZE_BUILD', `The Flux Kustomization ${node.name} cannot be built: ${(e as Error).message}`, 'Fix the kustomization files under this path; Flux would fail the same way.', { file }));
      continue;
    }
    for (const raw of built) {
      const { object: marked, file: origin } = takeOrigin(raw);
      let object: KubeObject;
      try {
        object = substituteObject(marked, vars);
      } catch (e) {
        if (!(e instanceof SubstitutionError)) throw e;
        findings.push(finding('VERIFY_SUBSTITUTION_SYNTAX', `${objectId(marked)}: Flux's post-build substitution fails: ${e.message}.`, 'Write ${VAR} or ${VAR:=default} with a variable the Kustomization sets; write $${VAR} for a literal ${VAR}.', { object: objectId(marked), file: origin }));
        continue;
      }
      const at = origin ?? `${dir}/kustomization.yaml`;
      const variables = referencedVariables(marked);
      objects.push({ object, kustomization: node.name, file: at, ...(variables.length && { variables }) });
      if (isKind(object, FLUX_KUSTOMIZE, 'Kustomization')) {
        const childSpec = isMap(object.spec) ? object.spec : {};
        const substitute = isMap(childSpec.postBuild?.substitute) ? childSpec.postBuild.substitute : {};
        queue.push({
          node: {
            name: object.metadata.name,
            path: String(childSpec.path ?? ''),
            dependsOn: (Array.isArray(childSpec.dependsOn) ? childSpec.dependsOn : []).map((d: { name?: unknown }) => String(d?.name ?? '')),
            wait: childSpec.wait === true,
            // Flux: the timeout defaults to the interval.
            timeout: String(childSpec.timeout ?? childSpec.interval ?? ''),
          },
          dir: tree.toTree(String(childSpec.path ?? '')),
          variables: Object.fromEntries(Object.entries(substitute).map(([k, v]) => [k, String(v).replace(/\n/g, '')])),
          file: at,
          spec: childSpec,
        });
      }
    }
  }

  const sources = new Map<string, KubeObject>();
  for (const { object } of objects) {
    if (groupOf(object.apiVersion) === FLUX_SOURCE) sources.set(`${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, object);
  }
  const releases: FluxRelease[] = [];
  for (const o of objects) {
    if (isKind(o.object, FLUX_HELM, 'HelmRelease')) releases.push(helmRelease(env, o, sources, kubeVersion, findings));
  }
  return { objects, kustomizations, releases, findings };
}

/** spec.path is relative to the git repository; the file map is out/. */
function treePaths(env: Environment): { dir: string; outPrefix: string; toTree: (specPath: string) => string | undefined } {
  const dir = `${env.name}/flux`;
  const gitops = path.posix.normalize(env.gitops.path).replace(/\/+$/, '');
  const outPrefix = gitops.endsWith(dir) ? gitops.slice(0, gitops.length - dir.length) : '';
  return {
    dir,
    outPrefix,
    toTree: (specPath) => {
      const normalized = path.posix.normalize(specPath.replace(/^\.\//, '')).replace(/\/+$/, '');
      if (!normalized.startsWith(outPrefix) || normalized.startsWith('..')) return undefined;
      return normalized.slice(outPrefix.length);
    },
  };
}

/** helm-controller's release name: spec.releaseName, else [<targetNamespace>-]<name>, shortened past 53 characters. */
export function fluxReleaseName(hr: KubeObject): string {
  const spec = (isMap(hr.spec) ? hr.spec : {}) as { releaseName?: string; targetNamespace?: string };
  const name = spec.releaseName || (spec.targetNamespace ? `${spec.targetNamespace}-${hr.metadata.name}` : hr.metadata.name);
  if (name.length <= 53) return name;
  return `${name.slice(0, 40)}-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

/** An exact chart version: Flux resolves ranges against the repository index, which verify does not read. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

function helmRelease(env: Environment, at: RenderedObject, sources: ReadonlyMap<string, KubeObject>, kubeVersion: string, findings: VerifyFinding[]): FluxRelease {
  const hr = at.object;
  const namespace = hr.metadata.namespace ?? 'default';
  const spec = (isMap(hr.spec) ? hr.spec : {}) as Record<string, any>;
  const id = `${namespace}/${hr.metadata.name}`;
  const common = isMap(spec.commonMetadata) ? spec.commonMetadata : {};
  const base = {
    object: hr,
    name: hr.metadata.name,
    namespace,
    kustomization: at.kustomization,
    file: at.file,
    commonLabels: { ...(isMap(common.labels) ? common.labels : {}), [`${FLUX_HELM}/name`]: hr.metadata.name, [`${FLUX_HELM}/namespace`]: namespace },
    commonAnnotations: isMap(common.annotations) ? (common.annotations as Record<string, string>) : {},
  };
  const problem = (message: string, hint: string): FluxRelease => {
    findings.push(finding('VERIFY_CHART_REFERENCE', `HelmRelease ${id}: ${message}`, hint, { release: id, file: at.file, object: objectId(hr), cause: releaseField(env, hr.metadata.name) }));
    return base;
  };
  for (const field of ['valuesFrom', 'postRenderers']) {
    if (spec[field] !== undefined && !(Array.isArray(spec[field]) && spec[field].length === 0)) {
      findings.push(finding('VERIFY_NOT_EVALUATED', `HelmRelease ${id} sets ${field}, which slipway verify does not apply; the objects it renders may differ from the cluster's.`, 'Put the values into spec.values, or check this release by hand.', { release: id, file: at.file, severity: 'warning' }));
    }
  }

  let pin: ChartPin;
  if (isMap(spec.chartRef)) {
    const ref = spec.chartRef as { kind?: string; name?: string; namespace?: string };
    if (ref.kind !== 'OCIRepository') return problem(`chartRef names a ${ref.kind ?? 'source without kind'}; slipway verify reads charts from OCIRepository sources and HelmRepository chart templates.`, 'Use an OCIRepository (or chart.spec with a HelmRepository).');
    const source = sources.get(`OCIRepository/${ref.namespace ?? namespace}/${ref.name}`);
    if (!source) return problem(`chartRef names OCIRepository ${ref.namespace ?? namespace}/${ref.name}, which no Flux Kustomization applies.`, 'Put the OCIRepository next to the HelmRelease, in its namespace.');
    const sourceSpec = (isMap(source.spec) ? source.spec : {}) as { url?: string; ref?: { tag?: string; semver?: string; digest?: string } };
    const tag = sourceSpec.ref?.tag;
    if (!sourceSpec.url?.startsWith('oci://')) return problem(`the OCIRepository ${ref.name} has no oci:// url.`, 'Set spec.url to oci://<registry>/<path>/<chart>.');
    if (!tag || sourceSpec.ref?.semver !== undefined || sourceSpec.ref?.digest !== undefined) return problem(`the OCIRepository ${ref.name} does not pin ref.tag alone, so verify cannot tell which chart version Flux installs.`, 'Pin the chart with ref.tag.');
    pin = { chart: sourceSpec.url.slice(sourceSpec.url.lastIndexOf('/') + 1), version: tag, origin: { kind: 'oci', url: sourceSpec.url } };
  } else if (isMap(spec.chart) && isMap(spec.chart.spec)) {
    const chart = spec.chart.spec as { chart?: string; version?: string; sourceRef?: { kind?: string; name?: string; namespace?: string } };
    if (!chart.chart) return problem('chart.spec names no chart.', 'Set chart.spec.chart.');
    if (!chart.version || !EXACT_VERSION.test(chart.version)) return problem(`chart.spec.version is ${chart.version ? `the range "${chart.version}"` : 'missing'}; verify renders exact versions only.`, 'Pin an exact chart version.');
    const ref = chart.sourceRef ?? {};
    if (ref.kind !== 'HelmRepository') return problem(`chart.spec.sourceRef names a ${ref.kind ?? 'source without kind'}; slipway verify reads HelmRepository sources.`, 'Use a HelmRepository.');
    const source = sources.get(`HelmRepository/${ref.namespace ?? namespace}/${ref.name}`);
    if (!source) return problem(`chart.spec.sourceRef names HelmRepository ${ref.namespace ?? namespace}/${ref.name}, which no Flux Kustomization applies.`, 'Put the HelmRepository next to the HelmRelease, in its namespace.');
    const sourceSpec = (isMap(source.spec) ? source.spec : {}) as { url?: string; type?: string };
    if (!sourceSpec.url) return problem(`the HelmRepository ${ref.name} has no url.`, 'Set spec.url.');
    pin = {
      chart: chart.chart,
      version: chart.version,
      origin: sourceSpec.type === 'oci' ? { kind: 'oci', url: `${sourceSpec.url.replace(/\/+$/, '')}/${chart.chart}` } : { kind: 'helm', url: sourceSpec.url },
    };
  } else {
    return problem('it names no chart (neither chartRef nor chart.spec).', 'Set chartRef to an OCIRepository.');
  }

  const install = isMap(spec.install) ? spec.install : {};
  return {
    ...base,
    request: {
      chart: { kind: 'archive', pin },
      releaseName: fluxReleaseName(hr),
      namespace: spec.targetNamespace || namespace,
      values: isMap(spec.values) ? spec.values : {},
      kubeVersion,
      apiVersions: [],
      // helm-controller: install.crds defaults to Create; only Skip leaves crds/ out.
      includeCrds: install.crds !== 'Skip',
      hooks: install.disableHooks !== true,
      tests: isMap(spec.test) && spec.test.enable === true,
    },
  };
}

/**
 * Step 3 for one release: the objects as the cluster holds them. helm-controller post-renders the
 * templates (not hooks, not crds/ files; Helm 3 post-renderers see neither) with its origin labels;
 * helm places namespaced objects that name no namespace into the release namespace.
 */
export function releaseObjects(release: FluxRelease, documents: readonly RenderedDocument[], namespaced: (o: KubeObject) => boolean): KubeObject[] {
  const namespace = release.request!.namespace;
  return documents.map((d) => {
    let object = d.object;
    if (!d.hook && !d.crd) {
      object = {
        ...object,
        metadata: {
          ...object.metadata,
          labels: { ...object.metadata.labels, ...release.commonLabels },
          ...(Object.keys(release.commonAnnotations).length && { annotations: { ...object.metadata.annotations, ...release.commonAnnotations } }),
        },
      };
    }
    if (object.metadata.namespace === undefined && namespaced(object)) object = { ...object, metadata: { ...object.metadata, namespace } };
    return object;
  });
}

/** The apply-order view of a release: what it waits for and which custom resource kinds it brings. */
export function releaseNode(release: FluxRelease, documents: readonly RenderedDocument[]): HelmReleaseNode {
  const spec = (isMap(release.object.spec) ? release.object.spec : {}) as { dependsOn?: Array<{ name?: string; namespace?: string }> };
  return {
    name: release.name,
    namespace: release.namespace,
    kustomization: release.kustomization,
    dependsOn: (spec.dependsOn ?? []).map((d) => ({ name: String(d.name ?? ''), namespace: d.namespace ?? release.namespace })),
    installsCrds: [...new Set(documents.flatMap((d) => crdKind(d.object) ?? []))].sort(),
  };
}

/** Every API a set of objects adds through its CustomResourceDefinitions. */
export const apisOf = (objects: Iterable<KubeObject>): string[] => [...new Set([...objects].flatMap(crdApiVersions))].sort();

export function finding(
  code: string,
  message: string,
  hint: string,
  where: { object?: string | undefined; release?: string; file?: string | undefined; cause?: readonly PropertyKey[] | undefined; severity?: 'error' | 'warning' } = {},
): VerifyFinding {
  const { severity = 'error', ...rest } = where;
  const located = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<VerifyFinding>;
  return { code, severity, message, hint, ...located };
}
