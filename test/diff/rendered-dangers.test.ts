// The comparison of rendered objects and its danger flags, on objects written out here: every rule
// of RENDERED_DANGERS fires on the change it names and not on its neighbours (a hook Job, an object
// Helm keeps, a CRD from a crds/ folder), values helm generates on every render are left out, and
// paths are YAML-style and capped. rendered.test.ts runs the same through real charts.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { RENDERED_DANGERS } from '../../generator/diff/rendered-dangers.ts';
import { compareReleases, formatPath, MAX_PATHS, renderedKey, type ReleaseObjects } from '../../generator/diff/rendered.ts';

/** What helm-controller puts on every template object (verify/flux.ts): objects from crds/ and hooks lack it. */
const ORIGIN = { 'helm.toolkit.fluxcd.io/name': 'app', 'helm.toolkit.fluxcd.io/namespace': 'flux-system' };

const object = (kind: string, name: string, fields: Record<string, unknown> = {}, metadata: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(kind === 'Namespace' || kind === 'CustomResourceDefinition' ? {} : { namespace: 'apps' }), labels: ORIGIN, ...metadata },
  ...fields,
});

/** One release "app" holding the objects. */
const side = (...objects: KubeObject[]): ReleaseObjects => new Map([['app', new Map(objects.map((o) => [renderedKey(o), o]))]]);

const compare = (before: KubeObject[], after: KubeObject[]) => compareReleases(side(...before), side(...after));
const flagged = (before: KubeObject[], after: KubeObject[]) => compare(before, after).dangers.map((d) => [d.kind, d.what]);

const deployment = (labels: Record<string, string>, replicas = 1) => object('Deployment', 'web', { spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels } } } });

