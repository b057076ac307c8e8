// The render engine of `slipway verify`: for each environment, the ClusterState its generated files
// put into the cluster (types.ts), built from the file map renderAll returns (nothing is read from
// out/ on disk, so verify can run before generate writes), plus the findings of the render itself
// (builds that fail, charts that do not render, helmfile and Flux disagreeing).
//
// Charts ask the API server what it serves (.Capabilities.APIVersions): each release renders first
// against the cluster before any release (built-ins and add-ons), and again, with the CRDs the
// environment installs, only when its templates test for one of them (velero's ServiceMonitor
// "autodetect"): the steady state of a cluster whose releases are all installed.
import { releaseField } from '../catalog/index.ts';
import type { ChartDir } from '../charts/chart-dir.ts';
import type { KubeObject } from '../catalog/types.ts';
import type { Environment } from '../model/environment.ts';
import { ChartStore } from './charts.ts';
import { baseApiVersions, scopeOf } from './cluster-apis.ts';
import { apisOf, finding, fluxSync, releaseNode, releaseObjects, type FluxRelease } from './flux.ts';
import { findHelm, type Helm } from './helm.ts';
import { compareWithFlux, helmfilePlan, type HelmfileObject } from './helmfile.ts';
import { OriginFiles } from './origins.ts';
import { HelmRenderer, probesAny, type Rendered, type RenderRequest, type RenderUse } from './render.ts';
import { readSubstitutionsFile, terraformInputs } from './terraform-inputs.ts';
import type { ClusterState, HelmReleaseNode, RenderedObject, VerifyFinding } from './types.ts';

export interface VerifyOptions {
  /** The chart folder (chart-dir.ts chartDir(): --charts, SLIPWAY_CHART_DIR or slipway.config.json), if any. */
  readonly chartDir?: ChartDir | undefined;
  /** --substitutions FILE: values for the post-build variables instead of placeholders. */
  readonly substitutionsFile?: string | undefined;
  /** The process environment: PATH, SLIPWAY_HELM, SLIPWAY_CACHE_DIR, XDG_CACHE_HOME, proxies for helm pull. */
  readonly env: NodeJS.ProcessEnv;
  /** The cache root, instead of SLIPWAY_CACHE_DIR or the XDG cache. */
  readonly cacheDir?: string | undefined;
  /** Per helm process; default 120 s. */
  readonly timeoutMs?: number;
  /** helm processes at once; default the number of cores. */
  readonly parallelism?: number;
}

export interface VerifyStats {
  /** helm template processes run. */
  readonly rendersRun: number;
  /** Render requests answered by an earlier render of the same input (across environments, Flux and helmfile). */
  readonly rendersReused: number;
  /** Each distinct render (chart, release, namespace) with the number of requests it answered. */
  readonly renders: ReadonlyArray<Readonly<RenderUse>>;
  /** Wall time of buildClusterStates, in milliseconds. */
  readonly wallMs: number;
  /** The helm used, when one was needed. */
  readonly helm?: Helm;
}

export interface ClusterStates {
  readonly states: ClusterState[];
  readonly findings: VerifyFinding[];
  readonly stats: VerifyStats;
}

export async function buildClusterStates(files: ReadonlyMap<string, string>, environments: readonly Environment[], options: VerifyOptions): Promise<ClusterStates> {
  return (await buildClusterStatesOf([{ files, environments }], options))[0]!;
}

/** One output tree (files under out/) and the environments to build from it. */
export interface ClusterInput {
  readonly files: ReadonlyMap<string, string>;
  readonly environments: readonly Environment[];
}

/** Several trees through one renderer, so a release that renders the same in two of them (diff's base and head) renders once. */
export async function buildClusterStatesOf(inputs: readonly ClusterInput[], options: VerifyOptions): Promise<ClusterStates[]> {
  const started = performance.now();
  let helm: Promise<Helm> | undefined;
  const findHelmOnce = () => (helm ??= findHelm({ env: options.env, cacheDir: options.cacheDir }));
  const charts = new ChartStore({ chartDir: options.chartDir, env: options.env, cacheDir: options.cacheDir, helm: findHelmOnce, timeoutMs: options.timeoutMs });
  const renderer = new HelmRenderer({ helm: findHelmOnce, charts, env: options.env, timeoutMs: options.timeoutMs, parallelism: options.parallelism });
  const given = options.substitutionsFile ? readSubstitutionsFile(options.substitutionsFile) : {};
  try {
    const all = await Promise.all(
      inputs.map(({ files, environments }) => {
        const origins = new OriginFiles(files);
        return Promise.all(environments.map((env) => environmentState(files, origins, env, given, renderer)));
      }),
    );
    const stats = {
      rendersRun: renderer.stats.run,
      rendersReused: renderer.stats.reused,
      renders: [...renderer.stats.renders.values()].map((r) => ({ ...r })),
      wallMs: Math.round(performance.now() - started),
      ...(helm && { helm: await helm }),
    };
    return all.map((results) => ({ states: results.map((r) => r.state), findings: results.flatMap((r) => r.findings), stats }));
  } finally {
    await renderer.close();
  }
}

