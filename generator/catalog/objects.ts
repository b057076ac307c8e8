// The plain Kubernetes objects of an environment around the charts. "base" objects go in before any
// release (namespaces with their Pod Security levels, access, configuration the charts read);
// "config" objects need the CRDs the controllers install (ClusterIssuers, PrometheusRules,
// SecretProviderClasses). Each release brings its own (catalog/index.ts releaseObjects).
import type { Environment } from '../model/environment.ts';
import { namespacesOf, releaseObjects } from './index.ts';
import type { KubeObject } from './types.ts';

export interface PlatformObjects {
  readonly base: readonly KubeObject[];
  readonly config: readonly KubeObject[];
}

export function platformObjects(env: Environment): PlatformObjects {
  const released = releaseObjects(env);
  return { base: [...namespaces(env), ...released.base, ...roleBindings(env)], config: released.config };
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
