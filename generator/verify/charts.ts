// The archive of one pinned chart version: from the chart folder (<chart>-<version>.tgz: --charts,
// SLIPWAY_CHART_DIR or chartDir in slipway.config.json), else from the cache of earlier pulls, else
// pulled with `helm pull` from the release's source (a Helm repository or an oci:// artifact) into
// that cache. Charts are never part of the package (DESIGN.md "Where data comes from").
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ChartSource } from '../catalog/types.ts';
import { EnvironmentError } from '../commands/command.ts';
import { chartArchivePath, type ChartDir } from '../charts/chart-dir.ts';
import { cacheRoot } from './cache.ts';
import { firstLine, runHelm, type Helm } from './helm.ts';

/** Where a chart comes from: a Helm repository (url + chart) or an OCI artifact (oci://host/path/chart). */
export interface ChartOrigin {
  readonly kind: 'helm' | 'oci';
  readonly url: string;
}

export interface ChartPin {
  readonly chart: string;
  readonly version: string;
  /** Where to pull it from when no folder holds it; without one, only the folders are searched. */
  readonly origin?: ChartOrigin | undefined;
}

/** The pin of a catalog chart (catalog/charts.ts): its archive name and where to pull it from. */
export const chartPin = (source: ChartSource, version: string): ChartPin & { origin: ChartOrigin } => ({ chart: source.chart, version, origin: { kind: source.kind, url: source.url } });

export interface ChartLookup {
  /** The configured chart folder, if any (chart-dir.ts chartDir()). */
  readonly chartDir?: ChartDir | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** The cache root; defaults to SLIPWAY_CACHE_DIR or the XDG cache. */
  readonly cacheDir?: string | undefined;
  /** helm, for pulls; found only when a pull is needed. */
  readonly helm: () => Promise<Helm>;
  readonly timeoutMs?: number;
}

/** The cache folder of pulls from one source: two repositories may publish different charts under one name. */
export const pulledArchivePath = (cache: string, pin: ChartPin & { origin: ChartOrigin }) =>
  path.join(cache, 'charts', createHash('sha256').update(`${pin.origin.kind} ${pin.origin.url}`).digest('hex').slice(0, 16), `${pin.chart}-${pin.version}.tgz`);

/** Finds or pulls archives, each (source, chart, version) once per lookup even when asked for in parallel. */
export class ChartStore {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly lookup: ChartLookup) {}

  archive(pin: ChartPin): Promise<string> {
    const key = `${pin.origin?.kind ?? ''} ${pin.origin?.url ?? ''} ${pin.chart} ${pin.version}`;
    let found = this.pending.get(key);
    if (!found) this.pending.set(key, (found = chartArchive(pin, this.lookup)));
    return found;
  }
}

/** Absolute path of the archive; an EnvironmentError naming the chart, the places searched and the fix when there is none. */
export async function chartArchive(pin: ChartPin, lookup: ChartLookup): Promise<string> {
  const searched: string[] = [];
  if (lookup.chartDir) {
    const file = chartArchivePath(lookup.chartDir.dir, pin.chart, pin.version);
    if (existsSync(file)) return file;
    searched.push(`${lookup.chartDir.dir} (${lookup.chartDir.from})`);
  }
  const pull = !pin.origin ? '' : pin.origin.kind === 'oci' ? ` (helm pull ${pin.origin.url} --version ${pin.version})` : ` (helm pull ${pin.chart} --repo ${pin.origin.url} --version ${pin.version})`;
  const fix = `put ${pin.chart}-${pin.version}.tgz${pull} into a folder and pass --charts DIR`;
  if (!pin.origin) throw new EnvironmentError(`The chart ${pin.chart} ${pin.version} is in no chart folder${searched.length ? `: searched ${searched.join(', ')}` : ' (none is configured)'}; ${fix}.`);

  const cache = cacheRoot(lookup.env, lookup.cacheDir);
  const cached = pulledArchivePath(cache, { ...pin, origin: pin.origin });
  if (existsSync(cached)) return cached;
  searched.push(path.dirname(cached));

  const helm = await lookup.helm();
  // Pulls land in a private folder on the cache's file system, then move into place in one rename.
  const staging = path.join(cache, 'charts', '.pulls');
  let folder: string;
  try {
    mkdirSync(staging, { recursive: true });
    folder = mkdtempSync(path.join(staging, 'pull-'));
  } catch (e) {
    throw new EnvironmentError(`Cannot write into the chart cache ${staging}: ${(e as Error).message}; set SLIPWAY_CACHE_DIR to a writable folder, or ${fix}.`);
  }
  try {
    const reference = pin.origin.kind === 'oci' ? [pin.origin.url] : ['--repo', pin.origin.url, pin.chart];
    const run = await runHelm(helm.path, ['pull', ...reference, '--version', pin.version, '--destination', folder], { env: lookup.env, timeoutMs: lookup.timeoutMs ?? 120_000 });
    const pulled = readdirSync(folder).filter((f) => f.endsWith('.tgz'));
    if (run.code !== 0 || pulled.length !== 1) {
      const reason = firstLine(run.stderr).replace(/^Error: /, '') || `helm pull wrote ${pulled.length} archives`;
      throw new EnvironmentError(
        `The chart ${pin.chart} ${pin.version} is not in ${searched.join(' or ')} and helm could not pull it from ${pin.origin.url}: ${reason.replace(/\.$/, '')}; ${fix}.`,
      );
    }
    mkdirSync(path.dirname(cached), { recursive: true });
    renameSync(path.join(folder, pulled[0]!), cached);
    return cached;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