async function environmentState(
  files: ReadonlyMap<string, string>,
  origins: OriginFiles,
  env: Environment,
  given: Readonly<Record<string, string>>,
  renderer: HelmRenderer,
): Promise<{ state: ClusterState; findings: VerifyFinding[] }> {
  const kubeVersion = env.aks.kubernetesVersion;
  const inputs = terraformInputs(files, env, given);
  const sync = fluxSync(origins, env, inputs.values, kubeVersion);
  const findings = [...sync.findings];
  const base = baseApiVersions();
  const withApis = (request: RenderRequest, apiVersions: readonly string[]): RenderRequest => ({ ...request, apiVersions });

  // Pass 1: the cluster before any release.
  const renderable = sync.releases.filter((r): r is FluxRelease & { request: RenderRequest } => r.request !== undefined);
  const first = await Promise.all(renderable.map((r) => renderer.render(withApis(r.request, base))));

  // The APIs the environment adds, then pass 2 for the charts that test for one of them.
  const installed = apisOf([...sync.objects.map((o) => o.object), ...first.flatMap((r) => (r.ok ? r.documents.map((d) => d.object) : []))]);
  const baseSet = new Set(base);
  const added = installed.filter((api) => !baseSet.has(api));
  const full = [...new Set([...base, ...installed])].sort();
  const apisFor = async (request: RenderRequest) => (probesAny(await renderer.probes(request.chart), added) ? full : base);
  const final: Rendered[] = await Promise.all(
    renderable.map(async (r, i) => {
      const apis = await apisFor(r.request);
      return apis === base ? first[i]! : renderer.render(withApis(r.request, apis));
    }),
  );

  const crds = [...sync.objects.map((o) => o.object), ...final.flatMap((r) => (r.ok ? r.documents.map((d) => d.object) : []))].filter((o) => o.kind === 'CustomResourceDefinition');
  const scope = scopeOf(crds);
  const namespaced = (o: KubeObject) => scope(o) === 'Namespaced';

  const objects: RenderedObject[] = [...sync.objects];
  const releases: HelmReleaseNode[] = [];
  for (const r of sync.releases) {
    const index = renderable.indexOf(r as FluxRelease & { request: RenderRequest });
    const rendered = index === -1 ? undefined : final[index]!;
    const release = { name: r.name, namespace: r.namespace };
    if (rendered && !rendered.ok) {
      findings.push(
        finding('VERIFY_HELM_TEMPLATE', `HelmRelease ${r.namespace}/${r.name} does not render (${chartLabel(r.request!)}): ${rendered.error}`, 'Fix the values this release gets from the catalog, or pin a chart version they suit; helm-controller fails the same way.', {
          release: `${r.namespace}/${r.name}`,
          file: r.file,
          cause: releaseField(env, r.name),
        }),
      );
    }
    const documents = rendered?.ok ? rendered.documents : [];
    releases.push(releaseNode(r, documents));
    if (rendered?.ok) for (const object of releaseObjects(r, documents, namespaced)) objects.push({ object, kustomization: r.kustomization, release, file: r.file });
  }

  // helmfile: the same API list rule, so equal inputs hit the Flux renders.
  const plan = helmfilePlan(files, env, inputs.values, kubeVersion);
  findings.push(...plan.findings);
  const helmfileObjects: HelmfileObject[] = [];
  const helmfileRenders = await Promise.all(plan.releases.map(async (r) => (r.request ? renderer.render(withApis(r.request, await apisFor(r.request))) : undefined)));
  plan.releases.forEach((r, i) => {
    const rendered = helmfileRenders[i];
    if (!rendered || !r.request) return;
    if (!rendered.ok) {
      findings.push(finding('VERIFY_HELM_TEMPLATE', `helmfile release ${r.id} does not render (${chartLabel(r.request)}): ${rendered.error}`, 'Fix the values this release gets from the catalog; helmfile apply fails the same way.', { release: r.id, file: r.file, cause: releaseField(env, r.id.slice(r.id.indexOf('/') + 1)) }));
      return;
    }
    for (const d of rendered.documents) {
      const object = d.object.metadata.namespace === undefined && namespaced(d.object) ? { ...d.object, metadata: { ...d.object.metadata, namespace: r.namespace } } : d.object;
      helmfileObjects.push({ object, release: r.id, file: r.file });
    }
  });
  // Only complete renders can be compared: a release that failed is reported already.
  if (plan.releases.length > 0 && helmfileRenders.every((r) => r?.ok) && final.every((r) => r.ok)) findings.push(...compareWithFlux(env, objects, helmfileObjects));

  return {
    state: {
      environment: env,
      objects,
      kustomizations: sync.kustomizations,
      releases,
      helmfile: plan.nodes,
      substitutions: inputs.substitutions,
      vaultSecrets: inputs.vaultSecrets,
      identities: inputs.identities,
    },
    findings,
  };
}

const chartLabel = (r: RenderRequest) => (r.chart.kind === 'archive' ? `chart ${r.chart.pin.chart} ${r.chart.pin.version}` : `local chart ${r.chart.name}`);
