import { closest } from '../../load/suggest.ts';
import { namespacesOf, platform, platformNamespaceNames, workloadIdentities } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import { duplicates, error, type Finding } from './rule.ts';

/** A cluster-wide power, as verify's RBAC escalation check names it (verify/checks/rbac-escalation.ts). */
export type ServiceAccountPower = 'cluster-admin' | 'every-namespace' | 'secrets';

/**
 * What the pinned charts let the service accounts of each platform namespace do beyond it, as they
 * render with Slipway's values. Whoever can create pods (or workloads, exec, tokens) in the namespace
 * can act as them, so a role above view there is that power. test/verify/checks/rbac-escalation.test.ts
 * renders the charts and holds this table to what they bind.
 */
export const PLATFORM_SERVICE_ACCOUNTS: Readonly<Record<string, ReadonlyArray<{ readonly account: string; readonly powers: readonly ServiceAccountPower[]; readonly says: string }>>> = {
  velero: [{ account: 'velero', powers: ['cluster-admin'], says: 'which the velero chart binds to cluster-admin (ClusterRoleBinding velero-server)' }],
  monitoring: [
    { account: 'kube-prometheus-stack-operator', powers: ['every-namespace', 'secrets'], says: "which reads every Secret and creates StatefulSets in every namespace, so runs pods as any service account (velero's cluster-admin included)" },
    { account: 'kube-prometheus-stack-kube-state-metrics', powers: ['secrets'], says: 'which lists every Secret' },
  ],
  'cert-manager': [{ account: 'cert-manager', powers: ['every-namespace', 'secrets'], says: 'which reads every Secret and creates pods in every namespace' }],
  'ingress-nginx': [{ account: 'ingress-nginx', powers: ['secrets'], says: 'which reads every Secret (TLS keys included)' }],
};

const SCOPES: Readonly<Record<string, string>> = {
  'dns-zone': 'the DNS zone',
  'dns-resource-group': "the DNS zone's resource group",
  'node-resource-group': 'the node resource group',
  'backup-storage': 'the backup storage account',
};

/** Why a role above view in a platform namespace is more than that namespace: its service accounts' powers, Azure identities and Pod Security level. */
export function escalationPaths(env: Environment, namespace: string): string[] {
  const says = new Map<string, string[]>();
  const add = (account: string, what: string) => says.set(account, [...(says.get(account) ?? []), what]);
  for (const a of PLATFORM_SERVICE_ACCOUNTS[namespace] ?? []) add(a.account, a.says);
  for (const w of workloadIdentities.filter((i) => i.namespace === namespace)) {
    const roles = w.roles(env).map((r) => `${r.role} on ${SCOPES[r.scope] ?? r.scope}`);
    add(w.serviceAccount, `whose token is the Azure identity id-${env.name}-${w.key}${roles.length ? ` (${roles.join(', ')})` : ''}`);
  }
  const spec = platform.flatMap((d) => [d.namespace, ...(d.otherNamespaces ?? [])]).find((n) => n.name === namespace);
  const privileged = spec?.podSecurity === 'privileged' ? [`a privileged pod (Pod Security privileged: ${spec.reason ?? 'host access'}), which is root on its node`] : [];
  return [...[...says].map(([account, what]) => `ServiceAccount ${namespace}/${account}, ${what.join(', and ')}`), ...privileged];
}

/** Access grants name namespaces Slipway manages, each group appears once, and platform namespaces take view unless the entry is privileged. */
export function accessRules(env: Environment): Finding[] {
  const known = [...new Set([...platformNamespaceNames, ...namespacesOf(env).map((n) => n.name)])];
  const out: Finding[] = [];
  env.access.forEach((entry, i) => {
    let abovePlatformView = false;
    for (const [namespace, role] of Object.entries(entry.namespaces)) {
      if (!known.includes(namespace)) {
        const guess = closest(namespace, known);
        out.push(
          error('ACCESS_NAMESPACE_UNKNOWN', ['access', i, 'namespaces', namespace], `Namespace "${namespace}" is not managed by Slipway in this environment.`, guess ? `Did you mean "${guess}"?` : `Use one of: ${known.join(', ')}.`),
        );
        continue;
      }
      if (role === 'view' || !platformNamespaceNames.includes(namespace)) continue;
      abovePlatformView = true;
      if (entry.privileged) continue;
      const paths = escalationPaths(env, namespace);
      out.push(
        error(
          'ACCESS_PLATFORM_ROLE',
          ['access', i, 'namespaces', namespace],
          `access[${i}] grants ${role} in ${namespace}, a platform namespace: ${role} there can create pods, so it can run one as ${paths.length ? paths.join('; or as ') : "the release's service accounts"}. Platform namespaces take view at most.`,
          `Grant view in ${namespace}; if this group must operate the release, set access[${i}].privileged: true and say why in access[${i}].reason.`,
        ),
      );
    }
    if (entry.privileged && entry.reason === undefined) {
      out.push(error('ACCESS_PRIVILEGED_REASON', ['access', i, 'privileged'], `access[${i}] is privileged without a reason: reviewers cannot tell why the group needs platform-wide power.`, `Add access[${i}].reason, e.g. "break-glass restores by the platform on-call".`));
    }
    if (!entry.privileged && entry.reason !== undefined) {
      out.push(error('ACCESS_PRIVILEGED_REASON', ['access', i, 'reason'], `access[${i}] gives a reason but is not privileged: the reason would justify nothing.`, `Remove access[${i}].reason, or set access[${i}].privileged: true if the group needs edit or admin on a platform namespace.`));
    }
    if (entry.privileged && !abovePlatformView) {
      out.push(
        error(
          'ACCESS_PRIVILEGED_UNUSED',
          ['access', i, 'privileged'],
          `access[${i}] is privileged but grants no more than view on any platform namespace: the flag would silently admit the next edit or admin someone adds to it.`,
          `Remove access[${i}].privileged and access[${i}].reason.`,
        ),
      );
    }
  });
  for (const d of duplicates(env.access, (e) => e.group)) {
    out.push(error('ACCESS_DUPLICATE_GROUP', ['access', d.index, 'group'], `Group ${d.item.group} has two access entries (${d.first + 1} and ${d.index + 1}).`, 'Merge the namespaces of both entries into one.'));
  }
  return out;
}
