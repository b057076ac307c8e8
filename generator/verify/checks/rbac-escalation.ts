// VERIFY_RBAC_ESCALATION: no role in a namespace is a way to cluster-wide power. Whoever can start
// pods in a namespace (create pods or a workload that makes them, exec or attach into running pods,
// add ephemeral containers, create a service account token, impersonate a service account, read a
// service account's token Secret) acts as the service accounts there (kubernetes.io RBAC good
// practices, "Workload creation": "since Pods can run as any ServiceAccount, granting permission to
// create workloads also implicitly grants the API access levels of any service account in that
// namespace"; also its impersonate and serviceaccounts/token paths). When one of those service
// accounts holds cluster-wide power (every verb on every resource, any ClusterRole through bind,
// impersonation of users or groups, reading every Secret, or starting pods in every namespace),
// so does the subject: a finding, followed through any number of such hops. Subjects are every
// User, Group and ServiceAccount a binding names (Slipway's access[] RoleBindings and the charts').
// A subject that already starts pods in every namespace, or is cluster-admin, is every service
// account already: the controllers whose charts grant that are judged when their chart is pinned,
// not here. An access[] entry marked privileged (with the reason validate requires) is accepted.
// RBAC semantics: model/rbac.ts.
import type { Environment } from '../../model/environment.ts';
import { objectId, type Check, type ClusterState, type RenderedObject, type VerifyFinding } from '../types.ts';
import { indexOf, type ClusterIndex } from './model/cluster.ts';
import { stringMap, text } from './model/data.ts';
import { finding } from './model/finding.ts';
import { allowing, grantName, rbacOf, subjectName, type Grant, type Rbac, type Subject } from './model/rbac.ts';

export const RBAC_ESCALATION = 'VERIFY_RBAC_ESCALATION';

export type Power = 'cluster-admin' | 'every-namespace' | 'secrets';
const RANK: Readonly<Record<Power, number>> = { 'cluster-admin': 3, 'every-namespace': 2, secrets: 1 };

/** A cluster-wide power a subject holds itself, with the grant it comes from. */
export interface Held {
  readonly power: Power;
  /** "holds every verb on every resource", "reads every Secret in the cluster". */
  readonly what: string;
  readonly grant: Grant;
}

/** One way to act as a service account. */
interface Step {
  readonly to: Subject;
  /** "create pods in velero" */
  readonly how: string;
  /** "so it can run pods as", "which run as" */
  readonly link: string;
  readonly namespace: string;
  readonly grant: Grant;
}

interface Become {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  /** any: every service account of the namespace; running: those its pods run as; token-secret: those with a token Secret there. */
  readonly targets: 'any' | 'running' | 'token-secret';
  /** The request names the service account (its token, its impersonation). */
  readonly byName?: boolean;
  /** What the subject can do, and how that leads to the service account. */
  readonly say: (verb: string, namespace: string) => readonly [string, string];
}

const creates = (apiGroup: string, resource: string, verbs: readonly string[] = ['create', 'update', 'patch']): Become => ({
  apiGroup,
  resource,
  verbs,
  targets: 'any',
  say: (verb, ns) => [`${verb} ${resource} in ${ns}`, 'so it can run pods as'],
});

/** The requests that let a subject act as a service account of a namespace. */
const BECOME: readonly Become[] = [
  creates('', 'pods', ['create']),
  creates('', 'replicationcontrollers'),
  ...['deployments', 'replicasets', 'statefulsets', 'daemonsets'].map((r) => creates('apps', r)),
  ...['jobs', 'cronjobs'].map((r) => creates('batch', r)),
  // kubectl exec and attach: POST (create), or GET for websocket clients until Kubernetes requires create for both.
  { apiGroup: '', resource: 'pods/exec', verbs: ['create', 'get'], targets: 'running', say: (_v, ns) => [`exec into the pods in ${ns}`, 'which run as'] },
  { apiGroup: '', resource: 'pods/attach', verbs: ['create', 'get'], targets: 'running', say: (_v, ns) => [`attach to the pods in ${ns}`, 'which run as'] },
  { apiGroup: '', resource: 'pods/ephemeralcontainers', verbs: ['update', 'patch'], targets: 'running', say: (_v, ns) => [`add ephemeral containers to the pods in ${ns}`, 'which run as'] },
  { apiGroup: '', resource: 'serviceaccounts/token', verbs: ['create'], targets: 'any', byName: true, say: (_v, ns) => [`create service account tokens in ${ns}`, 'such as one for'] },
  { apiGroup: '', resource: 'serviceaccounts', verbs: ['impersonate'], targets: 'any', byName: true, say: (_v, ns) => [`impersonate service accounts in ${ns}`, 'such as'] },
  { apiGroup: '', resource: 'secrets', verbs: ['get', 'list', 'watch'], targets: 'token-secret', byName: true, say: (_v, ns) => [`read the token Secrets in ${ns}`, 'such as the one of'] },
];

