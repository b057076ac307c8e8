// VERIFY_RBAC_ESCALATION: a subject that can start pods (or exec, tokens, impersonation) in a
// namespace acts as its service accounts (Kubernetes RBAC good practices, "Workload creation" and
// "Escalation paths"); when one of those holds cluster-wide power, the namespace grant is that power.
// RBAC evaluated as the API server's authorizer does (rbac.go RuleAllows, evaluation_helpers.go:
// wildcards, */subresource, resourceNames, aggregated ClusterRoles, built-in admin/edit/view).
import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import type { Environment } from '../../../generator/model/environment.ts';
import { PLATFORM_SERVICE_ACCOUNTS } from '../../../generator/model/rules/access.ts';
import { indexOf } from '../../../generator/verify/checks/model/cluster.ts';
import { rbacOf, ruleAllows } from '../../../generator/verify/checks/model/rbac.ts';
import { powersOf, RBAC_ESCALATION, rbacEscalationCheck } from '../../../generator/verify/checks/rbac-escalation.ts';
import type { ClusterState } from '../../../generator/verify/types.ts';
import { describeWithCharts } from '../../helpers/charts.ts';
import { exampleStates } from '../cluster-states.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, deployment, environment, inGit, inRelease, namespace, secret } from './helpers/state.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const GROUP = '5e0c1d2a-9b8f-4e7d-a6c5-3b2a1f0e9d8c';
type Rule = { verbs: string[]; apiGroups?: string[]; resources: string[]; resourceNames?: string[] };
const rule = (r: Rule) => ({ apiGroups: [''], ...r });

const role = (ns: string, name: string, rules: Rule[]): KubeObject => ({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace: ns }, rules: rules.map(rule) });
const clusterRole = (name: string, rules: Rule[], labels?: Record<string, string>): KubeObject => ({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name, ...(labels && { labels }) }, rules: rules.map(rule) });
const sa = (ns: string, name: string) => ({ kind: 'ServiceAccount', name, namespace: ns });
const group = (name = GROUP) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
const roleBinding = (ns: string, name: string, ref: { kind: 'Role' | 'ClusterRole'; name: string }, ...subjects: object[]): KubeObject => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref },
  subjects,
});
const clusterBinding = (name: string, roleName: string, ...subjects: object[]): KubeObject => ({ apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects });
const serviceAccount = (ns: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });

/** A "tools" release whose service account a chart binds to `powerful` (cluster-admin unless told). */
const tools = (powerful: KubeObject[] = [clusterBinding('tools-admin', 'cluster-admin', sa('tools', 'runner'))]) =>
  inRelease('tools/tools', 'infrastructure-controllers', namespace('tools'), serviceAccount('tools', 'runner'), ...powerful);
/** A team's grant in tools, as Slipway's access RoleBindings look (from git). */
const grant = (roleName: string, ns = 'tools') => inGit('infrastructure-controllers', roleBinding(ns, `slipway-${roleName}-5e0c1d2a`, { kind: 'ClusterRole', name: roleName }, group()));
type Item = Parameters<typeof clusterState>[0][number];
const state = (...items: Array<Item | readonly Item[]>) => clusterState(items.flat());

