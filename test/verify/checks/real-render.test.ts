// The checks on objects the pinned charts really render (helm template, inside the test), where a
// chart decides what the check sees: node-exporter's host access, app-template's rawResources,
// Grafana's admin Secret as a secretKeyRef, app-template's NetworkPolicies around the HTTP-01 solver;
// then every check over both example environments, rendered as `slipway verify` renders them.
import { beforeAll, expect, it } from 'vitest';
import { appReleases } from '../../../generator/catalog/index.ts';
import { charts } from '../../../generator/catalog/charts.ts';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { chartArchivePath } from '../../../generator/charts/chart-dir.ts';
import { embeddedValidator } from '../../../generator/validate/embedded.ts';
import { checks } from '../../../generator/verify/checks/index.ts';
import { POD_SECURITY, podSecurityCheck } from '../../../generator/verify/checks/pod-security.ts';
import { reachabilityCheck, UNREACHABLE } from '../../../generator/verify/checks/reachability.ts';
import { podInputsCheck, REFERENCE_SECRET_SYNC } from '../../../generator/verify/checks/reference-pod-inputs.ts';
import { SCHEMA, schemaCheck, withoutNulls } from '../../../generator/verify/checks/schema.ts';
import type { ClusterState } from '../../../generator/verify/types.ts';
import { chartArchives, describeWithCharts } from '../../helpers/charts.ts';
import { exampleStates } from '../cluster-states.ts';
import { helmPath, helmTemplate, kubePrometheusStackOnly } from './helpers/helm.ts';
import { clusterState, environment, inGit, inRelease, namespace, networkPolicy } from './helpers/state.ts';

type Chart = (typeof charts)[keyof typeof charts];
let helm = '';
const render = (chart: Chart, release: string, ns: string, values: unknown) =>
  helmTemplate(helm, chartArchivePath(chartArchives!, chart.source.chart, chart.version), release, ns, values, environment.aks.kubernetesVersion).map((o) =>
    o.metadata.namespace || ['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'IngressClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'Namespace'].includes(o.kind)
      ? o
      : { ...o, metadata: { ...o.metadata, namespace: ns } },
  );

