// Where chart archives come from: the chart folder, the cache of earlier pulls, `helm pull`, and the
// error that names the chart, the places searched and the fix when none of them has it.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { charts } from '../../generator/catalog/charts.ts';
import { EnvironmentError } from '../../generator/commands/command.ts';
import { chartArchive, chartPin, ChartStore, pulledArchivePath } from '../../generator/verify/charts.ts';
import { findHelm } from '../../generator/verify/helm.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { testCacheDir } from './cluster-states.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-charts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const appTemplate = chartPin(charts.appTemplate.source, charts.appTemplate.version);
const noHelm = () => Promise.reject(new Error('helm must not be needed'));
/** Every proxy points at a closed local port: helm pull fails at once, as without network. */
const offline = { ...process.env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', NO_PROXY: '', no_proxy: '', SLIPWAY_CACHE_DIR: testCacheDir };

describeWithCharts('chart archives', () => {
  it('are pinned from a catalog chart by its name, version and source', () => {
    expect(appTemplate).toEqual({ chart: 'app-template', version: '4.1.1', origin: { kind: 'oci', url: 'oci://ghcr.io/bjw-s-labs/helm/app-template' } });
  });

  it('come from the chart folder first', async () => {
    const file = await chartArchive(appTemplate, { chartDir: { dir: chartArchives!, from: '--charts' }, env: {}, cacheDir: path.join(dir, 'unused'), helm: noHelm });
    expect(file).toBe(path.join(chartArchives!, 'app-template-4.1.1.tgz'));
  });

  it('come from the cache of earlier pulls when no folder has them, without helm', async () => {
    const cache = path.join(dir, 'cache');
    const cached = pulledArchivePath(cache, appTemplate);
    mkdirSync(path.dirname(cached), { recursive: true });
    copyFileSync(path.join(chartArchives!, 'app-template-4.1.1.tgz'), cached);
    const empty = path.join(dir, 'empty-folder');
    mkdirSync(empty, { recursive: true });
    expect(await chartArchive(appTemplate, { chartDir: { dir: empty, from: '--charts' }, env: {}, cacheDir: cache, helm: noHelm })).toBe(cached);
  });

  it('are looked up once per chart however many renders ask at the same time', async () => {
    const store = new ChartStore({ chartDir: { dir: chartArchives!, from: '--charts' }, env: {}, helm: noHelm });
    const [a, b] = [store.archive(appTemplate), store.archive({ ...appTemplate })];
    expect(a).toBe(b);
    expect(await a).toBe(path.join(chartArchives!, 'app-template-4.1.1.tgz'));
  });

  it('missing everywhere and unreachable: an EnvironmentError naming the chart, where it looked and the fix', async () => {
    const empty = path.join(dir, 'no-charts');
    mkdirSync(empty, { recursive: true });
    const cache = path.join(dir, 'offline-cache');
    const error = await chartArchive(appTemplate, { chartDir: { dir: empty, from: '--charts' }, env: offline, cacheDir: cache, helm: () => findHelm({ env: offline }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`The chart app-template 4.1.1 is not in ${empty} (--charts) or ${path.dirname(pulledArchivePath(cache, appTemplate))}`);
    expect(message).toContain(`helm could not pull it from ${charts.appTemplate.source.url}`);
    expect(message).toMatch(/; put app-template-4\.1\.1\.tgz \(helm pull oci:\/\/\S+\/app-template --version 4\.1\.1\) into a folder and pass --charts DIR\.$/);
  });

  it('without a source to pull from, the error says no folder has it', async () => {
    const error = await chartArchive({ chart: 'velero', version: '0.0.1' }, { env: {}, cacheDir: path.join(dir, 'c'), helm: noHelm }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(/^The chart velero 0\.0\.1 is in no chart folder \(none is configured\); put velero-0\.0\.1\.tgz .* pass --charts DIR\.$/);
  });
});
