// What the API server of an environment's cluster serves, as charts see it through
// .Capabilities.APIVersions and as helm needs it to place objects: the built-in kinds (from the
// embedded schema set), the APIs AKS and its Flux extension bring, and the CRDs the environment
// installs. `helm template` alone knows only group/versions, so without this list a chart that asks
// for "policy/v1/PodDisruptionBudget" or "monitoring.coreos.com/v1" renders as for an empty cluster.
import type { KubeObject } from '../catalog/types.ts';
import { embeddedSet } from '../validate/embedded.ts';

/** Kinds that are not resources one creates; harmless, but noise in a list of what a cluster serves. */
const NOT_RESOURCES = /(List|Options|Event|Status|Review|Request|^Scale|^Eviction|^Binding|^APIGroup|^APIVersions)$/;

/** AKS (CSI snapshots, Key Vault secrets provider, metrics-server) and the microsoft.flux extension. */
const ADD_ONS: ReadonlyArray<{ readonly apiVersion: string; readonly kinds: readonly string[]; readonly clusterScoped?: readonly string[] }> = [
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kinds: ['GitRepository', 'HelmRepository', 'HelmChart', 'Bucket', 'OCIRepository'] },
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kinds: ['Kustomization'] },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2', kinds: ['HelmRelease'] },
  { apiVersion: 'notification.toolkit.fluxcd.io/v1', kinds: ['Receiver'] },
  { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kinds: ['Alert', 'Provider'] },
  { apiVersion: 'secrets-store.csi.x-k8s.io/v1', kinds: ['SecretProviderClass', 'SecretProviderClassPodStatus'] },
  { apiVersion: 'snapshot.storage.k8s.io/v1', kinds: ['VolumeSnapshot', 'VolumeSnapshotClass', 'VolumeSnapshotContent'], clusterScoped: ['VolumeSnapshotClass', 'VolumeSnapshotContent'] },
  { apiVersion: 'metrics.k8s.io/v1beta1', kinds: ['NodeMetrics', 'PodMetrics'], clusterScoped: ['NodeMetrics'] },
];

/** Built-in kinds that live outside namespaces, by "<group>/<Kind>" ("" is the core group). */
const CLUSTER_SCOPED_BUILTIN = new Set(
  [
    '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
    'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
    'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
    'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
    'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
    'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
    'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
    'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
    'node.k8s.io/RuntimeClass', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
    'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice', 'scheduling.k8s.io/PriorityClass',
    'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/StorageClass', 'storage.k8s.io/VolumeAttachment',
    'storage.k8s.io/VolumeAttributesClass', 'storagemigration.k8s.io/StorageVersionMigration', 'internal.apiserver.k8s.io/StorageVersion',
    'authentication.k8s.io/TokenReview', 'authentication.k8s.io/SelfSubjectReview', 'authorization.k8s.io/SubjectAccessReview',
    'authorization.k8s.io/SelfSubjectAccessReview', 'authorization.k8s.io/SelfSubjectRulesReview',
  ],
);

export const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

let base: readonly string[] | undefined;

/**
 * The cluster before any release: built-in GA kinds and the add-ons, as "<group>/<version>" and
 * "<group>/<version>/<Kind>" entries (alpha and beta APIs are off by default on AKS).
 */
export function baseApiVersions(): readonly string[] {
  if (!base) {
    const entries = new Set<string>();
    for (const [key, definition] of Object.entries(embeddedSet().kinds)) {
      if (!definition.startsWith('io.k8s.')) continue;
      const kind = key.slice(key.lastIndexOf('/') + 1);
      const apiVersion = key.slice(0, key.lastIndexOf('/'));
      if (/(alpha|beta)\d*$/.test(apiVersion) || NOT_RESOURCES.test(kind)) continue;
      entries.add(apiVersion).add(key);
    }
    for (const addOn of ADD_ONS) {
      entries.add(addOn.apiVersion);
      for (const kind of addOn.kinds) entries.add(`${addOn.apiVersion}/${kind}`);
    }
    base = [...entries].sort();
  }
  return base;
}

interface CrdBody {
  spec?: { group?: string; scope?: string; names?: { kind?: string }; versions?: Array<{ name?: string; served?: boolean }> };
}

const isCrd = (o: KubeObject) => o.kind === 'CustomResourceDefinition' && groupOf(o.apiVersion) === 'apiextensions.k8s.io';

/** What a CustomResourceDefinition adds to the API: each served version, alone and with its kind. */
export function crdApiVersions(o: KubeObject): string[] {
  if (!isCrd(o)) return [];
  const spec = (o as CrdBody).spec;
  if (!spec?.group || !spec.names?.kind) return [];
  return (spec.versions ?? []).filter((v) => v.name && v.served !== false).flatMap((v) => [`${spec.group}/${v.name}`, `${spec.group}/${v.name}/${spec.names!.kind}`]);
}

/** "<group>/<Kind>" of a CRD, as HelmReleaseNode.installsCrds lists it. */
export function crdKind(o: KubeObject): string | undefined {
  const spec = (o as CrdBody).spec;
  return isCrd(o) && spec?.group && spec.names?.kind ? `${spec.group}/${spec.names.kind}` : undefined;
}

/** Whether objects of a kind are namespaced, from the built-ins, the add-ons and the CRDs at hand. */
export function scopeOf(crds: readonly KubeObject[]): (o: KubeObject) => 'Cluster' | 'Namespaced' {
  const cluster = new Set(CLUSTER_SCOPED_BUILTIN);
  for (const addOn of ADD_ONS) for (const kind of addOn.clusterScoped ?? []) cluster.add(`${groupOf(addOn.apiVersion)}/${kind}`);
  for (const crd of crds) {
    const spec = (crd as CrdBody).spec;
    const kind = crdKind(crd);
    if (kind && spec?.scope === 'Cluster') cluster.add(kind);
  }
  // Unknown kinds are taken as namespaced, like most custom resources.
  return (o) => (cluster.has(`${groupOf(o.apiVersion)}/${o.kind}`) ? 'Cluster' : 'Namespaced');
}
