// Every reader of a Secret the Key Vault CSI driver syncs mounts the SecretProviderClass itself, on
// the objects the pinned charts render from Slipway's own values: the driver creates a synced Secret
// when a pod mounts the class and deletes it with the last such pod ("When all the pods consuming the
// secret are deleted, the Kubernetes secret is also deleted", Azure/secrets-store-csi-driver-provider-azure
// docs, configurations/sync-with-k8s-secrets), so a reader that relies on another workload's mount fails
// to start once that workload is gone.
import { beforeAll, expect, it } from 'vitest';
import { appReleases, platformReleases, releaseObjects } from '../../../generator/catalog/index.ts';
import { charts } from '../../../generator/catalog/charts.ts';
import type { Values } from '../../../generator/catalog/types.ts';
import { chartArchivePath } from '../../../generator/charts/chart-dir.ts';
import { podInputsCheck, REFERENCE_SECRET_SYNC } from '../../../generator/verify/checks/reference-pod-inputs.ts';
import { chartArchives, describeWithCharts } from '../../helpers/charts.ts';
import { helmPath, helmTemplate, kubePrometheusStackOnly } from './helpers/helm.ts';
import { clusterState, environment, inGit, inRelease } from './helpers/state.ts';

type Chart = (typeof charts)[keyof typeof charts];
let helm = '';
const render = (chart: Chart, release: string, ns: string, values: unknown) =>
  helmTemplate(helm, chartArchivePath(chartArchives!, chart.source.chart, chart.version), release, ns, values, environment.aks.kubernetesVersion).map((o) =>
    o.metadata.namespace || o.kind.startsWith('Cluster') || o.kind === 'CustomResourceDefinition' ? o : { ...o, metadata: { ...o.metadata, namespace: ns } },
  );
/** What the releases bring before their charts in a namespace: the SecretProviderClasses and the service accounts they trust. */
const classes = (ns: string) => releaseObjects(environment).base.filter((o) => (o.kind === 'SecretProviderClass' || o.kind === 'ServiceAccount') && o.metadata.namespace === ns);
const clone = <T>(v: T): T => structuredClone(v);
const syncFindings = (state: ReturnType<typeof clusterState>) => podInputsCheck(state).filter((f) => f.code === REFERENCE_SECRET_SYNC);

describeWithCharts("readers of synced Secrets, as the charts render Slipway's values", () => {
  beforeAll(async () => {
    helm = await helmPath();
  });

  it('kube-prometheus-stack: Grafana mounts its own class; without the mount its admin Secret never exists', () => {
    const release = platformReleases(environment).find((r) => r.name === 'kube-prometheus-stack')!;
    const v = release.values as { grafana: Values; alertmanager: Values };
    // Only Grafana and Alertmanager: rendering the whole chart takes seconds and adds nothing here.
    const only = (grafana: Values) => kubePrometheusStackOnly({ alertmanager: v.alertmanager, grafana });
    const state = (grafana: Values) =>
      clusterState([...inGit('infrastructure-controllers', ...classes('monitoring')), ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', ...render(charts.kubePrometheusStack, release.name, 'monitoring', only(grafana)))]);

    expect(podInputsCheck(state(v.grafana))).toEqual([]);
    const { extraSecretMounts, ...withoutMount } = v.grafana;
    expect(extraSecretMounts).toBeDefined();
    const broken = syncFindings(state(withoutMount));
    expect(broken.map((f) => `${f.severity} ${f.object}`)).toEqual(['error Deployment monitoring/kube-prometheus-stack-grafana']);
    expect(broken[0]!.message).toMatch(/reads Secret monitoring\/grafana-admin .*only the secretObjects of SecretProviderClass grafana-secrets create that Secret.*which no pod does, so it never exists/);
  });

  it("Postfacto: the web Deployment, the migrate Job and the admin Job each mount the instance's class", () => {
    const release = appReleases(environment)[0]!;
    const ns = release.namespace;
    const state = (values: Values) => clusterState([...inGit('infrastructure-controllers', ...classes(ns)), ...inRelease(`${ns}/${release.name}`, 'apps', ...render(charts.appTemplate, release.name, ns, values))]);
    const rendered = state(release.values);
    const readers = rendered.objects.filter((r) => r.release && JSON.stringify(r.object).includes(`"${release.name}-secrets"`)).map((r) => `${r.object.kind} ${r.object.metadata.name}`);
    expect(readers.sort()).toEqual([`Deployment ${release.name}-web`, `Job ${release.name}-admin`, `Job ${release.name}-migrate`].sort());
    expect(podInputsCheck(rendered)).toEqual([]);

    for (const controller of ['migrate', 'admin', 'web']) {
      const values = clone(release.values) as { persistence: { 'secrets-store': { advancedMounts: Record<string, unknown> } } };
      delete values.persistence['secrets-store'].advancedMounts[controller];
      const objects = syncFindings(state(values as Values)).map((f) => `${f.severity} ${f.object}`);
      // The web Deployment's pods are long-running: without them nothing keeps the Secret at all.
      expect(objects, controller).toEqual([`error ${controller === 'web' ? 'Deployment' : 'Job'} ${ns}/${release.name}-${controller}`]);
    }
  });
});