const TOKEN_SECRET = 'kubernetes.io/service-account-token';

/** The service accounts the Become reaches in a namespace, with the object name a byName request names. */
function targetsOf(index: ClusterIndex, rbac: Rbac, b: Become, namespace: string): Array<{ account: string; name?: string }> {
  switch (b.targets) {
    case 'any':
      return rbac.serviceAccounts(namespace).map((account) => ({ account, ...(b.byName && { name: account }) }));
    case 'running':
      return [...new Set(index.podsIn(namespace).map((p) => text(p.spec.serviceAccountName) ?? text(p.spec.serviceAccount) ?? 'default'))].sort().map((account) => ({ account }));
    case 'token-secret':
      return index
        .ofKind('Secret')
        .filter((r) => (r.object.metadata.namespace ?? 'default') === namespace && (r.object as { type?: unknown }).type === TOKEN_SECRET)
        .flatMap((r) => {
          const account = stringMap(r.object.metadata.annotations)['kubernetes.io/service-account.name'];
          return account ? [{ account, name: r.object.metadata.name }] : [];
        });
  }
}

const memo = new WeakMap<ClusterIndex, Map<string, unknown>>();
/** A value computed once per index and key (a subject's steps and powers are asked for on every path through it). */
function once<T>(index: ClusterIndex, key: string, make: () => T): T {
  const m = memo.get(index) ?? memo.set(index, new Map()).get(index)!;
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}

/** The steps from a subject to the service accounts it can act as, namespace by namespace. */
const stepsFrom = (index: ClusterIndex, rbac: Rbac, subject: Subject): readonly Step[] => once(index, `steps ${subjectName(subject)}`, () => stepsOf(index, rbac, rbac.grantsOf(subject)));

function stepsOf(index: ClusterIndex, rbac: Rbac, grants: readonly Grant[]): Step[] {
  const out: Step[] = [];
  const seen = new Set<string>();
  for (const namespace of rbac.namespaces) {
    for (const b of BECOME) {
      for (const target of targetsOf(index, rbac, b, namespace)) {
        for (const verb of b.verbs) {
          const grant = allowing(grants, { verb, apiGroup: b.apiGroup, resource: b.resource, namespace, ...(target.name !== undefined && { name: target.name }) });
          // One step per account and binding: each binding that opens a path gets its own finding.
          const key = grant && `${namespace}/${target.account}/${objectId(grant.binding.object)}`;
          if (!grant || !key || seen.has(key)) continue;
          seen.add(key);
          const [how, link] = b.say(verb, namespace);
          out.push({ to: { kind: 'ServiceAccount', name: target.account, namespace }, how, link, namespace, grant });
          break;
        }
      }
    }
  }
  return out;
}

/** The cluster-wide powers a subject holds through its own bindings, strongest first. */
export const powersOf = (index: ClusterIndex, subject: Subject): readonly Held[] => once(index, `powers ${subjectName(subject)}`, () => ownPowers(index, subject));

function ownPowers(index: ClusterIndex, subject: Subject): Held[] {
  const grants = rbacOf(index).grantsOf(subject);
  const can = (verb: string, apiGroup: string, resource: string) => allowing(grants, { verb, apiGroup, resource, namespace: '*' });
  const out: Held[] = [];
  const add = (power: Power, what: string, grant: Grant | undefined) => {
    if (grant) out.push({ power, what, grant });
  };
  const all = grants.find((g) => g.scope === '*' && g.rules.some((r) => r.verbs.includes('*') && r.apiGroups.includes('*') && r.resources.includes('*') && r.resourceNames.length === 0));
  add('cluster-admin', 'holds every verb on every resource', all);
  if (!all) {
    add('cluster-admin', 'can impersonate any user or group, system:masters included', can('impersonate', '', 'groups') ?? can('impersonate', '', 'users'));
    const bindAny = can('create', 'rbac.authorization.k8s.io', 'clusterrolebindings') && can('bind', 'rbac.authorization.k8s.io', 'clusterroles');
    add('cluster-admin', 'can bind any ClusterRole, cluster-admin included', bindAny);
    const escalate = (can('update', 'rbac.authorization.k8s.io', 'clusterroles') ?? can('patch', 'rbac.authorization.k8s.io', 'clusterroles')) && can('escalate', 'rbac.authorization.k8s.io', 'clusterroles');
    add('cluster-admin', 'can add any permission to a ClusterRole it holds', escalate);
    for (const b of BECOME.filter((x) => x.targets === 'any' && !x.byName)) {
      const grant = b.verbs.map((v) => can(v, b.apiGroup, b.resource)).find((g) => g !== undefined);
      if (grant) {
        add('every-namespace', `can ${b.verbs.find((v) => can(v, b.apiGroup, b.resource))} ${b.resource} in every namespace`, grant);
        break;
      }
    }
    if (!out.some((h) => h.power === 'every-namespace')) add('every-namespace', 'can create a token for any service account', can('create', '', 'serviceaccounts/token'));
    if (!out.some((h) => h.power === 'every-namespace')) add('every-namespace', 'can impersonate any service account', can('impersonate', '', 'serviceaccounts'));
  }
  add('secrets', 'reads every Secret in the cluster', can('list', '', 'secrets') ?? can('watch', '', 'secrets') ?? can('get', '', 'secrets'));
  return out.sort((a, b) => RANK[b.power] - RANK[a.power]);
}

