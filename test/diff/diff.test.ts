// slipway diff on a real git history: a chart bump, a values change, a removed Postfacto instance
// and an AKS zone change each show up, the last two flagged as dangerous.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DiffReport } from '../../generator/diff/compare.ts';
import { DEFAULT_BUDGET, toMarkdown } from '../../generator/diff/markdown.ts';
import { looksSecret } from '../../generator/secrets.ts';
import { inWorkspace, runCli } from '../helpers/workspace.ts';

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const PROD = 'environments/numbers-prod.yaml';
const edit = (file: string, from: string | RegExp, to: string) => {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  expect(next, `edit ${String(from)}`).not.toBe(text);
  writeFileSync(file, next);
};

/** A git repository with the examples committed on main; `change` edits the working tree, then `diff` runs. */
async function inRepo<T>(change: () => void, diff: () => Promise<T>): Promise<T> {
  return inWorkspace(async () => {
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'add', '.');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'base');
    change();
    const result = await diff();
    expect(git('status', '--porcelain')).not.toContain('out/'); // nothing rendered to disk
    return result;
  });
}

async function diffAfter(change: () => void): Promise<{ report: DiffReport; markdown: string }> {
  return inRepo(change, async () => {
    const json = await runCli(['diff', '--base', 'main', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    return { report: JSON.parse(json.stdout), markdown: (await runCli(['diff', '--base', 'main'])).stdout };
  });
}

const prodOf = (r: DiffReport) => r.environments.find((e) => e.name === 'numbers-prod')!;

describe('slipway diff', () => {
  it('reports no change for an unchanged tree', async () => {
    const { report, markdown } = await diffAfter(() => {});
    expect(report.environments.every((e) => e.status === 'unchanged')).toBe(true);
    expect(markdown).toContain('No changes to the generated infrastructure, releases or manifests.');
  });

  it('shows a chart bump as a version change of the release, not as danger', async () => {
    const { report, markdown } = await diffAfter(() => edit(PROD, 'chartVersion: 12.1.0', 'chartVersion: 12.2.0'));
    const prod = prodOf(report);
    expect(prod.releases.versions).toEqual([{ release: 'velero', old: '12.1.0', new: '12.2.0' }]);
    expect(prod.objects.changed.map((c) => c.key)).toEqual(['HelmRelease/velero/velero']);
    expect(prod.dangers).toEqual([]);
    expect(markdown).toContain('- chart bump: `velero` 12.1.0 → 12.2.0');
  });

  it('shows a values change by YAML path with old and new', async () => {
    const { report, markdown } = await diffAfter(() => edit(PROD, /ingressNginx:\n    replicas: 3/, 'ingressNginx:\n    replicas: 4'));
    const prod = prodOf(report);
    expect(prod.releases.values).toEqual([
      { release: 'ingress-nginx', path: 'controller.minAvailable', old: 2, new: 3 },
      { release: 'ingress-nginx', path: 'controller.replicaCount', old: 3, new: 4 },
    ]);
    expect(prod.dangers).toEqual([]);
    expect(markdown).toContain('| `ingress-nginx` | `controller.replicaCount` | `3` | `4` |');
  });

  it('flags a removed Postfacto instance: Flux prunes its namespace and release', async () => {
    const { report, markdown } = await diffAfter(() => {
      edit(PROD, /    - name: v4-3-10\n      version: "4.3.10"\n      host: previous.retro.numbers.example.com\n      replicas: \{ min: 2, max: 4 \}\n/, '');
      edit(PROD, '      postfacto-v4-3-10: edit\n', '');
    });
    const prod = prodOf(report);
    expect(prod.releases.removed).toEqual(['postfacto-v4-3-10']);
    expect(prod.objects.removed).toEqual(expect.arrayContaining(['Namespace//postfacto-v4-3-10', 'HelmRelease/postfacto-v4-3-10/postfacto-v4-3-10']));
    expect(prod.terraform).toContainEqual({ path: 'postgresql.postgresql.databases', old: ['postfacto_v4_3_11', 'postfacto_v4_3_10'], new: ['postfacto_v4_3_11'] });
    expect(prod.dangers.map((d) => d.what)).toEqual(
      expect.arrayContaining(['namespace postfacto-v4-3-10 removed', 'release postfacto-v4-3-10 removed', 'database postfacto_v4_3_10 removed']),
    );
    expect(markdown).toMatch(/:warning: \*\*numbers-prod\*\*: namespace postfacto-v4-3-10 removed\. Flux prunes the namespace and everything in it\./);
  });

  it('flags an AKS zone change as a replacement, with the reason', async () => {
    const { report, markdown } = await diffAfter(() => edit(PROD, 'zones: [1, 2, 3]', 'zones: [1, 2]'));
    const prod = prodOf(report);
    expect(prod.terraform).toContainEqual({ path: 'aks.aks.zones', old: ['1', '2', '3'], new: ['1', '2'] });
    expect(prod.dangers).toEqual([{ kind: 'replace', what: 'AKS zones ["1","2","3"] -> ["1","2"]', reason: 'Zones cannot change in place: every node pool is rebuilt.' }]);
    expect(markdown.indexOf('#### Dangerous changes')).toBeLessThan(markdown.indexOf('<details>'));
    const gated = await inRepo(() => edit(PROD, 'zones: [1, 2, 3]', 'zones: [1, 2]'), () => runCli(['diff', '--base', 'main', '--fail-on-danger']));
    expect(gated.code).toBe(1);
  });

  it('flags shortened backups and reports environments added and removed', async () => {
    const { report } = await diffAfter(() => {
      edit(PROD, 'ttl: 720h', 'ttl: 168h');
      git('mv', 'environments/numbers-test.yaml', 'environments/numbers-stage.yaml');
      edit('environments/numbers-stage.yaml', 'name: numbers-test', 'name: numbers-stage');
    });
    expect(prodOf(report).dangers.map((d) => d.what)).toEqual(['backup schedule daily TTL 720h -> 168h']);
    expect(report.environments.map((e) => [e.name, e.status])).toEqual([
      ['numbers-prod', 'changed'],
      ['numbers-stage', 'added'],
      ['numbers-test', 'removed'],
    ]);
  });

  it('never prints a secret and refuses an invalid working tree', async () => {
    const { markdown } = await diffAfter(() => edit(PROD, 'zones: [1, 2, 3]', 'zones: [1, 2]'));
    expect(looksSecret(markdown)).toBe(false);
    await inWorkspace(async () => {
      git('init', '-q', '-b', 'main');
      writeFileSync(PROD, 'name: [broken\n');
      const run = await runCli(['diff', '--base', 'main']);
      expect(run.code).toBe(2); // no commit yet: the revision cannot be read
      expect(run.stderr).toContain('cannot read revision "main"');
    });
  });
});

describe('diff markdown', () => {
  const big: DiffReport = {
    base: 'main',
    head: 'working tree',
    problems: [],
    environments: Array.from({ length: 40 }, (_, i) => ({
      name: `env-${String(i).padStart(2, '0')}`,
      status: 'changed' as const,
      terraform: Array.from({ length: 150 }, (_, j) => ({ path: `aks.aks.input_${j}`, old: 'x'.repeat(40), new: 'y'.repeat(40) })),
      releases: { added: [], removed: [], versions: [], values: [] },
      objects: { added: [], removed: [], changed: [] },
      dangers: [],
    })),
  };

  it('stays within the budget with an explicit truncation note, summary first', () => {
    const md = toMarkdown(big);
    expect(md.length).toBeLessThanOrEqual(DEFAULT_BUDGET);
    expect(md).toMatch(/_Truncated: the details of \d+ environment\(s\) \(\d+ characters\) are left out to stay within 60000 characters\./);
    expect(md.match(/^\| env-\d\d \|/gm)).toHaveLength(40);
    expect(md.startsWith('<!-- slipway:diff -->')).toBe(true);
  });

  it('redacts a value that looks like a secret', () => {
    const leaky: DiffReport = { ...big, environments: [{ ...big.environments[0]!, terraform: [{ path: 'x', old: 'a', new: 'password: hunter2hunter2' }] }] };
    expect(toMarkdown(leaky)).toContain('`[redacted]`');
    expect(toMarkdown(leaky)).not.toContain('hunter2');
  });
});