describe('RBAC escalation', () => {
  checkCases(rbacEscalationCheck, [
    {
      name: 'admin in a namespace whose service account is cluster-admin (built-in admin aggregates edit: create pods)',
      code: RBAC_ESCALATION,
      broken: () => state(tools(), grant('admin')),
      fixed: () => state(tools(), grant('view')),
      says: /^Group 5e0c1d2a-9b8f-4e7d-a6c5-3b2a1f0e9d8c can create pods in tools \(ClusterRole admin through RoleBinding tools\/slipway-admin-5e0c1d2a\), so it can run pods as ServiceAccount tools\/runner, which holds every verb on every resource \(ClusterRole cluster-admin through ClusterRoleBinding tools-admin\): a grant in one namespace is control of the whole cluster\.$/,
    },
    {
      name: 'a service account that lists every Secret (ClusterRoleBinding) is a finding too',
      code: RBAC_ESCALATION,
      broken: () => state(tools([clusterRole('secret-reader', [{ verbs: ['list', 'watch'], resources: ['secrets'] }]), clusterBinding('tools-secrets', 'secret-reader', sa('tools', 'runner'))]), grant('edit')),
      // A RoleBinding to the same role grants it in tools only: nothing cluster-wide.
      fixed: () => state(tools([clusterRole('secret-reader', [{ verbs: ['list', 'watch'], resources: ['secrets'] }]), roleBinding('tools', 'tools-secrets', { kind: 'ClusterRole', name: 'secret-reader' }, sa('tools', 'runner'))]), grant('edit')),
      says: /which reads every Secret in the cluster \(ClusterRole secret-reader through ClusterRoleBinding tools-secrets\)/,
    },
    {
      name: 'wildcards: a Role with * on * in one namespace, a target with * verbs on * resources of every group',
      code: RBAC_ESCALATION,
      broken: () => state(tools([clusterRole('root', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]), clusterBinding('tools-root', 'root', sa('tools', 'runner'))]), inRelease('tools/tools', 'x', role('tools', 'all', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]), roleBinding('tools', 'team', { kind: 'Role', name: 'all' }, group()))),
      fixed: () => state(tools([clusterRole('root', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]), clusterBinding('tools-root', 'root', sa('tools', 'runner'))]), inRelease('tools/tools', 'x', role('tools', 'all', [{ verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] }]), roleBinding('tools', 'team', { kind: 'Role', name: 'all' }, group()))),
    },
    {
      name: "aggregation: a chart's ClusterRole labelled aggregate-to-view gives view exec, through the built-in view",
      code: RBAC_ESCALATION,
      broken: () => state(tools(), inRelease('tools/tools', 'x', clusterRole('tools-exec', [{ verbs: ['create'], resources: ['pods/exec'] }], { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' })), deployment('tools', 'runner', { app: 'runner' }, { serviceAccountName: 'runner' }), grant('view')),
      fixed: () => state(tools(), inRelease('tools/tools', 'x', clusterRole('tools-exec', [{ verbs: ['create'], resources: ['pods/exec'] }])), deployment('tools', 'runner', { app: 'runner' }, { serviceAccountName: 'runner' }), grant('view')),
      says: /can exec into the pods in tools \(ClusterRole view through RoleBinding tools\/slipway-view-5e0c1d2a\), which run as ServiceAccount tools\/runner/,
    },
    {
      name: 'exec reaches only the accounts pods run as',
      code: RBAC_ESCALATION,
      broken: () => state(tools(), deployment('tools', 'runner', { app: 'runner' }, { serviceAccountName: 'runner' }), inRelease('tools/tools', 'x', role('tools', 'exec', [{ verbs: ['create'], resources: ['*/exec'] }]), roleBinding('tools', 'team', { kind: 'Role', name: 'exec' }, group()))),
      fixed: () => state(tools(), deployment('tools', 'other', { app: 'other' }), inRelease('tools/tools', 'x', role('tools', 'exec', [{ verbs: ['create'], resources: ['*/exec'] }]), roleBinding('tools', 'team', { kind: 'Role', name: 'exec' }, group()))),
    },
    {
      name: 'tokens: create serviceaccounts/token for the named account (resourceNames), not for another',
      code: RBAC_ESCALATION,
      broken: () => state(tools(), inRelease('tools/tools', 'x', role('tools', 'tokens', [{ verbs: ['create'], resources: ['serviceaccounts/token'], resourceNames: ['runner'] }]), roleBinding('tools', 'team', { kind: 'Role', name: 'tokens' }, group()))),
      fixed: () => state(tools(), inRelease('tools/tools', 'x', role('tools', 'tokens', [{ verbs: ['create'], resources: ['serviceaccounts/token'], resourceNames: ['builder'] }]), roleBinding('tools', 'team', { kind: 'Role', name: 'tokens' }, group()))),
      says: /can create service account tokens in tools \(Role tools\/tokens through RoleBinding tools\/team\), such as one for ServiceAccount tools\/runner/,
    },
    {
      name: "a legacy token Secret of the account is readable by whoever reads the namespace's Secrets",
      code: RBAC_ESCALATION,
      broken: () => state(tools(), inRelease('tools/tools', 'x', { ...secret('tools', 'runner-token'), type: 'kubernetes.io/service-account-token', metadata: { name: 'runner-token', namespace: 'tools', annotations: { 'kubernetes.io/service-account.name': 'runner' } } }, role('tools', 'secrets', [{ verbs: ['get'], resources: ['secrets'] }]), roleBinding('tools', 'team', { kind: 'Role', name: 'secrets' }, group()))),
      fixed: () => state(tools(), inRelease('tools/tools', 'x', role('tools', 'secrets', [{ verbs: ['get'], resources: ['secrets'] }]), roleBinding('tools', 'team', { kind: 'Role', name: 'secrets' }, group()))),
    },
    {
      name: 'two hops: a team edits deployments in apps, whose account creates jobs in tools, whose account is cluster-admin (the account is a finding of its own)',
      code: RBAC_ESCALATION,
      count: 2,
      broken: () =>
        state(
          tools(),
          inRelease('apps/deployer', 'x', namespace('apps'), serviceAccount('apps', 'deployer'), role('tools', 'jobs', [{ verbs: ['create'], apiGroups: ['batch'], resources: ['jobs'] }]), roleBinding('tools', 'deployer-jobs', { kind: 'Role', name: 'jobs' }, sa('apps', 'deployer'))),
          grant('edit', 'apps'),
        ),
      fixed: () =>
        state(
          tools(),
          inRelease('apps/deployer', 'x', namespace('apps'), serviceAccount('apps', 'deployer'), role('tools', 'jobs', [{ verbs: ['get', 'list'], apiGroups: ['batch'], resources: ['jobs'] }]), roleBinding('tools', 'deployer-jobs', { kind: 'Role', name: 'jobs' }, sa('apps', 'deployer'))),
          grant('edit', 'apps'),
        ),
      says: /^Group 5e0c1d2a-9b8f-4e7d-a6c5-3b2a1f0e9d8c can create pods in apps .*, so it can run pods as ServiceAccount apps\/deployer, which can create jobs in tools \(Role tools\/jobs through RoleBinding tools\/deployer-jobs\), so it can run pods as ServiceAccount tools\/runner, which holds every verb/,
    },
    {
      name: 'a chart binding a service account (not only access groups) is a subject too',
      code: RBAC_ESCALATION,
      broken: () => state(tools(), inRelease('web/web', 'apps', namespace('web'), serviceAccount('web', 'web'), roleBinding('tools', 'web-pods', { kind: 'ClusterRole', name: 'edit' }, sa('web', 'web')))),
      fixed: () => state(tools(), inRelease('web/web', 'apps', namespace('web'), serviceAccount('web', 'web'), roleBinding('tools', 'web-pods', { kind: 'ClusterRole', name: 'view' }, sa('web', 'web')))),
      says: /^ServiceAccount web\/web can create pods in tools \(ClusterRole edit through RoleBinding tools\/web-pods\)/,
    },
  ]);

  it('judges no subject that starts pods in every namespace already (the controllers whose charts grant that)', () => {
    const controller = inRelease('ops/ops', 'x', namespace('ops'), serviceAccount('ops', 'ops'), clusterRole('ops', [{ verbs: ['create'], resources: ['pods'] }]), clusterBinding('ops', 'ops', sa('ops', 'ops')));
    expect(rbacEscalationCheck(state(tools(), controller))).toEqual([]);
  });

  it('counts as cluster-admin what leads there (impersonating groups, binding any ClusterRole, escalating one), and pods, tokens or impersonation everywhere as every service account', () => {
    const powers = (...rules: Rule[]) => {
      const s = state(inRelease('ops/ops', 'x', namespace('ops'), clusterRole('ops', rules), clusterBinding('ops', 'ops', sa('ops', 'ops'))));
      return powersOf(indexOf(s), { kind: 'ServiceAccount', name: 'ops', namespace: 'ops' }).map((h) => `${h.power}: ${h.what}`);
    };
    const rbacGroup = ['rbac.authorization.k8s.io'];
    expect(powers({ verbs: ['impersonate'], resources: ['groups'] })).toEqual(['cluster-admin: can impersonate any user or group, system:masters included']);
    expect(powers({ verbs: ['create'], apiGroups: rbacGroup, resources: ['clusterrolebindings'] }, { verbs: ['bind'], apiGroups: rbacGroup, resources: ['clusterroles'] })).toEqual(['cluster-admin: can bind any ClusterRole, cluster-admin included']);
    // bind limited to named roles is not "any ClusterRole".
    expect(powers({ verbs: ['create'], apiGroups: rbacGroup, resources: ['clusterrolebindings'] }, { verbs: ['bind'], apiGroups: rbacGroup, resources: ['clusterroles'], resourceNames: ['view'] })).toEqual([]);
    expect(powers({ verbs: ['patch', 'escalate'], apiGroups: rbacGroup, resources: ['clusterroles'] })).toEqual(['cluster-admin: can add any permission to a ClusterRole it holds']);
    expect(powers({ verbs: ['patch'], apiGroups: ['apps'], resources: ['daemonsets'] })).toEqual(['every-namespace: can patch daemonsets in every namespace']);
    expect(powers({ verbs: ['impersonate'], resources: ['serviceaccounts'] })).toEqual(['every-namespace: can impersonate any service account']);
    expect(powers({ verbs: ['get'], resources: ['secrets'] })).toEqual(['secrets: reads every Secret in the cluster']);
    expect(powers({ verbs: ['get'], resources: ['secrets'], resourceNames: ['one'] })).toEqual([]);
  });

  it("locates a finding about Slipway's access RoleBinding at access[i].namespaces.<ns>, and accepts a privileged entry", () => {
    const withAccess = (privileged: boolean): ClusterState => {
      const env: Environment = { ...environment, access: [{ group: GROUP, namespaces: { tools: 'admin' }, privileged, ...(privileged && { reason: 'operates tools' }) }] };
      return { ...state(tools(), grant('admin')), environment: env };
    };
    const [f] = rbacEscalationCheck(withAccess(false));
    expect(f).toMatchObject({ code: RBAC_ESCALATION, object: 'RoleBinding tools/slipway-admin-5e0c1d2a', cause: ['access', 0, 'namespaces', 'tools'] });
    expect(f!.hint).toBe('Grant at most view in tools (access[0].namespaces.tools); if the group must operate it, set access[0].privileged: true with a reason.');
    expect(rbacEscalationCheck(withAccess(true))).toEqual([]);
  });

  it('evaluates rules as the authorizer does: "*/sub" matches subresources only, resourceNames never match create', () => {
    const r = { verbs: ['create'], apiGroups: [''], resources: ['*/exec'], resourceNames: [] };
    expect(ruleAllows(r, 'create', '', 'pods/exec')).toBe(true);
    expect(ruleAllows(r, 'create', '', 'pods')).toBe(false);
    expect(ruleAllows({ ...r, resources: ['pods'], resourceNames: ['a'] }, 'create', '', 'pods')).toBe(false);
    expect(ruleAllows({ ...r, resources: ['*'], apiGroups: ['*'], verbs: ['*'] }, 'impersonate', 'x.io', 'anything/sub')).toBe(true);
    // The built-in edit role: writes pods, reads Secrets, mints tokens; view does none of it.
    const rbac = rbacOf(indexOf(state()));
    const allows = (roleName: string, verb: string, resource: string) => (rbac.clusterRoleRules(roleName) ?? []).some((x) => ruleAllows(x, verb, '', resource));
    expect([allows('edit', 'create', 'pods'), allows('edit', 'create', 'serviceaccounts/token'), allows('edit', 'impersonate', 'serviceaccounts'), allows('admin', 'create', 'pods/exec')]).toEqual([true, true, true, true]);
    expect([allows('view', 'create', 'pods'), allows('view', 'get', 'secrets'), allows('view', 'create', 'pods/exec')]).toEqual([false, false, false]);
  });
});