describe('rendered objects: comparison', () => {
  it('lists added, removed and changed objects per release, with YAML-style paths', () => {
    const result = compare([deployment({ app: 'web' }), object('ConfigMap', 'old')], [deployment({ app: 'web' }, 3), object('Service', 'web', { spec: { type: 'ClusterIP' } })]);
    expect(result.releases).toEqual([{ release: 'app', added: ['Service/apps/web'], removed: ['ConfigMap/apps/old'], changed: [{ key: 'Deployment/apps/web', paths: ['spec.replicas'] }] }]);
    expect(result.dangers).toEqual([]);
    expect(formatPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(formatPath(['spec', 'containers', 0, 'env'])).toBe('spec.containers[0].env');
  });

  it('reports nothing for a release that renders the same objects, and lists releases added and removed whole', () => {
    const same = compareReleases(side(deployment({ app: 'web' })), side(deployment({ app: 'web' })));
    expect(same.releases).toEqual([]);
    const moved = compareReleases(new Map([['old', new Map([['ConfigMap/apps/x', object('ConfigMap', 'x')]])]]), new Map([['new', new Map([['ConfigMap/apps/x', object('ConfigMap', 'x')]])]]));
    expect(moved.releases).toEqual([
      { release: 'new', added: ['ConfigMap/apps/x'], removed: [], changed: [] },
      { release: 'old', added: [], removed: ['ConfigMap/apps/x'], changed: [] },
    ]);
  });

  it('caps the paths kept per object and counts the rest', () => {
    const data = (prefix: string) => Object.fromEntries(Array.from({ length: MAX_PATHS + 7 }, (_, i) => [`key-${String(i).padStart(3, '0')}`, `${prefix}${i}`]));
    const [changed] = compare([object('ConfigMap', 'big', { data: data('a') })], [object('ConfigMap', 'big', { data: data('b') })]).releases[0]!.changed;
    expect(changed!.paths).toHaveLength(MAX_PATHS);
    expect(changed!.morePaths).toBe(7);
  });

  it("leaves out values helm generates on every render (grafana's password and its checksum)", () => {
    const grafana = { labels: { ...ORIGIN, 'app.kubernetes.io/name': 'grafana' } };
    const secret = (password: string) => object('Secret', 'grafana', { data: { 'admin-password': password, 'admin-user': 'YWRtaW4=' } }, grafana);
    const pods = (sum: string) => object('Deployment', 'grafana', { spec: { template: { metadata: { annotations: { 'checksum/secret': sum, 'checksum/config': 'c1' } } } } }, grafana);
    expect(compare([secret('cmFuZDE='), pods('s1')], [secret('cmFuZDI='), pods('s2')]).releases).toEqual([]);
    // The same paths elsewhere, or other paths of the same objects, are real changes.
    expect(compare([object('Secret', 'other', { data: { 'admin-password': 'a' } })], [object('Secret', 'other', { data: { 'admin-password': 'b' } })]).releases[0]!.changed).toEqual([{ key: 'Secret/apps/other', paths: ['data.admin-password'] }]);
    expect(compare([pods('s1')], [object('Deployment', 'grafana', { spec: { template: { metadata: { annotations: { 'checksum/secret': 's2', 'checksum/config': 'c2' } } } } }, grafana)]).releases[0]!.changed).toEqual([
      { key: 'Deployment/apps/grafana', paths: ['spec.template.metadata.annotations["checksum/config"]'] },
    ]);
  });
});

describe('rendered objects: dangers', () => {
  it('keeps every rule in one list, each with a reason', () => {
    expect(RENDERED_DANGERS).toHaveLength(9);
  });

  it('flags a workload selector change as immutable, for Deployments, StatefulSets and DaemonSets', () => {
    expect(flagged([deployment({ app: 'web' })], [deployment({ app: 'web', tier: 'front' })])).toEqual([['immutable', 'Deployment apps/web (release app): spec.selector changes']]);
    const set = (kind: string, app: string) => object(kind, 'db', { spec: { selector: { matchLabels: { app } } } });
    expect(flagged([set('StatefulSet', 'a'), set('DaemonSet', 'a')], [set('StatefulSet', 'b'), set('DaemonSet', 'b')]).map(([, what]) => what)).toEqual([
      'DaemonSet apps/db (release app): spec.selector changes',
      'StatefulSet apps/db (release app): spec.selector changes',
    ]);
    const [danger] = compare([deployment({ app: 'web' })], [deployment({ app: 'x' })]).dangers;
    expect(danger!.reason).toMatch(/immutable: the API server rejects the change and the Helm upgrade fails/);
    // Only the selector: labels of the pod template alone are no danger.
    expect(flagged([deployment({ app: 'web' })], [object('Deployment', 'web', { spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', v: '2' } } } } })])).toEqual([]);
  });

  it('flags volumeClaimTemplates of a StatefulSet', () => {
    const sts = (size: string) => object('StatefulSet', 'db', { spec: { selector: { matchLabels: { app: 'db' } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: size } } } }] } });
    expect(flagged([sts('8Gi')], [sts('16Gi')])).toEqual([['immutable', 'StatefulSet apps/db (release app): volumeClaimTemplates change']]);
  });

  it('flags a claim removed or moved to another storage class, unless Helm keeps it', () => {
    const pvc = (storageClassName: string, annotations: Record<string, string> = {}) => object('PersistentVolumeClaim', 'data', { spec: { storageClassName } }, { annotations });
    expect(flagged([pvc('managed-csi')], [])).toEqual([['prune', 'PersistentVolumeClaim apps/data (release app) removed']]);
    expect(flagged([pvc('managed-csi', { 'helm.sh/resource-policy': 'keep' })], [])).toEqual([]);
    expect(flagged([pvc('managed-csi')], [pvc('managed-csi-premium')])).toEqual([['replace', 'PersistentVolumeClaim apps/data (release app): storage class managed-csi -> managed-csi-premium']]);
  });

  it("flags a Service's type and clusterIP changes", () => {
    const svc = (spec: Record<string, unknown>) => object('Service', 'web', { spec: { ports: [{ port: 80 }], ...spec } });
    expect(flagged([svc({})], [svc({ type: 'LoadBalancer' })])).toEqual([['replace', 'Service apps/web (release app): type ClusterIP -> LoadBalancer']]);
    expect(flagged([svc({ type: 'ClusterIP' })], [svc({})])).toEqual([]);
    expect(flagged([svc({ clusterIP: 'None' })], [svc({})])).toEqual([['immutable', 'Service apps/web (release app): clusterIP None -> unset']]);
  });

  it('flags a CustomResourceDefinition Helm deletes, naming the kind whose objects go with it', () => {
    const crd = (labels: Record<string, string>, annotations: Record<string, string> = {}) => object('CustomResourceDefinition', 'backups.velero.io', { spec: { names: { kind: 'Backup' } } }, { labels, annotations });
    const { dangers } = compare([crd(ORIGIN)], []);
    expect(dangers.map((d) => [d.kind, d.what])).toEqual([['prune', 'CustomResourceDefinition backups.velero.io (release app) removed']]);
    expect(dangers[0]!.reason).toContain('every Backup in the cluster');
    // From a crds/ folder (no origin labels): Helm never deletes it. Kept by policy: neither.
    expect(flagged([crd({})], [])).toEqual([]);
    expect(flagged([crd(ORIGIN, { 'helm.sh/resource-policy': 'keep' })], [])).toEqual([]);
  });

  it('flags a Namespace removed', () => {
    expect(flagged([object('Namespace', 'data')], [])).toEqual([['prune', 'Namespace data (release app) removed']]);
  });

  it("flags a Job's pod template change, not a hook Job's", () => {
    const job = (image: string, annotations: Record<string, string> = {}) => object('Job', 'migrate', { spec: { template: { spec: { containers: [{ name: 'm', image }] } } } }, { annotations });
    expect(flagged([job('app:1')], [job('app:2')])).toEqual([['immutable', 'Job apps/migrate (release app): pod template changes']]);
    expect(flagged([job('app:1', { 'helm.sh/hook': 'pre-upgrade' })], [job('app:2', { 'helm.sh/hook': 'pre-upgrade' })])).toEqual([]);
  });
});
