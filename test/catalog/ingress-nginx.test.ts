// HSTS from ingress-nginx: on for every TLS host, includeSubDomains off unless the environment turns
// it on. ingress-nginx itself defaults hsts-include-subdomains to "true" and hsts-max-age to
// "31536000" (kubernetes/ingress-nginx controller-v1.15.1, internal/ingress/controller/config/config.go
// NewDefault; docs/user-guide/nginx-configuration/configmap.md), so Slipway writes both keys.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { charts } from '../../generator/catalog/charts.ts';
import { platformReleases } from '../../generator/catalog/index.ts';
import { chartArchivePath } from '../../generator/charts/chart-dir.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import type { Environment } from '../../generator/model/environment.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { repoRoot } from '../helpers/workspace.ts';
import { helmPath, helmTemplate } from '../verify/checks/helpers/helm.ts';

const file = 'environments/numbers-test.yaml';
const text = readFileSync(path.join(repoRoot, file), 'utf8');
const load = (t: string): Environment => {
  const { environments, issues } = loadEnvironmentTexts([{ file, text: t }]);
  if (!environments[0]) throw new Error(issues.map((i) => `${i.code} ${i.message}`).join('\n'));
  return environments[0];
};
const withHsts = (hsts: string) => text.replace('  ingressNginx:\n    replicas: 1\n', `  ingressNginx:\n    replicas: 1\n    hsts:\n${hsts}`);
const config = (env: Environment) => (platformReleases(env).find((r) => r.name === 'ingress-nginx')!.values as { controller: { config: Record<string, string> } }).controller.config;

describe('HSTS settings of ingress-nginx', () => {
  it('sends HSTS for a year without includeSubDomains by default', () => {
    expect(config(load(text))).toMatchObject({ hsts: 'true', 'hsts-include-subdomains': 'false', 'hsts-max-age': '31536000' });
  });

  it('takes includeSubDomains and max-age from the environment, as the strings a ConfigMap holds', () => {
    const changed = withHsts('      includeSubDomains: true\n      maxAge: 600\n');
    expect(changed).not.toBe(text);
    expect(config(load(changed))).toMatchObject({ hsts: 'true', 'hsts-include-subdomains': 'true', 'hsts-max-age': '600' });
  });

  it('refuses a max-age beyond two years, at the field', () => {
    const { issues } = loadEnvironmentTexts([{ file, text: withHsts('      maxAge: 99999999\n') }]);
    expect(issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.path])).toEqual([['SCHEMA_RANGE', 'releases.ingressNginx.hsts.maxAge']]);
  });
});

describeWithCharts('the controller ConfigMap the pinned chart renders', () => {
  let helm = '';
  beforeAll(async () => {
    helm = await helmPath();
  });

  it("carries Slipway's HSTS keys, includeSubDomains off", () => {
    const env = load(text);
    const release = platformReleases(env).find((r) => r.name === 'ingress-nginx')!;
    const objects = helmTemplate(helm, chartArchivePath(chartArchives!, charts.ingressNginx.source.chart, charts.ingressNginx.version), release.name, release.namespace, release.values, env.aks.kubernetesVersion);
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'ingress-nginx-controller')!;
    expect(configMap.data).toMatchObject({ hsts: 'true', 'hsts-include-subdomains': 'false', 'hsts-max-age': '31536000' });
  });
});
