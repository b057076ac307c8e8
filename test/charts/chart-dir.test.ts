// Which chart folder a command uses: the flag, then SLIPWAY_CHART_DIR, then chartDir in
// slipway.config.json relative to that file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chartArchivePath, chartDir, chartDirExists } from '../../generator/charts/chart-dir.ts';
import { readProjectConfig } from '../../generator/config.ts';

const work = mkdtempSync(path.join(tmpdir(), 'slipway-chart-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const configFile = path.join(work, 'repo', 'slipway.config.json');
mkdirSync(path.dirname(configFile), { recursive: true });
writeFileSync(configFile, JSON.stringify({ chartDir: '../charts/archives' }));
const project = readProjectConfig(configFile);
const none = readProjectConfig(path.join(work, 'absent.json'));

describe('chartDir', () => {
  it('takes the flag first, then SLIPWAY_CHART_DIR, then the config file', () => {
    expect(chartDir({ flag: 'flagged', env: { SLIPWAY_CHART_DIR: '/from/env' }, project })).toEqual({ dir: path.resolve('flagged'), from: '--charts' });
    expect(chartDir({ env: { SLIPWAY_CHART_DIR: '/from/env' }, project })).toEqual({ dir: '/from/env', from: 'SLIPWAY_CHART_DIR' });
    expect(chartDir({ env: {}, project })).toEqual({ dir: path.join(work, 'charts', 'archives'), from: 'chartDir in slipway.config.json' });
    expect(chartDir({ env: {}, project: none })).toBeUndefined();
  });

  it('resolves chartDir against the config file, not the working directory', () => {
    expect(project.issues).toEqual([]);
    expect(process.cwd()).not.toBe(path.dirname(configFile));
    expect(chartDir({ env: {}, project })!.dir).toBe(path.resolve(path.dirname(configFile), '../charts/archives'));
  });

  it('tells an existing folder from a missing one or a file', () => {
    const where = chartDir({ env: {}, project })!;
    expect(chartDirExists(where)).toBe(false);
    mkdirSync(where.dir, { recursive: true });
    expect(chartDirExists(where)).toBe(true);
    writeFileSync(path.join(work, 'file'), '');
    expect(chartDirExists({ dir: path.join(work, 'file'), from: 'x' })).toBe(false);
  });

  it('names archives as helm package does', () => {
    expect(chartArchivePath('/charts', 'cert-manager', 'v1.21.1')).toBe(path.join('/charts', 'cert-manager-v1.21.1.tgz'));
  });
});
