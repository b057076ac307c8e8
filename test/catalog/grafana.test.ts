// Grafana's exposure (issue 18.4): internal unless the environment protects it with Entra ID sign-in
// (Grafana [auth.azuread], docs configure-authentication/azuread) or a source allow-list
// (ingress-nginx whitelist-source-range, which needs externalTrafficPolicy: Local to see clients:
// AKS docs configure-load-balancer-standard.md); prod never exposes it behind the local password
// alone. Its RBAC is a Role in monitoring and its sidecars look there only (grafana chart 12.11.1
// rbac.namespaced, sidecar.*.searchNamespace; kube-prometheus-stack 88.5.3 sets searchNamespace: ALL).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { charts } from '../../generator/catalog/charts.ts';
import { platformObjects } from '../../generator/catalog/objects.ts';
import { platformReleases, releaseVaultSecrets, servedHosts } from '../../generator/catalog/index.ts';
import { GRAFANA_ENTRA_SECRET, SOURCE_RANGE_ANNOTATION } from '../../generator/catalog/kube-prometheus-stack.ts';
import type { KubeObject } from '../../generator/catalog/types.ts';
import { chartArchivePath } from '../../generator/charts/chart-dir.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import type { Environment } from '../../generator/model/environment.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { repoRoot } from '../helpers/workspace.ts';
import { helmPath, helmTemplate, kubePrometheusStackOnly } from '../verify/checks/helpers/helm.ts';

const read = (name: string) => ({ file: `environments/${name}.yaml`, text: readFileSync(path.join(repoRoot, 'environments', `${name}.yaml`), 'utf8') });
const prod = read('numbers-prod');
const test = read('numbers-test');
const PROD_GRAFANA = prod.text.slice(prod.text.indexOf('    grafana:\n'), prod.text.indexOf('    smtp:\n'));
const TEST_GRAFANA = '    grafana:\n      sourceRanges: [203.0.113.0/24] # office egress only; ingress-nginx then keeps client addresses\n';

/** An example with its releases.monitoring.grafana block replaced (or removed with ''). */
function load(base: { file: string; text: string }, grafana: string) {
  const original = base === prod ? PROD_GRAFANA : TEST_GRAFANA;
  expect(base.text).toContain(original);
  const { environments, issues } = loadEnvironmentTexts([{ file: base.file, text: base.text.replace(original, grafana) }]);
  return { env: environments[0], issues };
}
const envOf = (base: { file: string; text: string }, grafana: string): Environment => {
  const { env, issues } = load(base, grafana);
  if (!env) throw new Error(issues.map((i) => `${i.code} ${i.message}`).join('\n'));
  return env;
};

type Grafana = { 'grafana.ini'?: Record<string, Record<string, unknown>>; ingress?: { enabled?: boolean; annotations?: Record<string, string> }; rbac?: unknown; sidecar?: unknown };
const values = (env: Environment) => platformReleases(env).find((r) => r.name === 'kube-prometheus-stack')!.values as { grafana: Grafana };
const controllerService = (env: Environment) => (platformReleases(env).find((r) => r.name === 'ingress-nginx')!.values as { controller: { service: Record<string, unknown> } }).controller.service;
const policies = (env: Environment) => platformObjects(env).base.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'monitoring');

