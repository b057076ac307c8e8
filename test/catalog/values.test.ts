// Every release's values against its chart: the chart's own values.schema.json (merged onto the
// defaults, as Helm validates), and every key path we set exists in the chart's default
// values.yaml, lies inside a documented free-form map, or is an option documented in a comment there.
// Chart data comes from the pinned chart archives (test/helpers/charts.ts).
import { expect, it } from 'vitest';
import { releasesOf } from '../../generator/catalog/index.ts';
import type { Release } from '../../generator/catalog/types.ts';
import { parse } from 'yaml';
import { chartFiles, chartValidator, defaultValues, describeWithCharts, helmMerge } from '../helpers/charts.ts';
import { examples } from '../helpers/render.ts';

const { environments } = examples();
const releases = environments.flatMap((env) => releasesOf(env).map((r) => [env.name, r] as const));
const chartFolder = (r: Release) => r.source.chart;

/**
 * Maps the charts document as free-form (any keys): annotations, labels, selectors, resources,
 * configuration passed through verbatim, and app-template's identifier-keyed collections (whose
 * items values.schema.json checks strictly).
 */
const freeForm: Record<string, string[]> = {
  'ingress-nginx': ['controller.config', 'controller.service.annotations', 'controller.nodeSelector', 'controller.resources', 'controller.metrics.serviceMonitor.additionalLabels'],
  'cert-manager': ['nodeSelector', 'resources', 'podLabels', 'serviceAccount.labels', 'serviceAccount.annotations', 'webhook.nodeSelector', 'cainjector.nodeSelector', 'prometheus.servicemonitor.labels'],
  'external-dns': ['provider', 'serviceAccount.labels', 'serviceAccount.annotations', 'podLabels', 'nodeSelector', 'resources', 'serviceMonitor.additionalLabels'],
  velero: ['podLabels', 'nodeSelector', 'resources', 'schedules', 'serviceAccount.server.annotations', 'serviceAccount.server.labels', 'credentials.secretContents', 'metrics.serviceMonitor.additionalLabels'],
  'kube-prometheus-stack': [
    'alertmanager.config',
    'alertmanager.alertmanagerSpec.nodeSelector',
    'prometheus.prometheusSpec.nodeSelector',
    'prometheus.prometheusSpec.resources',
    'prometheus.prometheusSpec.storageSpec',
    'grafana.ingress.annotations',
    // Written into grafana.ini section by section (grafana chart: "grafana.ini: ... ref: http://docs.grafana.org/installation/configuration/").
    'grafana.grafana.ini',
    // Keyed by provider, then dashboard name (grafana chart values.yaml: "dashboards: {}" with
    // "# default: ... prometheus-stats: gnetId: 2 revision: 2 datasource: Prometheus" in comments).
    'grafana.dashboards',
  ],
  // serviceMonitor is such a collection too (common values.yaml documents its items only in comments;
  // values.schema.json definitions/serviceMonitor/instance checks them, additionalProperties false).
  'app-template': ['global', 'controllers', 'service', 'ingress', 'persistence', 'networkpolicies', 'rawResources', 'configMaps', 'serviceMonitor', 'defaultPodOptions.securityContext'],
};

/** Leaf paths of a values tree; lists and empty maps are leaves. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  }
  return [prefix];
}

/** Whether a key path exists in a chart's defaults or is an option documented in a comment there. */
function documented(files: Map<string, Buffer>, valuesFile: string, path: readonly string[]): boolean {
  const text = files.get(valuesFile)?.toString('utf8') ?? '';
  let node: unknown = parse(text) ?? {};
  for (const segment of path) {
    if (node && typeof node === 'object' && segment in (node as object)) node = (node as Record<string, unknown>)[segment];
    else return new RegExp(`^\\s*#\\s*${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`, 'm').test(text);
  }
  return true;
}

function undocumentedPaths(r: Release): string[] {
  const chart = chartFolder(r);
  const files = chartFiles(chart);
  const defaultsFile = chart === 'app-template' ? 'charts/common/values.yaml' : 'values.yaml';
  const free = freeForm[chart] ?? [];
  return leafPaths(r.values)
    .filter((p) => {
      const dotted = p.join('.');
      if (free.some((f) => dotted === f || dotted.startsWith(`${f}.`))) return false;
      if (documented(files, defaultsFile, p)) return false;
      // Helm hands the values under a dependency's name to that subchart: its own defaults document them.
      return !(files.has(`charts/${p[0]}/values.yaml`) && documented(files, `charts/${p[0]}/values.yaml`, p.slice(1)));
    })
    .map((p) => p.join('.'));
}

describeWithCharts('release values', () => {
  it('covers all six charts across the examples', () => {
    expect(new Set(releases.map(([, r]) => chartFolder(r)))).toEqual(new Set(['ingress-nginx', 'cert-manager', 'external-dns', 'velero', 'kube-prometheus-stack', 'app-template']));
  });

  it.each(releases.map(([env, r]) => [`${env}/${r.name}`, r] as const))('%s: every key path is a documented chart value', (_name, r) => {
    expect(undocumentedPaths(r)).toEqual([]);
  });

  const withSchema = releases.filter(([, r]) => ['external-dns', 'cert-manager', 'velero', 'app-template'].includes(chartFolder(r)));
  it('validates against the chart schema for external-dns, cert-manager, velero and app-template', () => {
    expect(new Set(withSchema.map(([, r]) => chartFolder(r)))).toEqual(new Set(['external-dns', 'cert-manager', 'velero', 'app-template']));
  });

  it.each(withSchema.map(([env, r]) => [`${env}/${r.name}`, r] as const))('%s: values.schema.json accepts the merged values', (_name, r) => {
    const validate = chartValidator(chartFolder(r))!;
    const merged = helmMerge(defaultValues(chartFolder(r)), r.values);
    const ok = validate(merged);
    expect(ok ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it('the schema check rejects a wrong value (it can fail)', () => {
    const validate = chartValidator('external-dns')!;
    expect(validate(helmMerge(defaultValues('external-dns'), { policy: 'delete-everything' }))).toBe(false);
    const appTemplate = chartValidator('app-template')!;
    expect(appTemplate({ controllers: { web: { containers: { app: { image: { repository: 'x', tag: 1, bogus: true } } } } } })).toBe(false);
  });

  it('the key path check flags a key the chart does not have', () => {
    const r = releases.find(([, x]) => x.name === 'ingress-nginx')![1];
    expect(undocumentedPaths({ ...r, values: { controller: { replicaCont: 2 } } })).toEqual(['controller.replicaCont']);
  });
});
