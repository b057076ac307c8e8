// slipway diff on real git histories: the base commit holds the environments and the out/ that
// `slipway generate` wrote; the head is what the working tree renders now. Environment edits,
// catalog-only changes (an out/ written by another generator), files outside the semantic view,
// an invalid head and the markdown limits each show up as they should. Charts are not rendered here
// (--no-render): rendered.test.ts compares what they render.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffReport } from '../../generator/diff/compare.ts';
import { DEFAULT_BUDGET, DIFF_MARKER, toMarkdown } from '../../generator/diff/markdown.ts';
import { looksSecret } from '../../generator/secrets.ts';
import { inWorkspace, repoRoot, runCli } from '../helpers/workspace.ts';
import { commitBase, edit, git, PROD } from './repository.ts';

/** A repository as commitBase makes it; `change` edits the working tree, then `diff` runs. */
async function inRepo<T>(change: () => void, diff: () => Promise<T>, older?: () => void): Promise<T> {
  return inWorkspace(async () => {
    await commitBase(older);
    change();
    const result = await diff();
    expect(git('status', '--porcelain')).not.toContain('out/'); // nothing rendered to disk
    return result;
  });
}

async function diffAfter(change: () => void, older?: () => void): Promise<{ report: DiffReport; markdown: string }> {
  return inRepo(
    change,
    async () => {
      const json = await runCli(['diff', '--base', 'main', '--format', 'json', '--no-render']);
      expect(json.code, json.stderr).toBe(0);
      return { report: JSON.parse(json.stdout), markdown: (await runCli(['diff', '--base', 'main', '--no-render'])).stdout };
    },
    older,
  );
}

