// slipway verify as a command: the examples come up clean with the real charts; a chart that does
// not render is a located finding (exit 1); a chart it cannot get is one line (exit 2).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { inWorkspace, runCli } from '../helpers/workspace.ts';
import { testCacheDir } from '../verify/cluster-states.ts';

const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, SLIPWAY_CACHE_DIR: testCacheDir, NO_COLOR: '1', ...extra });

describeWithCharts('slipway verify', () => {
  it('verifies every example with the pinned charts: exit 0, one summary line', async () => {
    await inWorkspace(async () => {
      const run = await runCli(['verify', '--charts', chartArchives!], env());
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const count = readdirSync('environments').filter((f) => f.endsWith('.yaml')).length;
      expect(count).toBeGreaterThanOrEqual(3);
      expect(run.stdout).toMatch(new RegExp(`^verify: ${count} environments, \\d+ objects, \\d+ helm renders \\(\\d+ reused\\) in [\\d.]+ s: 0 errors, 0 warnings\\.\\n$`));
      const json = await runCli(['verify', '--env', 'numbers-test', '--format', 'json', '--charts', chartArchives!], env());
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, errors: 0, issues: [] });
    });
  });

  it('reports what a chart renders wrong as a finding located at the release in the environment file (exit 1)', async () => {
    // A stand-in external-dns chart whose Deployment carries a field Kubernetes does not have.
    const charts = mkdtempSync(path.join(tmpdir(), 'slipway-charts-'));
    for (const f of readdirSync(chartArchives!)) copyFileSync(path.join(chartArchives!, f), path.join(charts, f));
    const chart = mkdtempSync(path.join(tmpdir(), 'slipway-chart-src-'));
    mkdirSync(path.join(chart, 'external-dns/templates'), { recursive: true });
    writeFileSync(path.join(chart, 'external-dns/Chart.yaml'), 'apiVersion: v2\nname: external-dns\nversion: 1.21.1\n');
    writeFileSync(
      path.join(chart, 'external-dns/templates/deployment.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: external-dns\nspec:\n  replicaz: 1\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec: {containers: [{name: x, image: x}]}\n',
    );
    execFileSync('tar', ['-czf', path.join(charts, 'external-dns-1.21.1.tgz'), '-C', chart, 'external-dns']);
    await inWorkspace(async () => {
      const run = await runCli(['verify', '--env', 'numbers-test', '--charts', charts], env());
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toMatch(/^environments\/numbers-test\.yaml:\d+:\d+ error VERIFY_SCHEMA Deployment external-dns\/external-dns.*replicaz/m);
    });
  });

  it('says in one line that a chart archive is damaged, and exits 2', async () => {
    const charts = mkdtempSync(path.join(tmpdir(), 'slipway-charts-'));
    for (const f of readdirSync(chartArchives!)) copyFileSync(path.join(chartArchives!, f), path.join(charts, f));
    writeFileSync(path.join(charts, 'ingress-nginx-4.15.1.tgz'), 'not a chart');
    await inWorkspace(async () => {
      const run = await runCli(['verify', '--env', 'numbers-test', '--charts', charts], env());
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^slipway verify: the chart archive .*ingress-nginx-4\.15\.1\.tgz cannot be read/);
    });
  });

  it('says in one line that it cannot get a chart, and exits 2', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'slipway-no-charts-'));
    await inWorkspace(async () => {
      // No archive, an empty cache and a proxy that refuses everything: helm pull cannot fetch.
      const run = await runCli(['verify', '--env', 'numbers-test', '--charts', empty], env({ SLIPWAY_CACHE_DIR: mkdtempSync(path.join(tmpdir(), 'slipway-cache-')), HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' }));
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^slipway verify: .*--charts/);
    });
  });
});