describe("Grafana's exposure", () => {
  it('is internal by default: no Ingress, no host, no root_url, and ingress-nginx keeps its default traffic policy', () => {
    const env = envOf(test, '');
    expect(env.releases.monitoring.grafana).toEqual({ exposure: 'internal', sourceRanges: [], entra: null });
    expect(values(env).grafana.ingress?.enabled).toBeUndefined();
    expect(values(env).grafana['grafana.ini']).toBeUndefined();
    expect(servedHosts(env).platform.map((h) => h.label)).not.toContain('Grafana');
    expect(controllerService(env).externalTrafficPolicy).toBeUndefined();
    // Nobody outside monitoring gets in, ingress-nginx included.
    expect(JSON.stringify(policies(env).find((p) => p.metadata.name === 'grafana'))).not.toContain('ingress-nginx');
  });

  it('with sourceRanges: an Ingress with the allow-list, and ingress-nginx keeps client addresses (externalTrafficPolicy Local)', () => {
    const env = envOf(test, '    grafana:\n      sourceRanges: [203.0.113.0/24, 198.51.100.16/28]\n');
    expect(values(env).grafana.ingress).toMatchObject({ enabled: true, annotations: { [SOURCE_RANGE_ANNOTATION]: '203.0.113.0/24,198.51.100.16/28' } });
    expect(controllerService(env).externalTrafficPolicy).toBe('Local');
    expect(values(env).grafana['grafana.ini']).toEqual({ server: { root_url: 'https://grafana.test.retro.numbers.example.com/' } });
    // The controller may reach Grafana, and cert-manager's HTTP-01 solver for its certificate (test issues with HTTP-01).
    expect(JSON.stringify(policies(env).find((p) => p.metadata.name === 'grafana'))).toContain('"kubernetes.io/metadata.name":"ingress-nginx"');
    expect(policies(env).map((p) => p.metadata.name)).toContain('allow-acme-http01-solver');
  });

  it('with entra: [auth.azuread] for the tenant, the client secret as a $__file{} of the monitoring class, the login form hidden', () => {
    const env = envOf(prod, PROD_GRAFANA);
    const ini = values(env).grafana['grafana.ini']!;
    const tenant = env.azure.tenantId;
    expect(ini.auth).toEqual({ disable_login_form: true });
    expect(ini['auth.azuread']).toMatchObject({
      enabled: true,
      client_id: '3f9a7c21-8e4b-4d16-b0a5-6c2e9d1f8a74',
      client_secret: `$__file{/mnt/secrets-store/${GRAFANA_ENTRA_SECRET}}`,
      auth_url: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
      token_url: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
      allowed_organizations: tenant,
      allowed_groups: '7a3e9c15-4b2d-4f8a-9e61-c0d5b8a2f394 c4f21b8e-5d37-4a96-8b0c-e9a1d6f37254',
      allow_assign_grafana_admin: false,
    });
    expect(ini.server).toEqual({ root_url: 'https://grafana.retro.numbers.example.com/' });
    expect(values(env).grafana.ingress?.annotations?.[SOURCE_RANGE_ANNOTATION]).toBeUndefined();
    expect(controllerService(env).externalTrafficPolicy).toBeUndefined();
    // Terraform writes the placeholder; the class mounts it where Grafana reads it.
    expect(releaseVaultSecrets(env).find((s) => s.name === GRAFANA_ENTRA_SECRET)).toMatchObject({ generate: false });
    const spc = platformObjects(env).base.find((o) => o.kind === 'SecretProviderClass' && o.metadata.name === 'grafana-secrets') as KubeObject & { spec: { parameters: { objects: string } } };
    expect(spc.spec.parameters.objects).toContain(`objectName: ${GRAFANA_ENTRA_SECRET}`);
  });

  it('always: namespaced RBAC, sidecars in monitoring only, no Alertmanager datasource', () => {
    for (const env of [envOf(test, ''), envOf(prod, PROD_GRAFANA)]) {
      expect(values(env).grafana.rbac).toEqual({ namespaced: true });
      expect(values(env).grafana.sidecar).toEqual({ dashboards: { searchNamespace: 'monitoring' }, datasources: { searchNamespace: 'monitoring', alertmanager: { enabled: false } } });
    }
  });

  it('refuses Grafana on the internet behind only its admin password in prod, warns elsewhere, and refuses options an internal Grafana ignores', () => {
    const exposed = '    grafana:\n      exposure: ingress\n';
    const inProd = load(prod, exposed).issues.filter((i) => i.code.includes('GRAFANA'));
    expect(inProd.map((i) => [i.code, i.severity, i.path])).toEqual([['PROD_GRAFANA_EXPOSED', 'error', 'releases.monitoring.grafana.exposure']]);
    expect(inProd[0]!.message).toMatch(/^Grafana is on the internet at grafana\.retro\.numbers\.example\.com behind only its local admin password/);
    expect(load(test, exposed).issues.filter((i) => i.code.includes('GRAFANA')).map((i) => [i.code, i.severity])).toEqual([['GRAFANA_PASSWORD_ONLY', 'warning']]);
    const conflict = load(test, '    grafana:\n      exposure: internal\n      sourceRanges: [203.0.113.0/24]\n').issues.filter((i) => i.code.includes('GRAFANA'));
    expect(conflict.map((i) => [i.code, i.path])).toEqual([['GRAFANA_EXPOSURE_CONFLICT', 'releases.monitoring.grafana.exposure']]);
    // Protected or internal: nothing to say.
    expect(load(prod, '').issues.filter((i) => i.code.includes('GRAFANA'))).toEqual([]);
    expect(load(prod, PROD_GRAFANA).issues.filter((i) => i.code.includes('GRAFANA'))).toEqual([]);
  });

  it('wants a group to sign in with Entra ID: allowedGroups is required', () => {
    const { issues } = load(prod, '    grafana:\n      entra:\n        clientId: 3f9a7c21-8e4b-4d16-b0a5-6c2e9d1f8a74\n');
    expect(issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.path])).toEqual([['SCHEMA_REQUIRED', 'releases.monitoring.grafana.entra.allowedGroups']]);
  });
});

