// Chart data for tests (default values, values.schema.json), read from the pinned chart archives,
// never copied into the repository. The archive folder is SLIPWAY_CHART_DIR, else chartDir in this
// repository's slipway.config.json (../shared/charts/archives), else the folder the test run's
// global setup (test/setup/pull-charts.ts) fills with `helm pull` when online. Tests that need data from outside
// the repository run inside describeWithCharts / describeWithUpstreamSchemas: skipped, with the
// reason printed once, where the data is missing, and failing instead when CI is set.
import { existsSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, it } from 'vitest';
import { parse } from 'yaml';
import { charts } from '../../generator/catalog/charts.ts';
import { readArchive } from '../../generator/charts/archive.ts';
import { chartArchivePath, chartDirExists } from '../../generator/charts/chart-dir.ts';
import { configuredChartDir, pulledChartsComplete, pulledChartsDir } from '../setup/pull-charts.ts';
import { repoRoot } from './workspace.ts';

const configured = configuredChartDir();
/** The chart archive folder: the configured one when it exists, else the pulled one when it holds every pinned chart. */
export const chartArchives = configured && chartDirExists(configured) ? configured.dir : pulledChartsComplete() ? pulledChartsDir() : undefined;

/** The upstream data scripts/kube-schemas.ts builds schema/kubernetes/ from. */
export const sharedDir = path.resolve(repoRoot, '../shared');

type Describe = (name: string, fn: () => void) => void;
const reported = new Set<string>();

/**
 * describe() when `missing` is undefined; otherwise skipped (reason printed once), or failing under
 * CI unless `optOut` names a variable that is set (a CI that says it cannot have that data).
 */
function describeUnless(missing: () => string | undefined, optOut?: string): Describe {
  return (name, fn) => {
    const reason = missing();
    if (reason === undefined) return describe(name, fn);
    if (process.env.CI && !(optOut && process.env[optOut])) {
      describe(name, () => {
        it('has the data it needs', () => {
          throw new Error(`${reason}; CI must provide it.`);
        });
      });
      return;
    }
    if (!reported.has(reason)) {
      reported.add(reason);
      console.warn(`skipped: ${reason}.`);
    }
    describe.skip(name, fn);
  };
}

export const describeWithCharts = describeUnless(() =>
  chartArchives
    ? undefined
    : configured
      ? `tests that read chart archives need ${configured.dir} (from ${configured.from}), which does not exist, or the network to pull them`
      : 'tests that read chart archives need a folder of them (SLIPWAY_CHART_DIR or chartDir in slipway.config.json) or the network to pull them',
);

export const describeWithUpstreamSchemas = describeUnless(() => {
  const needed = [path.join(sharedDir, 'schemas/kubernetes-v1.32.2-strict/_definitions.json'), path.join(sharedDir, 'charts/archives')];
  const absent = needed.filter((f) => !existsSync(f));
  return absent.length ? `checking schema/kubernetes/ needs the upstream data in ${absent.join(' and ')}` : undefined;
  // GitHub's runners have no ../shared: the workflow says so rather than skipping silently.
}, 'SLIPWAY_NO_UPSTREAM_DATA');

/** The version the catalog pins for a chart: its archive is <chart>-<version>.tgz. */
function pinnedVersion(chart: string): string {
  const pin = Object.values(charts).find((c) => c.source.chart === chart);
  if (!pin) throw new Error(`The catalog pins no chart named ${chart}.`);
  return pin.version;
}

const archives = new Map<string, Map<string, Buffer>>();

/** The files of a chart's pinned archive, paths relative to the chart folder (values.yaml, charts/common/...). */
export function chartFiles(chart: string): Map<string, Buffer> {
  let files = archives.get(chart);
  if (!files) {
    if (!chartArchives) throw new Error(`No chart archive folder: run this test inside describeWithCharts.`);
    files = new Map();
    for (const [file, bytes] of readArchive(chartArchivePath(chartArchives, chart, pinnedVersion(chart)))) {
      if (file.startsWith(`${chart}/`)) files.set(file.slice(chart.length + 1), bytes);
    }
    archives.set(chart, files);
  }
  return files;
}

/**
 * The file holding the values a chart's templates start from. app-template's own values.yaml is
 * empty: its templates (bjw-s common library, values/_init.tpl) merge the library's defaults under
 * the user's values, so those are its defaults.
 */
const defaultsFile = (chart: string) => (chart === 'app-template' ? 'charts/common/values.yaml' : 'values.yaml');

export const valuesText = (chart: string) => chartFiles(chart).get(defaultsFile(chart))?.toString('utf8') ?? '';
export const defaultValues = (chart: string): Record<string, unknown> => parse(valuesText(chart)) ?? {};

/** Helm's merge of a values override onto the defaults: maps merge, everything else replaces, null deletes. */
export function helmMerge(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = helmMerge(base[k], v);
  }
  return out;
}
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A validator for the chart's values.schema.json (self-contained in the archives), or undefined when the chart ships none. */
export function chartValidator(chart: string) {
  const schema = chartFiles(chart).get('values.schema.json');
  if (!schema) return undefined;
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(schema.toString('utf8')));
}
