// Issue 14.7 (dashboards) and 14.8 (kubeContext): a grafana.com dashboard by ID and pinned revision
// and a dashboard from a file, as the pinned kube-prometheus-stack chart renders them (grafana chart
// 12.11.1: dashboardProviders + dashboards.<provider>.<name>.gnetId/revision feed the
// download_dashboards.sh init script; the dashboard sidecar loads ConfigMaps labelled
// grafana_dashboard "1" from searchNamespace); and helmfile's helmDefaults.kubeContext guard.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { charts } from '../../generator/catalog/charts.ts';
import { platformReleases } from '../../generator/catalog/index.ts';
import { platformObjects } from '../../generator/catalog/objects.ts';
import { chartArchivePath } from '../../generator/charts/chart-dir.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import type { Environment } from '../../generator/model/environment.ts';
import { renderAll } from '../../generator/render/registry.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { repoRoot } from '../helpers/workspace.ts';
import { helmPath, helmTemplate, kubePrometheusStackOnly } from '../verify/checks/helpers/helm.ts';

const FILE = 'environments/numbers-test.yaml';
const TEXT = readFileSync(path.join(repoRoot, FILE), 'utf8');
const DASHBOARDS = `    dashboards:
      - name: node-exporter-full
        gnetId: 1860
        revision: 37
      - name: postfacto
        file: ../test/fixtures/dashboards/postfacto.json
`;

/** numbers-test with extra lines after "  monitoring:\\n" (releases.monitoring) and in aks. */
function load(extraMonitoring: string, extraAks = '') {
  const text = TEXT.replace(/^  monitoring:\n/m, `  monitoring:\n${extraMonitoring}`).replace(/^  upgradeChannel: /m, `${extraAks}  upgradeChannel: `);
  if (extraMonitoring || extraAks) expect(text).not.toBe(TEXT);
  const previous = process.cwd();
  process.chdir(repoRoot);
  try {
    return loadEnvironmentTexts([{ file: FILE, text }]);
  } finally {
    process.chdir(previous);
  }
}
const envOf = (extra: string, aks = ''): Environment => {
  const { environments, issues } = load(extra, aks);
  expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  return environments[0]!;
};
const grafanaValues = (env: Environment) => (platformReleases(env).find((r) => r.name === 'kube-prometheus-stack')!.values as { grafana: Record<string, unknown> }).grafana;

describe('Grafana dashboards', () => {
  it('refuses a grafana.com dashboard without a revision and a file that is not a dashboard', () => {
    const codes = load('    dashboards:\n      - name: a\n        gnetId: 1860\n      - name: b\n        file: ../package.json\n').issues.map((i) => `${i.code} ${i.path}`);
    expect(codes).toEqual(expect.arrayContaining(['DASHBOARD_SOURCE releases.monitoring.dashboards.0.gnetId', 'DASHBOARD_FILE releases.monitoring.dashboards.1.file']));
  });

  describeWithCharts('as the pinned kube-prometheus-stack renders them', () => {
    let helm = '';
    beforeAll(async () => {
      helm = await helmPath();
    });

    it('downloads the grafana.com dashboard at its pinned revision, over verified TLS, and ships the file dashboard as a sidecar ConfigMap', () => {
      const env = envOf(DASHBOARDS);
      const chart = charts.kubePrometheusStack;
      const values = kubePrometheusStackOnly({ grafana: { ...grafanaValues(env), enabled: true } });
      const objects = helmTemplate(helm, chartArchivePath(chartArchives!, chart.source.chart, chart.version), 'kube-prometheus-stack', 'monitoring', values, '1.35');
      const text = JSON.stringify(objects);
      expect(text).toContain('https://grafana.com/api/dashboards/1860/revisions/37/download');
      // The chart's default curl options carry -k; Slipway's do not.
      const script = objects.flatMap((o) => Object.values((o as { data?: Record<string, string> }).data ?? {})).find((d) => d.includes('/revisions/37/download'))!;
      expect(script).toMatch(/curl -sfL /);
      expect(script).not.toMatch(/curl [^\n]*-k/);
      expect(text).toContain('DS_PROMETHEUS');
      const providers = objects.find((o) => o.kind === 'ConfigMap' && JSON.stringify(o).includes('dashboardproviders.yaml'));
      expect(JSON.stringify(providers)).toContain('/var/lib/grafana/dashboards/');

      // The file dashboard: a ConfigMap in monitoring with the sidecar's label, the datasource input resolved.
      const cm = platformObjects(env).base.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-dashboard-postfacto')!;
      expect(cm.metadata).toMatchObject({ namespace: 'monitoring', labels: { grafana_dashboard: '1' } });
      const json = JSON.parse((cm as unknown as { data: Record<string, string> }).data['postfacto.json']!);
      expect(json.title).toBe('Postfacto');
      expect(json.panels[0].datasource.uid).toBe('prometheus');
      expect(json).not.toHaveProperty('__inputs');
      // The chart's sidecar looks for that label in monitoring.
      const sidecar = objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('grafana'))!;
      const env1 = JSON.stringify(sidecar);
      expect(env1).toContain('"name":"LABEL","value":"grafana_dashboard"');
      expect(env1).toContain('"name":"NAMESPACE","value":"monitoring"');
    });
  });
});

describe("helmfile's kubeContext guard", () => {
  const helmfile = (env: Environment) => parse(renderAll([env]).get(`${env.name}/helmfile/helmfile.yaml`)!) as { helmDefaults: { kubeContext?: string } };

  it('deploys to the cluster name by default, and to aks.kubeContext when given', () => {
    expect(helmfile(envOf('')).helmDefaults.kubeContext).toBe('aks-numbers-test');
    expect(helmfile(envOf('', '  kubeContext: numbers-test-admin\n')).helmDefaults.kubeContext).toBe('numbers-test-admin');
  });
});
