// The render engine on the example environments, with the real helm and the pinned charts: what
// Flux would put into each cluster, the helmfile render agreeing with it, and renders shared.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EnvironmentError } from '../../generator/commands/command.ts';
import { buildClusterStates } from '../../generator/verify/cluster.ts';
import { placeholderGuid } from '../../generator/verify/terraform-inputs.ts';
import { objectId, type ClusterState, type RenderedObject } from '../../generator/verify/types.ts';
import { describeWithCharts } from '../helpers/charts.ts';
import { exampleStates, testCacheDir, verifyOptions, type ExampleStates } from './cluster-states.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const temp = mkdtempSync(path.join(os.tmpdir(), 'slipway-engine-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let result: ExampleStates;
const state = (name: string): ClusterState => result.states.find((s) => s.environment.name === name)!;
const find = (s: ClusterState, id: string): RenderedObject => {
  const found = s.objects.find((o) => objectId(o.object) === id);
  if (!found) throw new Error(`${s.environment.name} has no ${id}`);
  return found;
};
const get = (value: unknown, ...keys: Array<string | number>): any => keys.reduce((v: any, k) => v?.[k], value);
/** A Flux object by kind and name: which namespace Flux objects live in is the layout's choice. */
const fluxObject = (s: ClusterState, kind: string, name: string): RenderedObject => {
  const found = s.objects.filter((o) => o.object.kind === kind && o.object.metadata.name === name && !o.release);
  if (found.length !== 1) throw new Error(`${s.environment.name} has ${found.length} ${kind} named ${name}`);
  return found[0]!;
};
/** The release field of what a HelmRelease rendered. */
const releaseOf = (s: ClusterState, name: string) => ({ name, namespace: fluxObject(s, 'HelmRelease', name).object.metadata.namespace! });

