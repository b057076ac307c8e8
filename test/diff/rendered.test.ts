// slipway diff with the charts rendered (real helm, the pinned chart archives): one repository for
// the whole file, whose main commits the examples with an out/ an older generator wrote (app-template
// told to name Postfacto "postfacto", so its selector labels differ from what this version renders;
// an external-dns policy its chart's schema refuses), and whose working tree gives numbers-prod's
// ingress-nginx a fourth replica. Each diff below runs once: with rendering, with --no-render, and
// with no way to get a chart.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DiffReport } from '../../generator/diff/compare.ts';
import { toMarkdown } from '../../generator/diff/markdown.ts';
import { findHelm } from '../../generator/verify/helm.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { inWorkspace, runCli, type Run } from '../helpers/workspace.ts';
import { testCacheDir } from '../verify/cluster-states.ts';
import { commitBase, edit, PROD } from './repository.ts';

const APP_VALUES = 'out/numbers-prod/flux/apps/postfacto-v4-3-11/values.yaml';
const DNS_VALUES = 'out/numbers-prod/flux/infrastructure/controllers/external-dns-values.yaml';
const DEAD_PROXY = 'http://127.0.0.1:9';

describeWithCharts('slipway diff: rendered objects (helm template)', () => {
  let rendered: Run;
  let unrendered: Run;
  let unreachable: Run;
  let report: DiffReport;
  let empty: string;

  beforeAll(async () => {
    empty = mkdtempSync(path.join(os.tmpdir(), 'slipway-no-charts-'));
    mkdirSync(path.join(empty, 'charts'));
    const charts = { ...process.env, SLIPWAY_CHART_DIR: chartArchives, SLIPWAY_CACHE_DIR: testCacheDir };
    // The helm the engine finds, named for the run whose cache is empty (so nothing is extracted there).
    const helm = await findHelm({ env: charts });
    const offline = {
      ...process.env,
      SLIPWAY_CHART_DIR: path.join(empty, 'charts'),
      SLIPWAY_CACHE_DIR: path.join(empty, 'cache'),
      SLIPWAY_HELM: helm.path,
      ...Object.fromEntries(['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy'].map((v) => [v, DEAD_PROXY])),
      NO_PROXY: '',
      no_proxy: '',
    };
    await inWorkspace(async () => {
      await commitBase(() => {
        edit(APP_VALUES, '      fullnameOverride: postfacto-v4-3-11\n', '      fullnameOverride: postfacto-v4-3-11\n      nameOverride: postfacto\n');
        edit(DNS_VALUES, 'policy: sync', 'policy: delete-everything');
      });
      edit(PROD, /ingressNginx:\n    replicas: 3/, 'ingressNginx:\n    replicas: 4');
      rendered = await runCli(['diff', '--base', 'main', '--format', 'json'], charts);
      unrendered = await runCli(['diff', '--base', 'main', '--format', 'json', '--no-render'], charts);
      unreachable = await runCli(['diff', '--base', 'main', '--format', 'json'], offline);
    });
    report = JSON.parse(rendered.stdout) as DiffReport;
  }, 180_000);

  afterAll(() => {
    if (empty) rmSync(empty, { recursive: true, force: true });
  });

  const prod = () => report.environments.find((e) => e.name === 'numbers-prod')!;

  it('reports what a values change does to the rendered objects, by path, per release', () => {
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(report.rendering).toBe('compared');
    const ingress = prod().rendered!.find((r) => r.release === 'ingress-nginx');
    expect(ingress).toEqual({
      release: 'ingress-nginx',
      added: [],
      removed: [],
      changed: [
        { key: 'Deployment/ingress-nginx/ingress-nginx-controller', paths: ['spec.replicas'] },
        { key: 'PodDisruptionBudget/ingress-nginx/ingress-nginx-controller', paths: ['spec.minAvailable'] },
      ],
    });
    // Every other release renders the same on both sides (each side renders apart: the charts are deterministic).
    expect(prod().rendered!.map((r) => r.release)).toEqual(['ingress-nginx', 'postfacto-v4-3-11']);
    // numbers-test's files are the same on both sides: nothing to render, nothing changed.
    expect(report.environments.find((e) => e.name === 'numbers-test')).toMatchObject({ status: 'unchanged', rendered: [] });
  });

  it("flags a Deployment selector the base's chart values set otherwise, with the reason", () => {
    const postfacto = prod().rendered!.find((r) => r.release === 'postfacto-v4-3-11')!;
    expect(postfacto.changed.find((c) => c.key === 'Deployment/postfacto-v4-3-11/postfacto-v4-3-11-web')!.paths).toContain('spec.selector.matchLabels["app.kubernetes.io/name"]');
    const selector = prod().dangers.filter((d) => d.what.includes('spec.selector'));
    expect(selector.map((d) => [d.kind, d.what])).toEqual([
      ['immutable', 'Deployment postfacto-v4-3-11/postfacto-v4-3-11-redis (release postfacto-v4-3-11): spec.selector changes'],
      ['immutable', 'Deployment postfacto-v4-3-11/postfacto-v4-3-11-web (release postfacto-v4-3-11): spec.selector changes'],
    ]);
    expect(selector[0]!.reason).toContain('the Helm upgrade fails');
    // Its Jobs are Helm hooks, created anew on every upgrade: their pod template change is no danger.
    expect(postfacto.changed.map((c) => c.key)).toContain('Job/postfacto-v4-3-11/postfacto-v4-3-11-migrate');
    expect(prod().dangers.filter((d) => d.what.startsWith('Job '))).toEqual([]);
  });

  it('leaves out a release that does not render on one side, with the reason, and compares the rest', () => {
    expect(report.problems).toEqual([expect.stringMatching(/^The rendered objects of release external-dns in numbers-prod are not compared: on main, HelmRelease flux-system\/external-dns does not render \(chart external-dns 1\.21\.1\): .*policy.*\.$/)]);
    expect(prod().rendered!.map((r) => r.release)).not.toContain('external-dns');
    // Not as if everything it renders were added.
    expect(prod().dangers.filter((d) => d.what.includes('external-dns'))).toEqual([]);
  });

  it('shows the rendered objects in the markdown, in the table and in the environment details', () => {
    const markdown = toMarkdown(report);
    expect(markdown).toContain('| environment | change | Terraform inputs | releases | Kubernetes objects | rendered objects | other files | dangers |');
    expect(markdown).toMatch(/^\| numbers-prod \| changed \| — \| 4 values \| \+0 −0 ~3 \| \+0 −0 ~\d+ \| .+ \| \*\*2\*\* \|$/m);
    expect(markdown).toContain('**Rendered objects (helm template)** (release: kind/namespace/name)');
    expect(markdown).toContain('- `ingress-nginx` changed `Deployment/ingress-nginx/ingress-nginx-controller`: `spec.replicas`');
    expect(markdown).toMatch(/:warning: \*\*numbers-prod\*\*: Deployment postfacto-v4-3-11\/postfacto-v4-3-11-web \(release postfacto-v4-3-11\): spec\.selector changes\. A workload's selector is immutable/);
    expect(markdown.indexOf('**Rendered objects')).toBeLessThan(markdown.indexOf('</details>'));
  });

  it('gives no rendered section with --no-render', () => {
    expect(unrendered.code, unrendered.stderr).toBe(0);
    const off = JSON.parse(unrendered.stdout) as DiffReport;
    expect(off.rendering).toBe('off');
    expect(off.environments.every((e) => e.rendered === undefined)).toBe(true);
    expect(off.environments.flatMap((e) => e.dangers)).toEqual([]);
    const markdown = toMarkdown(off);
    expect(markdown).not.toContain('Rendered objects');
    expect(markdown).toContain('| environment | change | Terraform inputs | releases | Kubernetes objects | other files | dangers |');
  });

  it('says in one line when no chart can be had, and the rest of the diff stands (exit 0)', () => {
    expect(unreachable.code, unreachable.stderr).toBe(0);
    const offline = JSON.parse(unreachable.stdout) as DiffReport;
    expect(offline.rendering).toBe('unavailable');
    expect(offline.problems).toHaveLength(1);
    expect(offline.problems[0]).toMatch(/^Rendered objects are not compared \(helm template\): The chart \S+ \S+ is not in .+ and helm could not pull it from .+\. The rest of this diff is complete; --no-render skips rendering\.$/);
    expect(offline.problems[0]).not.toContain('\n');
    const off = JSON.parse(unrendered.stdout) as DiffReport;
    expect(offline.environments).toEqual(off.environments);
    expect(toMarkdown(offline)).toContain('> [!WARNING]\n> Rendered objects are not compared (helm template): The chart');
  });
});
