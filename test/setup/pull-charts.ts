// Vitest global setup: where no chart folder is configured (a fresh clone without ../shared), pull
// the catalog's pinned chart archives once, as `slipway verify` does, into a folder of the cache
// named <chart>-<version>.tgz, so chart tests run wherever the network reaches the chart sources.
// Offline, the pull fails fast and chart tests are skipped with their one line (or fail under CI).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { charts } from '../../generator/catalog/charts.ts';
import { chartArchivePath, chartDir, chartDirExists } from '../../generator/charts/chart-dir.ts';
import { CONFIG_FILE, readProjectConfig } from '../../generator/config.ts';
import { cacheRoot, writeFileAtomic } from '../../generator/verify/cache.ts';
import { chartArchive, chartPin } from '../../generator/verify/charts.ts';
import { findHelm, type Helm } from '../../generator/verify/helm.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** SLIPWAY_CHART_DIR, else chartDir in this repository's slipway.config.json. */
export const configuredChartDir = () => chartDir({ env: process.env, project: readProjectConfig(path.join(repoRoot, CONFIG_FILE)) });

/** The folder pulls are gathered in, under Slipway's cache (SLIPWAY_CACHE_DIR or the XDG cache). */
export const pulledChartsDir = () => path.join(cacheRoot(process.env), 'charts', 'pinned');

const pinned = () => Object.values(charts).map((c) => ({ pin: chartPin(c.source, c.version), file: chartArchivePath(pulledChartsDir(), c.source.chart, c.version) }));

export const pulledChartsComplete = () => pinned().every((p) => existsSync(p.file));

export default async function pullCharts(): Promise<void> {
  const configured = configuredChartDir();
  if ((configured && chartDirExists(configured)) || pulledChartsComplete()) return;
  let helm: Promise<Helm> | undefined;
  const lookup = { env: process.env, helm: () => (helm ??= findHelm({ env: process.env })), timeoutMs: 60_000 };
  try {
    for (const { pin, file } of pinned()) if (!existsSync(file)) writeFileAtomic(file, readFileSync(await chartArchive(pin, lookup)));
  } catch (e) {
    console.warn(`chart archives: no folder is configured and pulling failed (${(e as Error).message.split('\n')[0]}).`);
  }
}
