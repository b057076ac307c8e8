import { appInstancesOf, platformNamespaceNames } from '../../catalog/index.ts';
import { systemNamespaces, type Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

/** App instances never land in a namespace of the platform or of Kubernetes. */
export function namespaceRules(env: Environment): Finding[] {
  const reserved = new Set<string>([...platformNamespaceNames, ...systemNamespaces]);
  return appInstancesOf(env)
    .filter(({ instance }) => reserved.has(instance.namespace))
    .map(({ kind, instance, index }) =>
      error('NAMESPACE_RESERVED', ['apps', kind, index, 'namespace'], `Namespace "${instance.namespace}" belongs to the platform or to Kubernetes.`, `Use another namespace, such as ${kind}-${instance.name}.`),
    );
}
