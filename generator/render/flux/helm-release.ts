// Flux objects for one catalog release: its chart source and its HelmRelease.
//
// All of them live in flux-system, the namespace of the AKS Flux configuration, and place the
// workloads with targetNamespace. The microsoft.flux extension keeps Flux's multi-tenancy lockdown
// on by default: controllers refuse cross-namespace references and apply a namespace's Flux objects
// as the flux-applier service account, which exists only in the configuration's namespace (Microsoft
// Learn, "GitOps Flux v2 configurations with AKS and Azure Arc-enabled Kubernetes", multi-tenancy).
// Slipway keeps the lockdown rather than opting out (multiTenancy.enforce=false): with it, a team
// that may edit its own namespace cannot create a HelmRelease there that helm-controller would apply
// with cluster-wide rights.
import type { KubeObject, Release, Values } from '../../catalog/types.ts';

/** Name of the Flux configuration the AKS stack creates; Flux names its GitRepository after it. */
export const FLUX_CONFIGURATION = 'slipway';
/** The Flux configuration's namespace: every Flux object Slipway writes lives here. */
export const FLUX_NAMESPACE = 'flux-system';

const OCI_HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/**
 * One source per chart repository or OCI chart, shared by the releases of that chart; an app kind
 * has a source of its own (<chart>-<kind>), since kinds on one chart pin their versions apart.
 */
export const sourceName = (r: Release) => (r.layer === 'apps' ? `${r.source.chart}-${r.base}` : r.source.kind === 'oci' ? r.source.chart : r.source.repository);

export function chartSource(r: Release, version: string): KubeObject {
  const metadata = { name: sourceName(r), namespace: FLUX_NAMESPACE };
  return r.source.kind === 'oci'
    ? {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'OCIRepository',
        metadata,
        spec: { interval: '12h', url: r.source.url, ref: { tag: version }, layerSelector: { mediaType: OCI_HELM_LAYER, operation: 'copy' } },
      }
    : { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata, spec: { interval: '12h', url: r.source.url } };
}

/**
 * The HelmRelease `name` installs into `target` (undefined in an app kind's base, which each
 * instance's overlay completes), with Helm's release records kept there too, as helmfile keeps them.
 */
export function helmRelease(r: Release, name: string, target: string | undefined, version: string, values: Values, needs: readonly string[]): KubeObject {
  const crds = r.crds ? { crds: 'CreateReplace' } : {};
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace: FLUX_NAMESPACE },
    spec: {
      interval: '30m',
      timeout: '10m',
      maxHistory: 5,
      // Explicit, so Flux does not derive "<targetNamespace>-<name>"; matches the helmfile release.
      releaseName: name,
      ...(target && { targetNamespace: target, storageNamespace: target }),
      ...(r.source.kind === 'oci'
        ? { chartRef: { kind: 'OCIRepository', name: sourceName(r) } }
        : { chart: { spec: { chart: r.source.chart, version, sourceRef: { kind: 'HelmRepository', name: sourceName(r) }, interval: '12h' } } }),
      // An empty list where the shared base has some (releases switched off), so the overlay can replace it.
      ...((needs.length || r.baseNeeds?.length) && { dependsOn: needs.map((n) => ({ name: n, namespace: FLUX_NAMESPACE })) }),
      install: { ...crds, remediation: { retries: 3 } },
      upgrade: { ...crds, cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true, strategy: 'rollback' } },
      driftDetection: { mode: 'enabled', ...(r.driftIgnore && { ignore: r.driftIgnore }) },
      values,
    },
  };
}
