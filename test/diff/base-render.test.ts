// A base revision without out/: its own generator renders it in a temporary git worktree. The base
// commit holds this repository's committed generator (with one pin changed, so the base's render
// is told apart from this version's) and the examples, but no out/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffReport } from '../../generator/diff/compare.ts';
import { inWorkspace, repoRoot, runCli } from '../helpers/workspace.ts';
import { edit, git } from './repository.ts';

/** This repository's committed generator sources, extracted into the working directory. */
function extractGenerator(): void {
  const tar = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', 'HEAD', 'generator', 'schema', 'terraform', 'package.json'], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-f', '-'], { input: tar });
  symlinkSync(path.join(repoRoot, 'node_modules'), 'node_modules', 'dir');
  writeFileSync('.gitignore', 'node_modules\n');
}

/** Every example environment, by name, as the report lists them. */
const EXAMPLES = readdirSync(path.join(repoRoot, 'environments'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

const worktrees = () => git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;

async function diffJson(): Promise<DiffReport> {
  const run = await runCli(['diff', '--base', 'main', '--format', 'json', '--no-render']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as DiffReport;
}

describe('slipway diff against a base without out/', () => {
  it("renders the base with the base's own generator in a temporary worktree", async () => {
    await inWorkspace(async () => {
      extractGenerator();
      // The base's generator pins a newer Velero than this version does.
      edit('generator/catalog/charts.ts', "velero: { version: '12.1.0'", "velero: { version: '12.3.0'");
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-q', '-m', 'base without out/');
      expect(git('ls-tree', '-r', '--name-only', 'main')).not.toContain('out/');

      const report = await diffJson();
      expect(report.problems).toEqual([]);
      const test = report.environments.find((e) => e.name === 'numbers-test')!;
      expect(test.releases.versions).toEqual([{ release: 'velero', old: '12.3.0', new: '12.1.0' }]);
      expect(test.dangers.map((d) => d.kind)).toEqual(['downgrade']);
      // numbers-prod pins 12.1.0 itself: the cluster gets the same objects, only its patch file differs.
      const prod = report.environments.find((e) => e.name === 'numbers-prod')!;
      expect(prod.objects).toEqual({ added: [], removed: [], changed: [] });
      expect(prod.files.changed).toEqual(['numbers-prod/flux/infrastructure/controllers/velero-values.yaml']);
      // The worktree is gone and the checkout untouched.
      expect(worktrees()).toBe(1);
      expect(git('status', '--porcelain')).toBe('');
    });
  });

  it('says so when the base has no generator to run, and compares its environment files rendered by this version', async () => {
    await inWorkspace(async () => {
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-q', '-m', 'environments only');
      const report = await diffJson();
      expect(report.problems).toEqual([expect.stringMatching(/^out\/ is not committed at main and main's own generator could not write it \(it contains neither generator\/main\.ts nor bin\/slipway\.js, so there is no generator to run\)\. The base side is rendered from main's environment files by this version of Slipway instead/)]);
      expect(report.environments.map((e) => [e.name, e.status])).toEqual(EXAMPLES.map((name) => [name, 'unchanged']));
      const markdown = (await runCli(['diff', '--base', 'main', '--no-render'])).stdout;
      expect(markdown).toContain('> [!WARNING]\n> out/ is not committed at main');
    });
  });

  it('runs an older base through bin/slipway.js with generate --out', async () => {
    await inWorkspace(async () => {
      // Stands in for the older CLI: writes one environment's resolved file where --out says.
      mkdirSync('bin');
      writeFileSync(
        'bin/slipway.js',
        [
          "import { mkdirSync, writeFileSync } from 'node:fs';",
          "const [command, flag, out] = process.argv.slice(2);",
          "if (command !== 'generate' || flag !== '--out') process.exit(2);",
          "mkdirSync(`${out}/legacy`, { recursive: true });",
          "writeFileSync(`${out}/legacy/environment.resolved.yaml`, 'name: legacy\\n');",
          '',
        ].join('\n'),
      );
      writeFileSync('package.json', '{ "type": "module" }\n');
      symlinkSync(path.join(repoRoot, 'node_modules'), 'node_modules', 'dir');
      writeFileSync('.gitignore', 'node_modules\n');
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-q', '-m', 'an older layout');
      const report = await diffJson();
      expect(report.problems).toEqual([]);
      expect(report.environments.map((e) => [e.name, e.status]).sort()).toEqual([['legacy', 'removed'], ...EXAMPLES.map((name) => [name, 'added'])].sort());
      expect(report.environments.find((e) => e.name === 'legacy')!.files.removed).toEqual(['legacy/environment.resolved.yaml']);
    });
  });

  it('reports a base generator that fails as a problem, not a crash', async () => {
    await inWorkspace(async () => {
      mkdirSync('generator');
      writeFileSync('generator/main.ts', "process.stderr.write('this generator is broken\\n');\nprocess.exit(3);\n");
      symlinkSync(path.join(repoRoot, 'node_modules'), 'node_modules', 'dir');
      writeFileSync('.gitignore', 'node_modules\n');
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-q', '-m', 'a broken generator');
      const report = await diffJson();
      expect(report.problems[0]).toContain('its generator (generator/main.ts) exited with 3: this generator is broken');
      expect(worktrees()).toBe(1);
    });
  });
});
