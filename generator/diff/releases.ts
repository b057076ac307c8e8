// The Helm releases an environment installs, read from its Flux objects: each HelmRelease with its
// chart, the URL of its source and the version that source pins.
import type { KubeObject, Values } from '../catalog/types.ts';

export interface SemanticRelease {
  /** Where Helm installs it (spec.targetNamespace, else the HelmRelease's namespace). */
  readonly namespace: string;
  readonly chart: string;
  /** URL of the chart's source (Helm repository or OCI artifact). */
  readonly repository: string;
  /** OCIRepository ref.tag, or the HelmRelease's spec.chart.spec.version. */
  readonly version: string;
  readonly values: Values;
}

export const objectKey = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Releases by HelmRelease name. */
export function releasesFrom(objects: Readonly<Record<string, KubeObject>>): Record<string, SemanticRelease> {
  const releases: Record<string, SemanticRelease> = {};
  for (const o of Object.values(objects)) {
    if (o.kind !== 'HelmRelease') continue;
    const spec = isMap(o.spec) ? o.spec : {};
    const namespace = o.metadata.namespace ?? '';
    const source = (ref: unknown) => (isMap(ref) ? objects[`${ref.kind}/${ref.namespace ?? namespace}/${ref.name}`] : undefined);
    let chart = '';
    let repository = '';
    let version = '';
    if (isMap(spec.chartRef)) {
      // An OCI chart: the artifact's URL names the chart, its ref pins the version.
      const oci = source(spec.chartRef);
      const url = String((oci?.spec as Record<string, any> | undefined)?.url ?? '');
      const ref = (oci?.spec as Record<string, any> | undefined)?.ref ?? {};
      chart = url ? url.replace(/\/+$/, '').split('/').pop()! : String(spec.chartRef.name);
      repository = url;
      version = String(ref.tag ?? ref.semver ?? ref.digest ?? '');
    } else if (isMap(spec.chart?.spec)) {
      const chartSpec = spec.chart.spec;
      chart = String(chartSpec.chart ?? '');
      repository = String((source(chartSpec.sourceRef)?.spec as Record<string, any> | undefined)?.url ?? '');
      version = String(chartSpec.version ?? '');
    }
    releases[o.metadata.name] = { namespace: String(spec.targetNamespace ?? namespace), chart, repository, version, values: isMap(spec.values) ? spec.values : {} };
  }
  return releases;
}
