// The plain Kubernetes objects of an environment around the charts. "base" objects go in before any
// release (namespaces with their Pod Security levels, access, configuration the charts read);
// "config" objects need the CRDs the controllers install (ClusterIssuers, PrometheusRules,
// SecretProviderClasses). Each release brings its own (catalog/index.ts releaseObjects).
import type { Environment } from '../model/environment.ts';
import { deepFreeze } from '../model/freeze.ts';
import { namespacesOf, releaseObjects } from './index.ts';
import type { KubeObject } from './types.ts';

export interface PlatformObjects {
  readonly base: readonly KubeObject[];
  readonly config: readonly KubeObject[];
}

/**
 * Built once per (frozen) model, and frozen: helmfile's local charts and the Flux tree both carry
 * these objects, the same instances, so each is written as YAML once (render/yaml.ts objectYaml).
 */
export function platformObjects(env: Environment): PlatformObjects {
  let objects = objectsByModel.get(env);
  if (!objects) {
    const released = releaseObjects(env);
    const base = [...namespaces(env), ...metadataEndpointPolicies(env, [...released.base, ...released.config]), ...released.base, ...roleBindings(env)];
    objectsByModel.set(env, (objects = deepFreeze({ base, config: released.config })));
  }
  return objects;
}
const objectsByModel = new WeakMap<Environment, PlatformObjects>();

export const METADATA_POLICY = 'deny-instance-metadata';
export const METADATA_EXEMPTION = 'slipway.io/metadata-endpoint-exemption';

/**
 * Every node carries the kubelet's and the Key Vault secrets provider's identities, and any pod that
 * reaches the instance metadata endpoint (169.254.169.254) gets a token for them. AKS's security
 * best practice ("Restrict access to Instance Metadata API") is an egress policy in every namespace
 * that leaves that address out; AKS's own IMDS restriction is a preview that Flux and Container
 * Insights are incompatible with. Pods keep every other destination: in-cluster pods through the
 * namespace selector (Cilium's ipBlock never matches pod or node IPs: AKS "Azure CNI powered by
 * Cilium", limitations), the rest through 0.0.0.0/0. A namespace whose own policies already isolate
 * every pod's egress (Postfacto's default-deny) gets none: NetworkPolicies add up, and this one
 * would reopen what they close.
 */
function metadataEndpointPolicies(env: Environment, released: readonly KubeObject[]): KubeObject[] {
  const isolated = new Set(
    released
      .filter((o) => o.kind === 'NetworkPolicy' && Object.keys((o.spec as { podSelector?: object }).podSelector ?? {}).length === 0)
      .filter((o) => ((o.spec as { policyTypes?: string[] }).policyTypes ?? []).includes('Egress'))
      .map((o) => o.metadata.namespace),
  );
  const cilium = env.aks.network.policy === 'cilium';
  return namespacesOf(env)
    .filter((n) => !isolated.has(n.name))
    .map(({ name, nodeNetworkClients: exempt }) => {
      const exempted = cilium && exempt !== undefined;
      return {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: METADATA_POLICY, namespace: name, ...(exempted && { annotations: { [METADATA_EXEMPTION]: exempt.reason } }) },
        spec: {
          podSelector: exempted ? { matchExpressions: Object.entries(exempt.labels).map(([key, value]) => ({ key, operator: 'NotIn', values: [value] })) } : {},
          policyTypes: ['Egress'],
          egress: [{ to: [{ namespaceSelector: {} }] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }],
        },
      };
    });
}

/** Every namespace Slipway deploys into, enforcing its release's Pod Security level and warning at restricted. */
function namespaces(env: Environment): KubeObject[] {
  return namespacesOf(env).map(({ name, podSecurity, reason }) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      ...(reason && { annotations: { 'slipway.io/pod-security-reason': reason } }),
      labels: {
        'app.kubernetes.io/managed-by': 'slipway',
        'pod-security.kubernetes.io/enforce': podSecurity,
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  }));
}

/** One RoleBinding per access entry and namespace: the Entra ID group gets the built-in ClusterRole there. */
function roleBindings(env: Environment): KubeObject[] {
  return env.access.flatMap((entry) =>
    Object.entries(entry.namespaces).map(([namespace, role]) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: `slipway-${role}-${entry.group.slice(0, 8)}`,
        namespace,
        ...(entry.description && { annotations: { 'slipway.io/description': entry.description } }),
      },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: entry.group }],
    })),
  );
}
