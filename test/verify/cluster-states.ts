// The example environments rendered into ClusterStates once per test file, with the real helm and
// the pinned chart archives, for the engine's tests and the checks' tests. Run inside
// describeWithCharts: without a chart folder there is nothing to render with.
import os from 'node:os';
import path from 'node:path';
import { chartArchives } from '../helpers/charts.ts';
import { examples } from '../helpers/render.ts';
import { buildClusterStates, type ClusterStates, type VerifyOptions } from '../../generator/verify/cluster.ts';
import type { Environment } from '../../generator/model/environment.ts';

/** One cache for every test process: the extracted helm binary survives between runs. */
export const testCacheDir = path.join(os.tmpdir(), 'slipway-test-cache');

export function verifyOptions(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  if (!chartArchives) throw new Error('No chart archive folder: run this test inside describeWithCharts.');
  return {
    chartDir: { dir: chartArchives, from: 'chartDir in slipway.config.json' },
    env: { ...process.env, SLIPWAY_CACHE_DIR: testCacheDir },
    ...overrides,
  };
}

export interface ExampleStates extends ClusterStates {
  readonly environments: readonly Environment[];
  readonly files: Map<string, string>;
}

let states: Promise<ExampleStates> | undefined;

/** Every example environment, rendered once per test file. */
export function exampleStates(): Promise<ExampleStates> {
  states ??= (async () => {
    const { environments, files } = examples();
    return { environments, files, ...(await buildClusterStates(files, environments, verifyOptions())) };
  })();
  return states;
}
