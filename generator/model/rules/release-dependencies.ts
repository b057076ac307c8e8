// Optional platform releases (releases.<key>.enabled): one that is off leaves nothing behind
// (catalog/index.ts drops it from every output), so what would still need it is refused here.
import type { EnvironmentInput } from '../../../schema/environment.ts';
import { platform, servedHosts } from '../../catalog/index.ts';
import type { ServedHost } from '../../catalog/definition.ts';
import type { Environment } from '../environment.ts';
import { error, type Finding } from './rule.ts';

const isOff = (env: Environment, key: string) => {
  const d = platform.find((p) => p.key === key)!;
  return !(d.enabled?.(env.releases[d.key] as never) ?? true);
};

const list = (hosts: readonly ServedHost[]) => hosts.map((h) => `${h.host} (${h.label})`).join(', ');

/**
 * ingress-nginx serves every host (app Ingresses, an exposed Grafana) and answers cert-manager's
 * HTTP-01 challenges through its ingress class; cert-manager issues every host's certificate.
 * external-dns off is a warning of its own (EXTERNAL_DNS_OFF): records can be made elsewhere.
 */
export function releaseDependencyRules(env: Environment, input: EnvironmentInput): Finding[] {
  const out: Finding[] = [];
  const { apps, platform: platformHosts } = servedHosts(env);
  const hosts = [...apps, ...platformHosts];
  const fieldOf = (key: 'ingressNginx' | 'certManager') => (input.releases?.[key]?.enabled !== undefined ? ['releases', key, 'enabled'] : ['releases', key]);

  if (isOff(env, 'ingressNginx')) {
    const needs: string[] = [];
    if (hosts.length) needs.push(`the hosts ${list(hosts)} are served through its Ingress class`);
    if (!isOff(env, 'certManager') && env.releases.certManager.solver === 'http01') needs.push("cert-manager answers Let's Encrypt HTTP-01 challenges through it (releases.certManager.solver http01)");
    if (needs.length) {
      out.push(
        error(
          'RELEASE_NEEDED',
          fieldOf('ingressNginx'),
          `releases.ingressNginx.enabled is false, but ${needs.join('; and ')}.`,
          'Keep ingress-nginx on, or remove every host (apps without host, releases.monitoring.grafana.exposure internal) and turn cert-manager off or set releases.certManager.solver to dns01.',
        ),
      );
    }
  }
  if (isOff(env, 'certManager') && hosts.length) {
    out.push(
      error(
        'RELEASE_NEEDED',
        fieldOf('certManager'),
        `releases.certManager.enabled is false, but the hosts ${list(hosts)} take their TLS certificates from its ClusterIssuer.`,
        'Keep cert-manager on, or serve no host (apps without host, releases.monitoring.grafana.exposure internal).',
      ),
    );
  }
  return out;
}

/** An access grant on the namespace of a release that is off would bind roles in a namespace that does not exist. */
export function releaseOffAccessRules(env: Environment): Finding[] {
  const off = new Map<string, string>();
  for (const d of platform) {
    if (!isOff(env, d.key)) continue;
    for (const n of [d.namespace, ...(d.otherNamespaces ?? [])]) off.set(n.name, d.key);
  }
  return env.access.flatMap((entry, i) =>
    Object.keys(entry.namespaces)
      .filter((namespace) => off.has(namespace))
      .map((namespace) =>
        error(
          'RELEASE_OFF_ACCESS',
          ['access', i, 'namespaces', namespace],
          `access[${i}] grants a role on namespace ${namespace}, but releases.${off.get(namespace)}.enabled is false: the namespace is not created, and its RoleBinding would have nowhere to go.`,
          `Remove ${namespace} from access[${i}].namespaces, or turn releases.${off.get(namespace)} on.`,
        ),
      ),
  );
}