/** Every example environment, by name, in the order the report lists them. */
const EXAMPLES = readdirSync(path.join(repoRoot, 'environments'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

const envOf = (r: DiffReport, name: string) => r.environments.find((e) => e.name === name)!;
const prodOf = (r: DiffReport) => envOf(r, 'numbers-prod');

describe('slipway diff: environment changes', () => {
  it('reports no change for an unchanged tree', async () => {
    const { report, markdown } = await diffAfter(() => {});
    expect(report.environments.map((e) => [e.name, e.status])).toEqual(EXAMPLES.map((name) => [name, 'unchanged']));
    expect(report.files).toEqual({ added: [], removed: [], changed: [] });
    expect(report.problems).toEqual([]);
    expect(markdown).toContain('No changes to the generated infrastructure, releases or manifests.');
  });

  it('shows a chart bump as a version change of the release, not as danger', async () => {
    const { report, markdown } = await diffAfter(() => edit(PROD, 'chartVersion: 12.1.0', 'chartVersion: 12.2.0'));
    const prod = prodOf(report);
    expect(prod.releases.versions).toEqual([{ release: 'velero', old: '12.1.0', new: '12.2.0' }]);
    expect(prod.objects.changed).toEqual([{ key: 'HelmRelease/flux-system/velero', paths: ['spec.chart.spec.version'] }]);
    expect(prod.dangers).toEqual([]);
    expect(markdown).toContain('- chart bump: `velero` 12.1.0 → 12.2.0');
    // helmfile pins the version too: a file outside the semantic view, listed.
    expect(prod.files.changed).toContain('numbers-prod/helmfile/helmfile.yaml');
  });

  it('shows a values change by YAML path with old and new', async () => {
    const { report, markdown } = await diffAfter(() => edit(PROD, /ingressNginx:\n    replicas: 3/, 'ingressNginx:\n    replicas: 4'));
    const prod = prodOf(report);
    expect(prod.releases.values).toEqual([
      { release: 'ingress-nginx', path: 'controller.minAvailable', old: 2, new: 3 },
      { release: 'ingress-nginx', path: 'controller.replicaCount', old: 3, new: 4 },
    ]);
    expect(prod.dangers).toEqual([]);
    expect(envOf(report, 'numbers-test').status).toBe('unchanged');
    expect(markdown).toContain('| `ingress-nginx` | `controller.replicaCount` | `3` | `4` |');
  });

  it('flags a removed Postfacto instance: Flux prunes its namespace and release', async () => {
    const { report, markdown } = await diffAfter(() => {
      edit(PROD, /    - name: v4-3-10\n      version: "4.3.10"\n      host: previous.retro.numbers.example.com\n      replicas: \{ min: 2, max: 4 \}\n/, '');
      edit(PROD, '      postfacto-v4-3-10: edit\n', '');
    });
    const prod = prodOf(report);
    expect(prod.releases.removed).toEqual(['postfacto-v4-3-10']);
    expect(prod.objects.removed).toEqual(expect.arrayContaining(['Namespace//postfacto-v4-3-10', 'HelmRelease/flux-system/postfacto-v4-3-10']));
    expect(prod.terraform).toContainEqual({ path: 'databases.databases.databases.postfacto_v4_3_10', old: { password_secret_name: 'postfacto-v4-3-10-database-password', password_version: 1 } });
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
    const gated = await inRepo(() => edit(PROD, 'zones: [1, 2, 3]', 'zones: [1, 2]'), () => runCli(['diff', '--base', 'main', '--fail-on-danger', '--no-render']));
    expect(gated.code).toBe(1);
  });

  it('flags shortened backups and reports environments added and removed', async () => {
    const { report } = await diffAfter(() => {
      edit(PROD, 'ttl: 720h', 'ttl: 168h');
      git('mv', 'environments/numbers-test.yaml', 'environments/numbers-stage.yaml');
      edit('environments/numbers-stage.yaml', 'name: numbers-test', 'name: numbers-stage');
    });
    expect(prodOf(report).dangers.map((d) => d.what)).toEqual(['backup schedule daily TTL 720h -> 168h']);
    const untouched = EXAMPLES.filter((name) => name !== 'numbers-prod' && name !== 'numbers-test').map((name) => [name, 'unchanged']);
    expect(report.environments.map((e) => [e.name, e.status]).sort()).toEqual(
      [['numbers-prod', 'changed'], ['numbers-stage', 'added'], ['numbers-test', 'removed'], ...untouched].sort(),
    );
    expect(envOf(report, 'numbers-test').dangers.map((d) => d.kind)).toEqual(['environment']);
    expect(envOf(report, 'numbers-stage').objects.added).toContain('HelmRelease/flux-system/velero');
  });

  it('never prints a secret and refuses a revision git cannot read', async () => {
    const { markdown } = await diffAfter(() => edit(PROD, 'zones: [1, 2, 3]', 'zones: [1, 2]'));
    expect(looksSecret(markdown)).toBe(false);
    await inWorkspace(async () => {
      git('init', '-q', '-b', 'main');
      const run = await runCli(['diff', '--base', 'main']);
      expect(run.code).toBe(2); // no commit yet: the revision cannot be read
      expect(run.stderr).toContain('cannot read revision "main"');
    });
  });
});

describe('slipway diff: the base is what was committed, not a second render', () => {
  it('reports a catalog-only change as version changes, downgrades flagged with the reason', async () => {
    // main's out/ was written by a generator pinning newer Velero and cert-manager and an older
    // kube-prometheus-stack; the environment files are the same on both sides.
    const { report, markdown } = await diffAfter(
      () => {},
      () => {
        edit('out/base/velero/helmrelease.yaml', 'version: 12.1.0', 'version: 12.3.0');
        edit('out/base/cert-manager/source.yaml', 'tag: v1.21.1', 'tag: v1.22.0-rc.1');
        edit('out/base/kube-prometheus-stack/source.yaml', 'tag: 88.5.3', 'tag: 88.4.0');
      },
    );
    for (const env of ['numbers-prod', 'numbers-test']) {
      const e = envOf(report, env);
      expect(e.status, env).toBe('changed');
      expect(e.releases.versions).toEqual([
        { release: 'cert-manager', old: 'v1.22.0-rc.1', new: 'v1.21.1' },
        { release: 'kube-prometheus-stack', old: '88.4.0', new: '88.5.3' },
        { release: 'velero', old: '12.3.0', new: '12.1.0' },
      ]);
      expect(e.dangers.map((d) => [d.kind, d.what])).toEqual([
        ['downgrade', 'release cert-manager chart cert-manager downgraded v1.22.0-rc.1 -> v1.21.1'],
        ['downgrade', 'release velero chart velero downgraded 12.3.0 -> 12.1.0'],
      ]);
      expect(e.objects.changed.map((c) => c.key)).toEqual(['HelmRelease/flux-system/velero', 'OCIRepository/flux-system/cert-manager', 'OCIRepository/flux-system/kube-prometheus-stack']);
    }
    // The edited bases are shown through the objects, not again as files.
    expect(report.files).toEqual({ added: [], removed: [], changed: [] });
    expect(markdown).toContain('| numbers-test | changed | — | 1 chart bump, 2 chart downgrades | +0 −0 ~3 | — | **2** |');
    expect(markdown).toContain('- chart downgrade: `velero` 12.3.0 → 12.1.0');
    expect(markdown).toContain('- chart bump: `kube-prometheus-stack` 88.4.0 → 88.5.3');
    expect(markdown).toMatch(/:warning: \*\*numbers-test\*\*: release velero chart velero downgraded 12\.3\.0 -> 12\.1\.0\. Helm runs the older chart/);
  });

  it('lists files outside the semantic view, and files that changed only in form', async () => {
    const { report, markdown } = await diffAfter(
      () => {},
      () => {
        edit('out/numbers-prod/helmfile/helmfile.yaml', /$/, '# written by an older generator\n');
        appendFileSync('out/modules/aks/README.md', '\nAn older note.\n');
        // Same objects, other bytes: not shown by the object diff, so listed.
        appendFileSync('out/numbers-prod/flux/infrastructure/controllers/velero-values.yaml', '# a comment\n');
        edit('out/numbers-test/terraform/aks/main.tf', '# environment numbers-test', '# environment numbers-test, older header');
      },
    );
    const prod = prodOf(report);
    expect(prod.status).toBe('changed');
    expect(prod.files).toEqual({ added: [], removed: [], changed: ['numbers-prod/flux/infrastructure/controllers/velero-values.yaml', 'numbers-prod/helmfile/helmfile.yaml'] });
    expect(prod.objects).toEqual({ added: [], removed: [], changed: [] });
    expect(prod.terraform).toEqual([]);
    expect(envOf(report, 'numbers-test').files.changed).toEqual(['numbers-test/terraform/aks/main.tf']);
    expect(report.files.changed).toEqual(['modules/aks/README.md']);
    expect(markdown).toContain('- changed `out/numbers-prod/helmfile/helmfile.yaml`');
    expect(markdown).toContain('- changed `out/modules/aks/README.md`');
  });

  it('reads a module argument change in main.tf as a Terraform input change, not as a file', async () => {
    const { report } = await diffAfter(
      () => {},
      () => edit('out/numbers-prod/terraform/postgresql/main.tf', 'data.terraform_remote_state.aks.outputs.key_vault_id', 'data.terraform_remote_state.aks.outputs.old_key_vault_id'),
    );
    const prod = prodOf(report);
    expect(prod.terraform).toEqual([{ path: 'postgresql.postgresql.key_vault_id', old: 'data.terraform_remote_state.aks.outputs.old_key_vault_id', new: 'data.terraform_remote_state.aks.outputs.key_vault_id' }]);
    expect(prod.files).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe('slipway diff: an invalid working tree', () => {
  it('writes the located errors under the marker and exits 1, so the sticky comment is replaced', async () => {
    await inWorkspace(async () => {
      await commitBase();
      edit(PROD, 'zones: [1, 2, 3]', 'zones: [1, 4]');
      const run = await runCli(['diff', '--base', 'main', '--output', 'diff.md']);
      expect(run.code).toBe(1);
      const markdown = readFileSync('diff.md', 'utf8');
      expect(markdown.startsWith(`${DIFF_MARKER}\n`)).toBe(true);
      expect(markdown).toContain('The environment files do not validate, so there is nothing to compare.');
      expect(markdown).toMatch(/^- `environments\/numbers-prod\.yaml:\d+:\d+` \*\*AKS_ZONES\*\* .+\n {2}hint: .+$/m);
      expect(run.stderr).toMatch(/environments\/numbers-prod\.yaml:\d+:\d+ error AKS_ZONES/);
      const json = await runCli(['diff', '--base', 'main', '--format', 'json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ base: 'main', valid: false, issues: [expect.objectContaining({ code: 'AKS_ZONES', file: PROD })] });
    });
  });
});

describe('diff markdown', () => {
  const big: DiffReport = {
    base: 'main',
    head: 'working tree',
    problems: [],
    rendering: 'off',
    files: { added: [], removed: [], changed: [] },
    environments: Array.from({ length: 40 }, (_, i) => ({
      name: `env-${String(i).padStart(2, '0')}`,
      status: 'changed' as const,
      terraform: Array.from({ length: 150 }, (_, j) => ({ path: `aks.aks.input_${j}`, old: 'x'.repeat(40), new: 'y'.repeat(40) })),
      releases: { added: [], removed: [], versions: [], values: [] },
      objects: { added: [], removed: [], changed: [] },
      files: { added: [], removed: [], changed: [`env-${i}/helmfile/helmfile.yaml`] },
      dangers: [],
    })),
  };

  it('stays within the budget with an explicit truncation note, summary first', () => {
    const md = toMarkdown(big);
    expect(md.length).toBeLessThanOrEqual(DEFAULT_BUDGET);
    expect(md).toMatch(/_Truncated: the details of \d+ environment\(s\) \(\d+ characters\) are left out to stay within 60000 characters\./);
    expect(md.match(/^\| env-\d\d \|/gm)).toHaveLength(40);
    expect(md).toContain('| env-00 | changed | 150 | — | — | +0 −0 ~1 | — |');
    expect(md.startsWith('<!-- slipway:diff -->')).toBe(true);
  });

  it('redacts a value that looks like a secret', () => {
    const leaky: DiffReport = { ...big, environments: [{ ...big.environments[0]!, terraform: [{ path: 'x', old: 'a', new: 'password: hunter2hunter2' }] }] };
    expect(toMarkdown(leaky)).toContain('`[redacted]`');
    expect(toMarkdown(leaky)).not.toContain('hunter2');
  });

  it('lists shared files and states problems', () => {
    const md = toMarkdown({ ...big, environments: [], files: { added: ['modules/x/main.tf'], removed: [], changed: [] }, problems: ['Something could not be compared.'] });
    expect(md).toContain('No environment changes; 1 shared file under out/ changed (listed below).');
    expect(md).toContain('- added `out/modules/x/main.tf`');
    expect(md).toContain('> [!WARNING]\n> Something could not be compared.');
  });
});

describe('slipway diff --head: a pull request diffed by its base branch', () => {
  it("compares what the head committed, from a checkout of the base, and refuses a head without out/", async () => {
    await inWorkspace(async () => {
      await commitBase();
      git('checkout', '-q', '-b', 'feature');
      edit(PROD, /  ingressNginx:\n    replicas: 3/, '  ingressNginx:\n    replicas: 4');
      expect((await runCli(['generate'])).code).toBe(0);
      git('commit', '-q', '-am', 'more ingress replicas');
      // The base's checkout runs the diff: its working tree knows nothing of the change.
      git('checkout', '-q', 'main');
      const run = await runCli(['diff', '--base', 'main', '--head', 'feature', '--format', 'json', '--no-render']);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as DiffReport;
      expect(report.head).toBe('feature');
      expect(prodOf(report).releases.values).toContainEqual({ release: 'ingress-nginx', path: 'controller.replicaCount', old: 3, new: 4 });
      expect(envOf(report, 'numbers-test').status).toBe('unchanged');
      // Without the head's out/ there is nothing of its own to compare.
      git('checkout', '-q', '-b', 'bare');
      git('rm', '-rq', 'out');
      git('commit', '-q', '-m', 'no out');
      git('checkout', '-q', 'main');
      const bare = await runCli(['diff', '--base', 'main', '--head', 'bare', '--no-render']);
      expect(bare.code).toBe(2);
      expect(bare.stderr).toContain('bare has no committed out/');
      expect((await runCli(['diff', '--base', 'main', '--head', 'nope', '--no-render'])).code).toBe(2);
    });
  });
});
