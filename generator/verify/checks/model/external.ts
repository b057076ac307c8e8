// What the cluster has that the render does not contain, because a known component creates it: the
// one explicit list of such exceptions, each with the reason it is safe to count on. Secrets and
// ConfigMaps pods may read, custom resource groups whose CRDs come with AKS, the platform's own pods
// (what NetworkPolicies and selectors can address) and Services (what ServiceMonitors can select).
// A reference that none of these explains, and that the render does not satisfy, is a finding.
import type { Environment } from '../../../model/environment.ts';
import type { ClusterIndex } from './cluster.ts';
import { at, list, maps, type Labels } from './data.ts';

export interface ExternalObject {
  readonly kind: 'Secret' | 'ConfigMap';
  /** Who creates it and when: why a reference to it is not a finding. */
  readonly reason: string;
  explains(index: ClusterIndex, namespace: string, name: string): boolean;
}

const CERT_MANAGER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

export const EXTERNAL_OBJECTS: readonly ExternalObject[] = [
  {
    kind: 'Secret',
    reason: "cert-manager's ingress-shim creates a Certificate for each TLS entry of an Ingress annotated with an issuer, and the Certificate writes the Secret it names.",
    explains: (index, namespace, name) =>
      index
        .ofKind('Ingress')
        .some(({ object }) => object.metadata.namespace === namespace && CERT_MANAGER_ANNOTATIONS.some((a) => object.metadata.annotations?.[a]) && maps((object.spec as { tls?: unknown } | undefined)?.tls).some((t) => t.secretName === name)),
  },
  {
    kind: 'Secret',
    reason: 'cert-manager writes the Secret a Certificate names (spec.secretName) once it is issued.',
    explains: (index, namespace, name) => index.ofKind('Certificate').some(({ object }) => object.metadata.namespace === namespace && (object.spec as { secretName?: unknown } | undefined)?.secretName === name),
  },
  {
    kind: 'Secret',
    reason: "An operator creates the Git credentials Secret that gitops.secretName names in flux-system (the aks stack's output git_credentials_command); the gitops stack refuses to start Flux before.",
    explains: (index, namespace, name) => namespace === 'flux-system' && name === index.state.environment.gitops.secretName,
  },
  {
    kind: 'Secret',
    reason: 'Admission webhook certificates of ingress-nginx and kube-prometheus-stack: their pre-install hook Job runs kube-webhook-certgen create --secret-name=<name>, which creates the Secret before the release installs.',
    explains: (index, namespace, name) =>
      index
        .podsIn(namespace)
        .some((p) => p.source.object.kind === 'Job' && maps(p.spec.containers).some((c) => list(c.args).map(String)[0] === 'create' && list(c.args).includes(`--secret-name=${name}`))),
  },
  {
    kind: 'ConfigMap',
    reason: "kube-controller-manager's root CA publisher creates kube-root-ca.crt in every namespace.",
    explains: (_index, _namespace, name) => name === 'kube-root-ca.crt',
  },
];

/** The entry that explains a missing object, if one does. */
export const externalObject = (index: ClusterIndex, kind: ExternalObject['kind'], namespace: string, name: string) =>
  EXTERNAL_OBJECTS.find((e) => e.kind === kind && e.explains(index, namespace, name));

/** Custom resource groups whose CRDs the cluster has before Flux applies anything (so no release has to install them). */
export const PLATFORM_CRD_GROUPS: Readonly<Record<string, string>> = {
  'source.toolkit.fluxcd.io': 'the AKS Flux extension installs the Flux CRDs',
  'kustomize.toolkit.fluxcd.io': 'the AKS Flux extension installs the Flux CRDs',
  'helm.toolkit.fluxcd.io': 'the AKS Flux extension installs the Flux CRDs',
  'notification.toolkit.fluxcd.io': 'the AKS Flux extension installs the Flux CRDs',
  'secrets-store.csi.x-k8s.io': "the AKS Key Vault secrets provider add-on installs the Secrets Store CSI driver's CRDs",
  'snapshot.storage.k8s.io': 'AKS installs the CSI snapshot CRDs with its disk CSI driver',
};

/** A pod the cluster runs without the render: addressed by selectors and NetworkPolicies. */
export interface PlatformPod {
  readonly namespace: string;
  readonly name: string;
  /** How messages name it. */
  readonly describe: string;
  readonly labels: Labels;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly containerPort: number; readonly protocol: string }>;
  readonly reason: string;
}

export function platformPods(env: Environment): PlatformPod[] {
  return [
    {
      namespace: 'kube-system',
      name: 'coredns',
      describe: 'CoreDNS',
      labels: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
      ],
      reason: 'AKS runs CoreDNS in kube-system, labelled k8s-app=kube-dns like upstream kube-dns.',
    },
    ...(env.aks.network.dataPlane === 'cilium'
      ? []
      : [{ namespace: 'kube-system', name: 'kube-proxy', describe: 'kube-proxy', labels: { 'k8s-app': 'kube-proxy' }, ports: [{ name: 'metrics', containerPort: 10249, protocol: 'TCP' }], reason: 'AKS runs kube-proxy in kube-system unless Cilium is the data plane.' }]),
  ];
}

/** A Service the cluster has without the render. */
export interface PlatformService {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly string[];
  readonly reason: string;
}

const KUBELET_SERVICE = /^--kubelet-service=([^/]+)\/(.+)$/;

export function platformServices(index: ClusterIndex): PlatformService[] {
  const kubelet = index
    .ofKind('Deployment')
    .flatMap(({ object }) => maps(at(object, 'spec', 'template', 'spec', 'containers')).flatMap((c) => list(c.args).map(String)))
    .filter((arg) => KUBELET_SERVICE.test(arg));
  return [
    { namespace: 'default', name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' }, ports: ['https'], reason: 'The API server keeps the kubernetes Service in default.' },
    ...kubelet.map((arg) => {
      const [, namespace, name] = KUBELET_SERVICE.exec(arg)!;
      return {
        namespace: namespace!,
        name: name!,
        labels: { 'app.kubernetes.io/name': 'kubelet', 'k8s-app': 'kubelet' },
        ports: ['https-metrics', 'http-metrics', 'cadvisor'],
        reason: 'prometheus-operator started with --kubelet-service maintains that Service (and its endpoints: the nodes).',
      };
    }),
  ];
}
