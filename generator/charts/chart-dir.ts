// Where pinned chart archives (<chart>-<version>.tgz, as `helm package` names them) are kept: the
// folder named on the command line, else SLIPWAY_CHART_DIR, else chartDir in slipway.config.json
// (relative to that file). Charts are not part of the package (DESIGN.md "Where data comes from").
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ConfigResult } from '../config.ts';

export interface ChartDir {
  /** Absolute path of the folder. */
  readonly dir: string;
  /** What named it, for messages: "--charts", "SLIPWAY_CHART_DIR" or "chartDir in slipway.config.json". */
  readonly from: string;
}

/** The configured chart folder, or undefined when nothing names one. Whether it exists is chartDirExists's question. */
export function chartDir(options: { flag?: string | undefined; env: NodeJS.ProcessEnv; project: ConfigResult }): ChartDir | undefined {
  if (options.flag) return { dir: path.resolve(options.flag), from: '--charts' };
  if (options.env.SLIPWAY_CHART_DIR) return { dir: path.resolve(options.env.SLIPWAY_CHART_DIR), from: 'SLIPWAY_CHART_DIR' };
  const configured = options.project.config.chartDir;
  if (configured) return { dir: path.resolve(options.project.dir, configured), from: 'chartDir in slipway.config.json' };
  return undefined;
}

export function chartDirExists(where: ChartDir): boolean {
  try {
    return statSync(where.dir).isDirectory();
  } catch {
    return false;
  }
}

/** The archive of one chart version inside a chart folder. */
export const chartArchivePath = (dir: string, chart: string, version: string) => path.join(dir, `${chart}-${version}.tgz`);