describeWithCharts('Grafana and ingress-nginx as the pinned charts render them', () => {
  let helm = '';
  beforeAll(async () => {
    helm = await helmPath();
  });
  type Chart = (typeof charts)[keyof typeof charts];
  const render = (chart: Chart, release: string, ns: string, v: unknown) => helmTemplate(helm, chartArchivePath(chartArchives!, chart.source.chart, chart.version), release, ns, v, '1.35');
  /** kube-prometheus-stack with only Grafana. */
  const grafanaOnly = (grafana: Grafana) => kubePrometheusStackOnly({ grafana: { ...grafana, enabled: true } });

  it("prod's values: a Role in monitoring instead of a ClusterRole, sidecars watching monitoring, [auth.azuread] in grafana.ini", () => {
    const objects = render(charts.kubePrometheusStack, 'kube-prometheus-stack', 'monitoring', grafanaOnly(values(envOf(prod, PROD_GRAFANA)).grafana));
    const grafanaRbac = objects.filter((o) => /Role/.test(o.kind) && o.metadata.name.includes('grafana'));
    expect(grafanaRbac.map((o) => `${o.kind} ${o.metadata.namespace}`).sort()).toEqual(['Role monitoring', 'RoleBinding monitoring']);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'kube-prometheus-stack-grafana') as KubeObject & { spec: { template: { spec: { containers: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> } } } };
    for (const sidecar of ['grafana-sc-dashboard', 'grafana-sc-datasources']) {
      expect(deployment.spec.template.spec.containers.find((c) => c.name === sidecar)?.env?.find((e) => e.name === 'NAMESPACE')?.value, sidecar).toBe('monitoring');
    }
    const ini = String((objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kube-prometheus-stack-grafana') as { data?: Record<string, string> }).data?.['grafana.ini']);
    expect(ini).toContain('[auth.azuread]');
    expect(ini).toContain(`client_secret = $__file{/mnt/secrets-store/${GRAFANA_ENTRA_SECRET}}`);
    expect(ini).toContain('root_url = https://grafana.retro.numbers.example.com/');
    const datasources = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_datasource === '1') as { data?: Record<string, string> };
    expect(Object.values(datasources.data ?? {}).join('\n')).not.toContain('type: alertmanager');
  });

  it('refuses a literal client secret (assertNoLeakedSecrets), which is why Slipway writes $__file{}', () => {
    const leaked = values(envOf(prod, PROD_GRAFANA)).grafana;
    const ini = { ...leaked['grafana.ini'], 'auth.azuread': { ...leaked['grafana.ini']!['auth.azuread'], client_secret: 'hunter2' } };
    expect(() => render(charts.kubePrometheusStack, 'kube-prometheus-stack', 'monitoring', grafanaOnly({ ...leaked, 'grafana.ini': ini }))).toThrow(/Sensitive key 'auth.azuread.client_secret'/);
  });

  it("test's allow-list: the annotation on Grafana's Ingress and externalTrafficPolicy Local on the controller's Service", () => {
    const env = envOf(test, TEST_GRAFANA);
    const kps = render(charts.kubePrometheusStack, 'kube-prometheus-stack', 'monitoring', grafanaOnly(values(env).grafana));
    expect(kps.find((o) => o.kind === 'Ingress')?.metadata.annotations?.[SOURCE_RANGE_ANNOTATION]).toBe('203.0.113.0/24');
    const nginx = render(charts.ingressNginx, 'ingress-nginx', 'ingress-nginx', platformReleases(env).find((r) => r.name === 'ingress-nginx')!.values);
    const service = nginx.find((o) => o.kind === 'Service' && o.metadata.name === 'ingress-nginx-controller') as KubeObject & { spec: { type: string; externalTrafficPolicy?: string } };
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
  });
});