describeWithCharts('the checks on real charts', () => {
  beforeAll(async () => {
    helm = await helmPath();
  });

  it('Pod Security: node-exporter (hostNetwork, hostPID, hostPath) in a baseline namespace, and in its own privileged one', () => {
    const kps = (values: Record<string, unknown>) => inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', ...render(charts.kubePrometheusStack, 'kube-prometheus-stack', 'monitoring', kubePrometheusStackOnly(values)));
    const broken = podSecurityCheck(clusterState([namespace('monitoring', 'baseline'), ...kps({ nodeExporter: { enabled: true } })]));
    expect(broken.map((f) => f.code)).toEqual(Array(broken.length).fill(POD_SECURITY));
    expect(broken.map((f) => f.object)).toEqual(Array(broken.length).fill('DaemonSet monitoring/kube-prometheus-stack-prometheus-node-exporter'));
    const said = broken.map((f) => f.message).join('\n');
    for (const field of ['hostNetwork to true', 'hostPID to true', '.hostPath to "/proc"', 'hostPort to 9100']) expect(said).toContain(field);

    const fixed = clusterState([namespace('monitoring', 'baseline'), namespace('monitoring-node-exporter', 'privileged'), ...kps({ nodeExporter: { enabled: true }, 'prometheus-node-exporter': { namespaceOverride: 'monitoring-node-exporter' } })]);
    expect(podSecurityCheck(fixed)).toEqual([]);
  });

  it("Schema: app-template 4.1.1 writes a rawResource's spec at the top of the object", () => {
    const hpa = { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-main' }, minReplicas: 1, maxReplicas: 2 };
    const app = (spec: unknown) =>
      clusterState(
        inRelease(
          'postfacto-main/postfacto-main',
          'apps',
          ...render(charts.appTemplate, 'demo', 'postfacto-main', {
            controllers: { main: { containers: { app: { image: { repository: 'nginx', tag: '1.27' } } } } },
            rawResources: { autoscaler: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', spec } },
          }),
        ),
      );
    const broken = schemaCheck(app(hpa));
    expect(broken.map((f) => `${f.code} ${f.object}`)).toEqual([`${SCHEMA} HorizontalPodAutoscaler postfacto-main/demo`]);
    expect(broken[0]?.message).toMatch(/\/maxReplicas is not a field of HorizontalPodAutoscaler/);
    expect(schemaCheck(app({ spec: hpa }))).toEqual([]);
  });

  it("References: Grafana's admin existingSecret, a secretKeyRef to a Secret only a SecretProviderClass syncs", () => {
    const spc: KubeObject = {
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: 'monitoring-secrets', namespace: 'monitoring' },
      spec: { provider: 'azure', secretObjects: [{ secretName: 'grafana-admin', type: 'Opaque', data: [{ key: 'admin-user', objectName: 'u' }, { key: 'admin-password', objectName: 'p' }] }] },
    };
    const grafana = (extra: Record<string, unknown>) =>
      clusterState([
        ...inGit('infrastructure-controllers', spc),
        ...inRelease('monitoring/kube-prometheus-stack', 'infrastructure-controllers', ...render(charts.kubePrometheusStack, 'kube-prometheus-stack', 'monitoring', kubePrometheusStackOnly({ grafana: { enabled: true, admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' }, ...extra } }))),
      ]);
    const broken = podInputsCheck(grafana({}));
    expect(broken.map((f) => `${f.severity} ${f.code} ${f.object}`)).toEqual([`error ${REFERENCE_SECRET_SYNC} Deployment monitoring/kube-prometheus-stack-grafana`]);
    const csi = { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'monitoring-secrets' } };
    expect(podInputsCheck(grafana({ extraSecretMounts: [{ name: 'secrets-store', mountPath: '/mnt/secrets-store', readOnly: true, csi }] }))).toEqual([]);
  });

  it("Reachability: the HTTP-01 solver in a Postfacto namespace that denies by default, with Slipway's own Postfacto values", () => {
    const release = appReleases(environment)[0]!;
    const ns = release.namespace;
    const solverPolicy = networkPolicy(ns, 'allow-acme-http01-solver', {
      podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8089, protocol: 'TCP' }] }],
    });
    const cluster = (policies: KubeObject[]): ClusterState =>
      clusterState([
        ...inGit('infrastructure-controllers', namespace('ingress-nginx', 'baseline'), namespace(ns, 'baseline')),
        ...inRelease('ingress-nginx/ingress-nginx', 'infrastructure-controllers', ...render(charts.ingressNginx, 'ingress-nginx', 'ingress-nginx', {})),
        ...inGit(
          'infrastructure-configs',
          { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-staging' }, spec: { acme: { solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }] } } },
          networkPolicy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
          ...policies,
        ),
        ...inRelease(`${ns}/${release.name}`, 'apps', ...render(charts.appTemplate, release.name, ns, release.values)),
      ]);
    const broken = reachabilityCheck(cluster([]));
    expect(broken.map((f) => f.code)).toEqual([UNREACHABLE]);
    expect(broken[0]?.message).toMatch(/HTTP-01 challenge, but the ingress controller \(Deployment ingress-nginx\/ingress-nginx-controller\) cannot reach .* on TCP 8089/);
    // With the solver admitted, every other path (controller to web, web to Redis, database and DNS) passes app-template's policies.
    expect(reachabilityCheck(cluster([solverPolicy]))).toEqual([]);
  });

  // How long the checks take is the bench's business (npm run bench: verify), never asserted here.
  it('over the example environments as the engine renders them: no errors, and the cut-down schemas agree with the full ones', async () => {
    const { states } = await exampleStates();
    expect(states.map((s) => s.objects.length).reduce((a, b) => a + b)).toBeGreaterThan(300);
    const findings = states.flatMap((s) => checks.flatMap((check) => check(s)));
    expect(findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.message}`)).toEqual([]);

    for (const { object } of states.flatMap((s) => s.objects)) {
      const full = await embeddedValidator(object.apiVersion, object.kind);
      if (!full || object.kind === 'CustomResourceDefinition') continue;
      expect(full(withoutNulls(object)), `${object.kind} ${object.metadata.name}`).toBe(true);
    }
  });
});
