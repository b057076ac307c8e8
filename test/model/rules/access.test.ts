// access[]: a role above view on a platform namespace is that release's cluster-wide power (issue 18.1),
// so validate refuses it unless the entry is privileged with a reason, and names the escalation path.
// Whoever can create pods in a namespace can run them as its service accounts (Kubernetes RBAC good
// practices, "Workload creation"); what those accounts hold is pinned against the rendered charts in
// test/verify/checks/rbac-escalation.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformNamespaceNames } from '../../../generator/catalog/index.ts';
import { loadEnvironmentTexts } from '../../../generator/load/load-environments.ts';
import { escalationPaths } from '../../../generator/model/rules/access.ts';
import { repoRoot } from '../../helpers/workspace.ts';

const files = ['numbers-prod', 'numbers-test'].map((name) => ({ file: `environments/${name}.yaml`, text: readFileSync(path.join(repoRoot, 'environments', `${name}.yaml`), 'utf8') }));
const prod = files[0]!.text;
const ACCESS = prod.slice(prod.indexOf('\naccess:\n') + 1);

/** numbers-prod with its access list replaced; the issues of the access rules only. */
function withAccess(access: string) {
  const text = prod.replace(ACCESS, access);
  expect(text).not.toBe(prod);
  const { issues, environments } = loadEnvironmentTexts([{ file: files[0]!.file, text }, files[1]!]);
  return { issues: issues.filter((i) => i.code.startsWith('ACCESS_')), environment: environments.find((e) => e.name === 'numbers-prod') };
}

const entry = (namespaces: Record<string, string>, extra = '') =>
  `access:\n  - group: c4f21b8e-5d37-4a96-8b0c-e9a1d6f37254\n    description: Platform on-call\n${extra}    namespaces:\n${Object.entries(namespaces)
    .map(([ns, role]) => `      ${ns}: ${role}\n`)
    .join('')}`;

describe('access to platform namespaces', () => {
  it('accepts the examples (numbers-prod grants view on velero and monitoring)', () => {
    const { issues } = loadEnvironmentTexts(files);
    expect(issues.filter((i) => i.code.startsWith('ACCESS_'))).toEqual([]);
  });

  it('refuses admin in velero, naming the path: the chart binds velero\'s service account to cluster-admin', () => {
    const { issues } = withAccess(entry({ velero: 'admin', monitoring: 'view' }));
    expect(issues.map((i) => [i.code, i.severity, i.path])).toEqual([['ACCESS_PLATFORM_ROLE', 'error', 'access.0.namespaces.velero']]);
    expect(issues[0]!.line).toBeGreaterThan(0);
    expect(issues[0]!.message).toMatch(/^access\[0\] grants admin in velero, a platform namespace: admin there can create pods, so it can run one as ServiceAccount velero\/velero, which the velero chart binds to cluster-admin \(ClusterRoleBinding velero-server\)/);
    // The Azure side of the same account: its token is the velero identity.
    expect(issues[0]!.message).toContain('whose token is the Azure identity id-numbers-prod-velero (Storage Blob Data Contributor on the backup storage account');
    expect(issues[0]!.hint).toBe('Grant view in velero; if this group must operate the release, set access[0].privileged: true and say why in access[0].reason.');
  });

  it('refuses edit in monitoring: the Prometheus operator starts pods anywhere and reads every Secret', () => {
    const { issues } = withAccess(entry({ monitoring: 'edit' }));
    expect(issues.map((i) => i.code)).toEqual(['ACCESS_PLATFORM_ROLE']);
    expect(issues[0]!.message).toContain('ServiceAccount monitoring/kube-prometheus-stack-operator, which reads every Secret and creates StatefulSets in every namespace');
  });

  it('refuses edit in external-dns (its Azure identity can rewrite the zone) and in monitoring-node-exporter (privileged pods)', () => {
    const { issues } = withAccess(entry({ 'external-dns': 'edit', 'monitoring-node-exporter': 'edit' }));
    expect(issues.map((i) => i.path)).toEqual(['access.0.namespaces.external-dns', 'access.0.namespaces.monitoring-node-exporter']);
    expect(issues[0]!.message).toContain('id-numbers-prod-external-dns (DNS Zone Contributor on the DNS zone');
    expect(issues[1]!.message).toContain('a privileged pod (Pod Security privileged: node-exporter reads the node');
  });

  it('takes view on every platform namespace, and edit or admin on app namespaces', () => {
    const all = Object.fromEntries([...platformNamespaceNames.map((ns) => [ns, 'view']), ['postfacto-v4-3-11', 'admin']]);
    expect(withAccess(entry(all)).issues).toEqual([]);
  });

  it('refuses edit on every platform namespace the catalog lists, each with at least one escalation path', () => {
    const { issues, environment } = withAccess(entry(Object.fromEntries(platformNamespaceNames.map((ns) => [ns, 'edit']))));
    expect(issues.map((i) => i.path)).toEqual(platformNamespaceNames.map((ns) => `access.0.namespaces.${ns}`));
    for (const ns of platformNamespaceNames) expect(escalationPaths(environment ?? loadEnvironmentTexts(files).environments[0]!, ns), ns).not.toEqual([]);
  });

  it('accepts a privileged entry with a reason', () => {
    expect(withAccess(entry({ velero: 'admin', monitoring: 'admin' }, '    privileged: true\n    reason: break-glass restores by the platform on-call\n')).issues).toEqual([]);
  });

  it('refuses privileged without a reason, a reason without privileged, and privileged that grants nothing above view', () => {
    expect(withAccess(entry({ velero: 'admin' }, '    privileged: true\n')).issues.map((i) => [i.code, i.path])).toEqual([['ACCESS_PRIVILEGED_REASON', 'access.0.privileged']]);
    expect(withAccess(entry({ velero: 'view' }, '    reason: on call\n')).issues.map((i) => [i.code, i.path])).toEqual([['ACCESS_PRIVILEGED_REASON', 'access.0.reason']]);
    const unused = withAccess(entry({ velero: 'view', 'postfacto-v4-3-11': 'admin' }, '    privileged: true\n    reason: on call\n')).issues;
    expect(unused.map((i) => [i.code, i.path])).toEqual([['ACCESS_PRIVILEGED_UNUSED', 'access.0.privileged']]);
    expect(unused[0]!.message).toMatch(/would silently admit the next edit or admin/);
  });
});