describeWithCharts('the cluster state of the example environments', () => {
  beforeAll(async () => {
    result = await exampleStates();
  }, 120_000);

  it('renders every example without a finding: every release renders, helmfile and Flux agree object for object', () => {
    expect(result.findings).toEqual([]);
    expect(result.states.map((s) => s.environment.name)).toEqual(result.environments.map((e) => e.name));
    expect(result.states.map((s) => s.environment.name)).toEqual(expect.arrayContaining(['dora-staging', 'numbers-prod', 'numbers-test']));
  });

  it('holds the Flux Kustomizations, chained, and the objects each applies from git with the file that carries it', () => {
    const prod = state('numbers-prod');
    expect(prod.kustomizations).toEqual([
      { name: 'slipway-slipway', path: './out/numbers-prod/flux', dependsOn: [], wait: true, timeout: '10m' },
      { name: 'infrastructure-controllers', path: './out/numbers-prod/flux/infrastructure/controllers', dependsOn: [], wait: true, timeout: '20m' },
      { name: 'infrastructure-configs', path: './out/numbers-prod/flux/infrastructure/configs', dependsOn: ['infrastructure-controllers'], wait: true, timeout: '5m' },
      { name: 'apps', path: './out/numbers-prod/flux/apps', dependsOn: ['infrastructure-configs'], wait: true, timeout: '15m' },
    ]);
    expect(find(prod, 'Kustomization flux-system/apps')).toMatchObject({ kustomization: 'slipway-slipway', file: 'numbers-prod/flux/apps.yaml' });
    expect(find(prod, 'Namespace postfacto-v4-3-10')).toMatchObject({ kustomization: 'infrastructure-controllers', file: 'numbers-prod/flux/infrastructure/controllers/namespace-postfacto-v4-3-10.yaml' });
    expect(find(prod, 'ClusterIssuer letsencrypt-production').kustomization).toBe('infrastructure-configs');
    // The environment's patch carries the release; the shared base carries its unpatched source.
    expect(fluxObject(prod, 'HelmRelease', 'postfacto-v4-3-10')).toMatchObject({ kustomization: 'apps', file: 'numbers-prod/flux/apps/postfacto-v4-3-10/values.yaml' });
    expect(fluxObject(prod, 'OCIRepository', 'app-template-postfacto').kustomization).toBe('apps');
    expect(fluxObject(prod, 'OCIRepository', 'app-template-postfacto').file).toMatch(/^base\/postfacto\//);
    // Git objects carry no trace of how verify attributed them.
    expect(JSON.stringify(prod.objects.map((o) => o.object))).not.toContain('verify.slipway.io');
  });

  it('renders the Postfacto Deployments with the real app-template chart, labelled as helm-controller labels them', () => {
    const prod = state('numbers-prod');
    const web = find(prod, 'Deployment postfacto-v4-3-10/postfacto-v4-3-10-web');
    const release = releaseOf(prod, 'postfacto-v4-3-10');
    expect(web).toMatchObject({ kustomization: 'apps', release, file: 'numbers-prod/flux/apps/postfacto-v4-3-10/values.yaml' });
    expect(get(web.object, 'spec', 'template', 'spec', 'containers', 0, 'image')).toBe('postfacto/postfacto:4.3.10');
    expect(web.object.metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': 'postfacto-v4-3-10',
      'helm.toolkit.fluxcd.io/name': 'postfacto-v4-3-10',
      'helm.toolkit.fluxcd.io/namespace': release.namespace,
    });
    const test = state('numbers-test');
    expect(find(test, 'Deployment postfacto-main/postfacto-main-web').release).toEqual(releaseOf(test, 'postfacto-main'));
  });

  it('holds the CRDs kube-prometheus-stack installs, unlabelled (crds/ is not post-rendered), and the release says it installs them', () => {
    for (const s of result.states) {
      const crd = find(s, 'CustomResourceDefinition prometheuses.monitoring.coreos.com');
      expect(crd.release).toEqual(releaseOf(s, 'kube-prometheus-stack'));
      expect(crd.object.metadata.labels?.['helm.toolkit.fluxcd.io/name']).toBeUndefined();
      const node = s.releases.find((r) => r.name === 'kube-prometheus-stack')!;
      expect(node).toMatchObject({ ...releaseOf(s, 'kube-prometheus-stack'), kustomization: 'infrastructure-controllers' });
      expect(node.installsCrds).toEqual(expect.arrayContaining(['monitoring.coreos.com/Prometheus', 'monitoring.coreos.com/ServiceMonitor', 'monitoring.coreos.com/PrometheusRule']));
      expect(s.releases.find((r) => r.name === 'cert-manager')!.installsCrds).toEqual(expect.arrayContaining(['cert-manager.io/ClusterIssuer', 'cert-manager.io/Certificate']));
    }
  });

  it('substitutes the post-build variables: known values as Terraform sets them, client IDs as GUID-shaped placeholders', () => {
    const prod = state('numbers-prod');
    const spc = find(prod, 'SecretProviderClass monitoring/grafana-secrets');
    expect(get(spc.object, 'spec', 'parameters', 'clientID')).toBe(placeholderGuid('SECRETS_GRAFANA_CLIENT_ID'));
    expect(placeholderGuid('SECRETS_GRAFANA_CLIENT_ID')).toMatch(GUID);
    const velero = find(prod, 'ServiceAccount velero/velero');
    expect(velero.object.metadata.annotations?.['azure.workload.identity/client-id']).toBe(placeholderGuid('VELERO_CLIENT_ID'));
    const infrastructure = find(prod, 'Kustomization flux-system/infrastructure-controllers');
    expect(get(infrastructure.object, 'spec', 'postBuild', 'substitute', 'DNS_ZONE_NAME')).toBe('retro.numbers.example.com');
    for (const s of result.states) {
      // Git objects and the values Flux hands to helm: nothing left to substitute.
      for (const o of s.objects.filter((o) => !o.release)) expect(JSON.stringify(o.object), objectId(o.object)).not.toContain('${');
      // Rendered objects may hold ${...} of their own (Grafana dashboards), never one of the variables.
      const variables = new RegExp(`\\$\\{(${s.substitutions.join('|')})\\b`);
      for (const o of s.objects) expect(JSON.stringify(o.object), objectId(o.object)).not.toMatch(variables);
    }
  });

  it('renders a chart against the CRDs the environment installs where its templates test for them (velero ServiceMonitor)', () => {
    for (const s of result.states) {
      const monitor = find(s, 'ServiceMonitor velero/velero');
      expect(monitor.release).toEqual(releaseOf(s, 'velero'));
    }
  });

  it('places every namespaced object in a namespace, and cluster-scoped ones in none', () => {
    for (const s of result.states) {
      for (const { object } of s.objects) {
        const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ClusterIssuer', 'IngressClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(object.kind);
        expect(object.metadata.namespace === undefined, objectId(object)).toBe(clusterScoped);
      }
    }
  });

  it('reads the contract with Terraform: the variables the aks stack sets and the Key Vault secrets the stacks write', () => {
    const prod = state('numbers-prod');
    expect(prod.substitutions).toEqual(expect.arrayContaining(['DNS_ZONE_NAME', 'KEY_VAULT_NAME', 'SECRETS_GRAFANA_CLIENT_ID', 'SECRETS_POSTFACTO_V4_3_10_CLIENT_ID', 'VELERO_CLIENT_ID', 'CERT_MANAGER_CLIENT_ID', 'EXTERNAL_DNS_CLIENT_ID']));
    // The identities the aks stack creates, each with the service accounts it trusts.
    expect(prod.identities.find((i) => i.key === 'secrets-grafana')).toEqual({ key: 'secrets-grafana', namespace: 'monitoring', serviceAccounts: ['kube-prometheus-stack-grafana'], clientId: placeholderGuid('SECRETS_GRAFANA_CLIENT_ID') });
    expect(prod.vaultSecrets).toEqual(expect.arrayContaining(['postgresql-administrator-password', 'postfacto-v4-3-10-secret-key-base', 'grafana-admin-password', 'postfacto-v4-3-10-database-password']));
  });

  it('lists the helmfile releases with their needs, in helmfile order', () => {
    const prod = state('numbers-prod');
    expect(prod.helmfile[0]).toEqual({ id: 'kube-system/platform-base', needs: [] });
    expect(prod.helmfile.find((n) => n.id === 'postfacto-v4-3-10/postfacto-v4-3-10')!.needs).toEqual(expect.arrayContaining(['kube-system/platform-base', 'kube-system/platform-config', 'cert-manager/cert-manager']));
  });

  it('renders each distinct input once: every helmfile release from a chart repository reuses the Flux render', () => {
    const { stats } = result;
    expect(stats.renders.length).toBe(stats.rendersRun);
    expect(stats.renders.reduce((n, r) => n + r.requests, 0)).toBe(stats.rendersRun + stats.rendersReused);
    for (const name of ['kube-prometheus-stack', 'postfacto-v4-3-10', 'postfacto-main', 'cert-manager', 'ingress-nginx']) {
      const renders = stats.renders.filter((r) => r.releaseName === name);
      // Each environment that has the release asks twice (its HelmRelease and helmfile); environments
      // whose values are the same (cert-manager in numbers-test and dora-staging) share one render.
      const having = result.states.filter((s) => s.releases.some((r) => r.name === name)).length;
      expect(renders.length, name).toBeGreaterThan(0);
      expect(renders.length, name).toBeLessThanOrEqual(having);
      for (const r of renders) expect(r.requests % 2, `${name} in ${r.namespace}`).toBe(0);
      expect(renders.reduce((n, r) => n + r.requests, 0), name).toBe(2 * having);
    }
    // The local charts exist for helmfile only: one of each per environment.
    const perEnvironment = result.states.map(() => ['platform-base', 'platform-config']).flat().sort();
    expect(stats.renders.filter((r) => r.chart.includes('@local-')).map((r) => r.releaseName).sort()).toEqual(perEnvironment);
  });
});

