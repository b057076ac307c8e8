// Flux objects for one catalog release: its chart source and its HelmRelease.
import type { KubeObject, Release, Values } from '../../catalog/types.ts';

/** Name of the Flux configuration the AKS stack creates; Flux names its GitRepository after it. */
export const FLUX_CONFIGURATION = 'slipway';

const OCI_HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** Source objects live next to their release: no cross-namespace references (multi-tenancy safe). */
export const sourceName = (r: Release) => (r.source.kind === 'oci' ? r.source.chart : r.source.repository);

export function chartSource(r: Release, version: string, namespace: string | undefined): KubeObject {
  const metadata = { name: sourceName(r), ...(namespace && { namespace }) };
  return r.source.kind === 'oci'
    ? {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'OCIRepository',
        metadata,
        spec: { interval: '12h', url: r.source.url, ref: { tag: version }, layerSelector: { mediaType: OCI_HELM_LAYER, operation: 'copy' } },
      }
    : { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata, spec: { interval: '12h', url: r.source.url } };
}

export interface HelmReleaseIdentity {
  readonly name: string;
  /** undefined in a base that overlays place in a namespace (Postfacto instances). */
  readonly namespace: string | undefined;
}

export function helmRelease(r: Release, id: HelmReleaseIdentity, version: string, values: Values, needs: ReadonlyArray<{ name: string; namespace: string }>): KubeObject {
  const crds = r.crds ? { crds: 'CreateReplace' } : {};
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: id.name, ...(id.namespace && { namespace: id.namespace }) },
    spec: {
      interval: '30m',
      timeout: '10m',
      maxHistory: 5,
      // Explicit, so Flux does not derive "<namespace>-<name>"; matches the helmfile release.
      releaseName: id.name,
      ...(id.namespace && { targetNamespace: id.namespace }),
      ...(r.source.kind === 'oci'
        ? { chartRef: { kind: 'OCIRepository', name: sourceName(r) } }
        : { chart: { spec: { chart: r.source.chart, version, sourceRef: { kind: 'HelmRepository', name: sourceName(r) }, interval: '12h' } } }),
      ...(needs.length && { dependsOn: needs.map((n) => ({ name: n.name, namespace: n.namespace })) }),
      install: { ...crds, remediation: { retries: 3 } },
      upgrade: { ...crds, cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true, strategy: 'rollback' } },
      driftDetection: { mode: 'enabled', ...(r.driftIgnore && { ignore: r.driftIgnore }) },
      values,
    },
  };
}
