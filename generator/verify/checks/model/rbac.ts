// RBAC as the API server's authorizer evaluates it (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac,
// rbac.go RuleAllows and pkg/apis/rbac/v1/evaluation_helpers.go): a request is allowed when some rule of
// some role bound to the subject allows it. A ClusterRoleBinding grants its ClusterRole everywhere; a
// RoleBinding grants its Role, or a ClusterRole, in the binding's namespace only. A rule allows a verb
// and a resource when each list holds it or "*"; "*/<sub>" holds that subresource of any resource;
// with resourceNames it allows only requests for those names (so never create, whose request has no
// name). A ClusterRole with an aggregationRule holds the rules of every ClusterRole its selectors match
// (the clusterrole-aggregation controller), which may be aggregated themselves. Service accounts also
// get what is bound to system:serviceaccounts, system:serviceaccounts:<namespace> and
// system:authenticated. The cluster's built-in roles that bindings refer to are modelled below.
import type { KubeObject } from '../../../catalog/types.ts';
import { objectId, type RenderedObject } from '../../types.ts';
import type { ClusterIndex } from './cluster.ts';
import { list, map, maps, stringMap, text } from './data.ts';
import { matchesSelector } from './selectors.ts';

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
}

export interface Subject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  /** Service accounts only. */
  readonly namespace?: string;
}

export const subjectName = (s: Subject) => (s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`);
const subjectKey = (s: Subject) => `${s.kind}\u0000${s.namespace ?? ''}\u0000${s.name}`;

/** What one binding gives its subjects. */
export interface Grant {
  /** '*' for a ClusterRoleBinding, else the RoleBinding's namespace. */
  readonly scope: string;
  readonly rules: readonly PolicyRule[];
  /** The binding, as the cluster would hold it. */
  readonly binding: RenderedObject;
  /** "ClusterRole admin", "Role velero/velero-server". */
  readonly role: string;
}

// ---------------------------------------------------------------- built-in roles

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const rule = (verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[]) => ({ verbs, apiGroups, resources });
const aggregateTo = (role: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${role}`]: 'true' });
const clusterRole = (name: string, rest: { labels?: Record<string, string>; rules?: unknown[]; aggregateFrom?: string }): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, ...(rest.labels && { labels: rest.labels }) },
  ...(rest.rules && { rules: rest.rules }),
  ...(rest.aggregateFrom && { aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregateTo(rest.aggregateFrom) }] } }),
});

/**
 * The user-facing ClusterRoles every cluster has (kubernetes plugin/pkg/auth/authorizer/rbac/
 * bootstrappolicy/policy.go, clusterRoles(), as of v1.35): cluster-admin, and admin, edit and view,
 * which aggregate the system:aggregate-to-* roles (and any ClusterRole labelled like them, such as
 * cert-manager's). view's rule list is abbreviated to what it reads; it writes nothing.
 */