const subjectKey = (s: Subject) => subjectName(s);

interface Reached {
  readonly held: Held;
  readonly at: Subject;
  readonly path: readonly Step[];
}

/** Breadth first from the first steps: the shortest path to each power. */
function reach(index: ClusterIndex, rbac: Rbac, first: readonly Step[], start: Subject): Map<Power, Reached> {
  const found = new Map<Power, Reached>();
  const visited = new Set<string>([subjectKey(start)]);
  const queue: Array<{ at: Subject; path: Step[] }> = [];
  for (const step of first) {
    if (visited.has(subjectKey(step.to))) continue;
    visited.add(subjectKey(step.to));
    queue.push({ at: step.to, path: [step] });
  }
  while (queue.length > 0) {
    const { at, path } = queue.shift()!;
    for (const held of powersOf(index, at)) if (!found.has(held.power)) found.set(held.power, { held, at, path });
    for (const step of stepsFrom(index, rbac, at)) {
      if (visited.has(subjectKey(step.to))) continue;
      visited.add(subjectKey(step.to));
      queue.push({ at: step.to, path: [...path, step] });
    }
  }
  return found;
}

/** The access[] entry behind one of Slipway's access RoleBindings, if the binding is one. */
function accessEntryOf(env: Environment, binding: RenderedObject): { index: number; namespace: string; privileged: boolean } | undefined {
  if (binding.release || binding.object.kind !== 'RoleBinding') return undefined;
  const namespace = binding.object.metadata.namespace ?? 'default';
  const groups = ((binding.object as { subjects?: Array<{ kind?: unknown; name?: unknown }> }).subjects ?? []).filter((s) => s.kind === 'Group').map((s) => String(s.name).toLowerCase());
  const index = env.access.findIndex((e) => groups.includes(e.group) && Object.hasOwn(e.namespaces, namespace));
  return index === -1 ? undefined : { index, namespace, privileged: env.access[index]!.privileged };
}

const CONSEQUENCE: Readonly<Record<Power, string>> = {
  'cluster-admin': 'a grant in one namespace is control of the whole cluster',
  'every-namespace': 'a grant in one namespace runs pods as any service account of the cluster',
  secrets: "a grant in one namespace reads every Secret of the cluster (TLS keys, Key Vault-synced credentials, Flux's Git credentials)",
};

function describe(subject: Subject, r: Reached): string {
  const hops = r.path.map((s, i) => `${i === 0 ? `${subjectName(subject)} can` : ', which can'} ${s.how} (${grantName(s.grant)}), ${s.link} ${subjectName(s.to)}`).join('');
  return `${hops}, which ${r.held.what} (${grantName(r.held.grant)}): ${CONSEQUENCE[r.held.power]}.`;
}

function check(state: ClusterState): VerifyFinding[] {
  const index = indexOf(state);
  const rbac = rbacOf(index);
  const out: VerifyFinding[] = [];
  for (const subject of rbac.subjects) {
    const own = powersOf(index, subject);
    if (own.some((h) => h.power === 'cluster-admin' || h.power === 'every-namespace')) continue;
    const ownRank = Math.max(0, ...own.map((h) => RANK[h.power]));
    const steps = stepsFrom(index, rbac, subject);
    const bindings = [...new Map(steps.map((s) => [objectId(s.grant.binding.object), s.grant.binding])).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [, binding] of bindings) {
      const access = accessEntryOf(state.environment, binding);
      if (access?.privileged) continue;
      const reached = [...reach(index, rbac, steps.filter((s) => s.grant.binding === binding), subject).values()].filter((r) => RANK[r.held.power] > ownRank).sort((a, b) => RANK[b.held.power] - RANK[a.held.power]);
      const [worst] = reached;
      if (!worst) continue;
      const namespace = binding.object.metadata.namespace;
      const said = finding(state, binding, {
        code: RBAC_ESCALATION,
        severity: 'error',
        message: describe(subject, worst),
        hint: access
          ? `Grant at most view in ${access.namespace} (access[${access.index}].namespaces.${access.namespace}); if the group must operate it, set access[${access.index}].privileged: true with a reason.`
          : `Narrow what ${objectId(binding.object)} grants ${subjectName(subject)}${namespace ? ` in ${namespace}` : ''} (no pods, workloads, exec, attach or tokens), or keep service accounts with cluster-wide powers out of that namespace.`,
      });
      out.push(access ? { ...said, cause: ['access', access.index, 'namespaces', access.namespace] } : said);
    }
  }
  return out;
}

export const rbacEscalationCheck: Check = check;