describeWithCharts('RBAC escalation over the rendered examples', () => {
  let states: ClusterState[] = [];
  beforeAll(async () => {
    states = (await exampleStates()).states;
  });

  it("holds validate's table of platform service accounts (PLATFORM_SERVICE_ACCOUNTS) to what the pinned charts bind", () => {
    for (const s of states) {
      const index = indexOf(s);
      for (const [ns, accounts] of Object.entries(PLATFORM_SERVICE_ACCOUNTS)) {
        for (const a of accounts) {
          const held = powersOf(index, { kind: 'ServiceAccount', name: a.account, namespace: ns }).map((h) => h.power);
          for (const power of a.powers) expect(held, `${s.environment.name} ${ns}/${a.account}`).toContain(power);
        }
      }
      // Grafana's RBAC is namespaced: its account no longer reads every Secret (grafana chart rbac.namespaced).
      expect(powersOf(index, { kind: 'ServiceAccount', name: 'kube-prometheus-stack-grafana', namespace: 'monitoring' })).toEqual([]);
    }
  });

  it('finds nothing in the examples, and finds admin on every platform namespace whose charts give its accounts cluster-wide power', () => {
    for (const s of states) {
      expect(rbacEscalationCheck(s), s.environment.name).toEqual([]);
      const admin = Object.keys(PLATFORM_SERVICE_ACCOUNTS).flatMap((ns) => grant('admin', ns));
      const found = rbacEscalationCheck({ ...s, objects: [...s.objects, ...clusterState(admin).objects] });
      expect(found.map((f) => f.object).sort(), s.environment.name).toEqual(Object.keys(PLATFORM_SERVICE_ACCOUNTS).map((ns) => `RoleBinding ${ns}/slipway-admin-5e0c1d2a`).sort());
      // velero's is cluster-admin outright; monitoring's operator reaches it by starting a pod in velero.
      expect(found.find((f) => f.object === 'RoleBinding monitoring/slipway-admin-5e0c1d2a')?.message).toMatch(/ServiceAccount monitoring\/kube-prometheus-stack-operator, which can create statefulsets in velero .* ServiceAccount velero\/velero, which holds every verb on every resource/);
    }
  });
});