export const BUILT_IN_CLUSTER_ROLES: readonly KubeObject[] = [
  clusterRole('cluster-admin', { rules: [rule(['*'], ['*'], ['*']), { verbs: ['*'], nonResourceURLs: ['*'] }] }),
  clusterRole('admin', { aggregateFrom: 'admin' }),
  clusterRole('edit', { labels: aggregateTo('admin'), aggregateFrom: 'edit' }),
  clusterRole('view', { labels: aggregateTo('edit'), aggregateFrom: 'view' }),
  clusterRole('system:aggregate-to-admin', {
    labels: aggregateTo('admin'),
    rules: [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule([...READ, ...WRITE], ['rbac.authorization.k8s.io'], ['roles', 'rolebindings'])],
  }),
  clusterRole('system:aggregate-to-edit', {
    labels: aggregateTo('edit'),
    rules: [
      rule(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      rule(['create'], [''], ['pods/eviction']),
      rule(WRITE, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
      rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
      rule(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
      rule(WRITE, ['policy'], ['poddisruptionbudgets']),
      rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
    ],
  }),
  clusterRole('system:aggregate-to-view', {
    labels: aggregateTo('view'),
    rules: [
      rule(READ, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
      rule(READ, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log', 'namespaces']),
      rule(READ, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
    ],
  }),
];

// ---------------------------------------------------------------- rule evaluation

const strings = (v: unknown) => list(v).filter((x): x is string => typeof x === 'string');

function policyRules(v: unknown): PolicyRule[] {
  return maps(v).map((r) => ({ verbs: strings(r.verbs), apiGroups: strings(r.apiGroups), resources: strings(r.resources), resourceNames: strings(r.resourceNames) }));
}

/** rbac/v1 evaluation_helpers.go ResourceMatches: "*", the exact resource[/subresource], or "*\/<subresource>". */
function resourceMatches(rule: PolicyRule, resource: string): boolean {
  const slash = resource.indexOf('/');
  const sub = slash === -1 ? undefined : resource.slice(slash + 1);
  return rule.resources.some((r) => r === '*' || r === resource || (sub !== undefined && r === `*/${sub}`));
}

/** One rule allows the request (a nameless request, such as create, never matches a rule with resourceNames). */
export function ruleAllows(rule: PolicyRule, verb: string, apiGroup: string, resource: string, name?: string): boolean {
  return (
    (rule.verbs.includes('*') || rule.verbs.includes(verb)) &&
    (rule.apiGroups.includes('*') || rule.apiGroups.includes(apiGroup)) &&
    resourceMatches(rule, resource) &&
    (rule.resourceNames.length === 0 || (name !== undefined && rule.resourceNames.includes(name)))
  );
}

/** A request in a namespace ('*' for every namespace at once: only cluster-wide grants allow it). */
export interface Request {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name?: string;
}

/** The first grant that allows the request. */
export function allowing(grants: readonly Grant[], r: Request): Grant | undefined {
  return grants.find((g) => (g.scope === '*' || g.scope === r.namespace) && g.rules.some((rule) => ruleAllows(rule, r.verb, r.apiGroup, r.resource, r.name)));
}

// ---------------------------------------------------------------- the cluster's RBAC

export interface Rbac {
  /** Every subject some binding names, in a stable order. */
  readonly subjects: readonly Subject[];
  /** What the subject holds: its own bindings and, for a service account, its groups'. */
  grantsOf(subject: Subject): readonly Grant[];
  /** Service accounts a namespace has or that some binding names there (anyone who may create one gets it): "default" always. */
  serviceAccounts(namespace: string): readonly string[];
  /** The rules of a ClusterRole with aggregation applied (built-in roles when the render has none of that name). */
  clusterRoleRules(name: string): readonly PolicyRule[] | undefined;
  /** Every namespace the render uses or a binding names. */
  readonly namespaces: readonly string[];
}

const cache = new WeakMap<ClusterIndex, Rbac>();

export function rbacOf(index: ClusterIndex): Rbac {
  let rbac = cache.get(index);
  if (!rbac) {
    rbac = build(index);
    cache.set(index, rbac);
  }
  return rbac;
}

function build(index: ClusterIndex): Rbac {
  const rendered = index.ofKind('ClusterRole').filter((r) => r.object.apiVersion.startsWith('rbac.authorization.k8s.io/'));
  const roles = new Map<string, KubeObject>(BUILT_IN_CLUSTER_ROLES.map((o) => [o.metadata.name, o]));
  for (const r of rendered) roles.set(r.object.metadata.name, r.object);

  const memo = new Map<string, readonly PolicyRule[]>();
  const rulesOf = (name: string, visiting: ReadonlySet<string>): readonly PolicyRule[] | undefined => {
    const role = roles.get(name);
    if (!role) return undefined;
    const known = memo.get(name);
    if (known) return known;
    const aggregation = map((role as { aggregationRule?: unknown }).aggregationRule);
    const selectors = maps(aggregation.clusterRoleSelectors);
    let rules: readonly PolicyRule[];
    if (aggregation.clusterRoleSelectors === undefined) rules = policyRules((role as { rules?: unknown }).rules);
    else {
      // The aggregation controller replaces the role's rules with those of every matching ClusterRole.
      const next = new Set([...visiting, name]);
      rules = [...roles.values()]
        .filter((other) => !next.has(other.metadata.name) && selectors.some((s) => matchesSelector(s, stringMap(other.metadata.labels))))
        .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
        .flatMap((other) => rulesOf(other.metadata.name, next) ?? []);
    }
    if (visiting.size === 0) memo.set(name, rules);
    return rules;
  };
  const clusterRoleRules = (name: string) => rulesOf(name, new Set());

  const bySubject = new Map<string, Grant[]>();
  const subjects = new Map<string, Subject>();
  const named = new Map<string, Set<string>>();
  for (const kind of ['ClusterRoleBinding', 'RoleBinding'] as const) {
    for (const binding of index.ofKind(kind).filter((r) => r.object.apiVersion.startsWith('rbac.authorization.k8s.io/'))) {
      const o = binding.object as KubeObject & { roleRef?: unknown; subjects?: unknown };
      const namespace = kind === 'RoleBinding' ? (o.metadata.namespace ?? 'default') : '*';
      const ref = map(o.roleRef);
      const refName = text(ref.name) ?? '';
      const rules = ref.kind === 'Role' ? policyRules((index.get('Role', namespace, refName)?.object as { rules?: unknown } | undefined)?.rules) : (clusterRoleRules(refName) ?? []);
      const role = ref.kind === 'Role' ? `Role ${namespace}/${refName}` : `ClusterRole ${refName}`;
      for (const s of maps(o.subjects)) {
        const subjectKind = text(s.kind);
        if (subjectKind !== 'User' && subjectKind !== 'Group' && subjectKind !== 'ServiceAccount') continue;
        const subject: Subject = { kind: subjectKind, name: text(s.name) ?? '', ...(subjectKind === 'ServiceAccount' && { namespace: text(s.namespace) ?? (namespace === '*' ? 'default' : namespace) }) };
        subjects.set(subjectKey(subject), subject);
        if (subject.namespace) (named.get(subject.namespace) ?? named.set(subject.namespace, new Set()).get(subject.namespace)!).add(subject.name);
        const grants = bySubject.get(subjectKey(subject)) ?? [];
        grants.push({ scope: namespace, rules, binding, role });
        bySubject.set(subjectKey(subject), grants);
      }
    }
  }
  const groupGrants = (name: string) => bySubject.get(subjectKey({ kind: 'Group', name })) ?? [];
  const grantsOf = (s: Subject): Grant[] => [
    ...(bySubject.get(subjectKey(s)) ?? []),
    ...(s.kind === 'ServiceAccount' ? [...groupGrants('system:serviceaccounts'), ...groupGrants(`system:serviceaccounts:${s.namespace}`), ...groupGrants('system:authenticated')] : []),
  ];
  const accounts = new Map<string, Set<string>>();
  for (const r of index.ofKind('ServiceAccount')) {
    const ns = r.object.metadata.namespace ?? 'default';
    (accounts.get(ns) ?? accounts.set(ns, new Set()).get(ns)!).add(r.object.metadata.name);
  }
  const namespaces = [...new Set([...index.namespaces, ...named.keys()])].sort();
  const order = (a: Subject, b: Subject) => (subjectName(a) < subjectName(b) ? -1 : subjectName(a) > subjectName(b) ? 1 : 0);
  return {
    subjects: [...subjects.values()].sort(order),
    grantsOf,
    serviceAccounts: (namespace) => [...new Set(['default', ...(accounts.get(namespace) ?? []), ...(named.get(namespace) ?? [])])].sort(),
    clusterRoleRules,
    namespaces,
  };
}

/** "ClusterRole admin through RoleBinding velero/slipway-admin-c4f21b8e" */
export const grantName = (g: Grant) => `${g.role} through ${objectId(g.binding.object)}`;