describeWithCharts('render sharing across environments', () => {
  it('renders a (chart, version, values) pair once however many environments ask for it', async () => {
    const { environments, files } = await exampleStates();
    const test = environments.find((e) => e.name === 'numbers-test')!;
    const twice = await buildClusterStates(files, [test, test], verifyOptions());
    expect(twice.stats.renders.length).toBe(twice.stats.rendersRun);
    // Every request was made by both copies: none rendered for the second.
    for (const r of twice.stats.renders) expect(r.requests % 2, `${r.chart} ${r.releaseName}`).toBe(0);
    expect(twice.states[1]!.objects.length).toBe(twice.states[0]!.objects.length);
  }, 120_000);
});

describeWithCharts('failures of the render', () => {
  it('a missing chart that cannot be pulled stops verify with an EnvironmentError naming it and the fix', async () => {
    const { environments, files } = await exampleStates();
    const empty = path.join(temp, 'no-charts');
    mkdirSync(empty);
    const offline = { ...process.env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', NO_PROXY: '', no_proxy: '', SLIPWAY_CACHE_DIR: testCacheDir };
    const options = verifyOptions({ chartDir: { dir: empty, from: '--charts' }, env: offline, cacheDir: path.join(temp, 'cache') });
    const error = await buildClusterStates(files, environments.slice(0, 1), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(new RegExp(`^The chart \\S+ \\S+ is not in ${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(--charts\\) or \\S+ and helm could not pull it from \\S+: .*pass --charts DIR\\.$`));
  }, 60_000);

  it('a helmfile release that renders differently from its HelmRelease is a finding naming the object and the difference', async () => {
    const { environments, files } = await exampleStates();
    const env = environments.find((e) => e.name === 'numbers-test')!;
    const tree = new Map(files);
    const valuesFile = 'numbers-test/helmfile/values/ingress-nginx.yaml';
    const original = tree.get(valuesFile)!;
    expect(original).toMatch(/^ {2}replicaCount: 1$/m);
    tree.set(valuesFile, original.replace(/^ {2}replicaCount: 1$/m, '  replicaCount: 3'));
    const { findings } = await buildClusterStates(tree, [env], verifyOptions());
    const helmRelease = releaseOf((await exampleStates()).states.find((s) => s.environment.name === 'numbers-test')!, 'ingress-nginx');
    // The chart adds a PodDisruptionBudget from two replicas on: helmfile has it, Flux does not.
    expect(findings.map((f) => f.object)).toEqual(['Deployment ingress-nginx/ingress-nginx-controller', 'PodDisruptionBudget ingress-nginx/ingress-nginx-controller']);
    expect(findings[1]!.message).toBe('numbers-test: PodDisruptionBudget ingress-nginx/ingress-nginx-controller is rendered by helmfile release ingress-nginx/ingress-nginx but Flux does not apply it.');
    expect(findings[1]!.file).toBe(valuesFile);
    expect(findings.slice(0, 1)).toEqual([
      {
        code: 'VERIFY_HELMFILE_DIFFERS',
        severity: 'error',
        message: `numbers-test: Deployment ingress-nginx/ingress-nginx-controller differs between helmfile release ingress-nginx/ingress-nginx and HelmRelease ${helmRelease.namespace}/ingress-nginx: spec.replicas: helmfile 3, Flux 1.`,
        hint: expect.stringContaining('compare numbers-test/helmfile with numbers-test/flux'),
        object: 'Deployment ingress-nginx/ingress-nginx-controller',
        release: 'ingress-nginx/ingress-nginx',
        file: 'numbers-test/flux/infrastructure/controllers/ingress-nginx-values.yaml',
      },
    ]);
  }, 60_000);

  it('a release whose values the chart refuses, and a chart that renders a document that is no object, become findings naming the release', async () => {
    const { environments } = await exampleStates();
    const env = environments.find((e) => e.name === 'numbers-test')!;
    const files = new Map<string, string>([
      ['numbers-test/flux/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - apps.yaml\n'],
      [
        'numbers-test/flux/apps.yaml',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./out/numbers-test/flux/apps\n  interval: 10m\n  sourceRef:\n    kind: GitRepository\n    name: slipway\n',
      ],
      ['numbers-test/flux/apps/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: demo\nresources:\n  - source.yaml\n  - release.yaml\n'],
      ['numbers-test/flux/apps/source.yaml', 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app-template\nspec:\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n  ref:\n    tag: 4.1.1\n'],
      ['numbers-test/flux/apps/release.yaml', 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: demo\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: app-template\n  values:\n    controllers: oops\n'],
      ['numbers-test/helmfile/helmfile.yaml', 'releases:\n  - name: bad\n    namespace: kube-system\n    chart: ./charts/bad\n'],
      ['numbers-test/helmfile/charts/bad/Chart.yaml', 'apiVersion: v2\nname: bad\nversion: 1.0.0\n'],
      ['numbers-test/helmfile/charts/bad/templates/thing.yaml', 'foo: bar\n'],
    ]);
    const { findings, states } = await buildClusterStates(files, [env], verifyOptions());
    expect(findings.map((f) => [f.code, f.release])).toEqual([
      ['VERIFY_HELM_TEMPLATE', 'demo/demo'],
      ['VERIFY_HELM_TEMPLATE', 'kube-system/bad'],
    ]);
    expect(findings[0]!.message).toMatch(/^HelmRelease demo\/demo does not render \(chart app-template 4\.1\.1\): values don't meet the specifications of the schema.*controllers/);
    expect(findings[0]!.file).toBe('numbers-test/flux/apps/release.yaml');
    expect(findings[1]!.message).toMatch(/^helmfile release kube-system\/bad does not render \(local chart bad\): bad\/templates\/thing\.yaml renders a document without apiVersion, kind and metadata\.name/);
    // The release is still part of the apply-order graph, with nothing rendered.
    expect(states[0]!.releases).toEqual([{ name: 'demo', namespace: 'demo', kustomization: 'apps', dependsOn: [], installsCrds: [] }]);
  }, 60_000);
});
