// The exported slipway-validate hook with the real pre-commit (apt) in a temporary git repository:
// a commit with an invalid environment is refused with the located error; a valid one passes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { findOnPath } from '../../generator/find-on-path.ts';
import { cliFromSource, inWorkspace, repoRoot } from '../helpers/workspace.ts';

interface HookDefinition {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
}

const exported = parse(readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as HookDefinition[];

describe('pre-commit hooks', () => {
  it('exports slipway-validate and slipway-generate-check as node hooks over every environment', () => {
    expect(exported.map((h) => h.id)).toEqual(['slipway-validate', 'slipway-generate-check']);
    const validate = exported[0]!;
    expect(validate).toMatchObject({ entry: 'slipway validate', language: 'node', pass_filenames: false });
    expect(new RegExp(validate.files).test('environments/numbers-prod.yaml')).toBe(true);
    expect(new RegExp(validate.files).test('README.md')).toBe(false);
  });

  it('refuses a commit with an invalid environment and shows the located error; accepts a valid one', async () => {
    const preCommit = findOnPath('pre-commit');
    expect(preCommit, 'pre-commit must be installed (apt-get install pre-commit; .ci/run does)').toBeDefined();
    const home = mkdtempSync(path.join(tmpdir(), 'slipway-pre-commit-home-'));
    try {
      await inWorkspace(async (ws) => {
        const env = { ...process.env, PRE_COMMIT_HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), GIT_AUTHOR_NAME: 'ci', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'ci', GIT_COMMITTER_EMAIL: 'ci@example.com', NO_COLOR: '1' };
        const git = (...args: string[]) => spawnSync('git', args, { cwd: ws, env, encoding: 'utf8' });
        git('init', '-q', '-b', 'main');
        // The exported hook as a local hook: language system, running this checkout of Slipway
        // (language node would npm-install the package from its git repository).
        const hook = exported.find((h) => h.id === 'slipway-validate')!;
        const config = { repos: [{ repo: 'local', hooks: [{ ...hook, language: 'system', entry: `${process.execPath} ${cliFromSource.join(' ')} validate` }] }] };
        writeFileSync(path.join(ws, '.pre-commit-config.yaml'), stringify(config));
        execFileSync(preCommit!, ['install'], { cwd: ws, env });

        git('add', '.');
        const valid = git('commit', '-m', 'valid environments');
        expect(valid.status, valid.stdout + valid.stderr).toBe(0);
        expect(valid.stdout + valid.stderr).toMatch(/slipway validate\.+Passed/);

        const file = path.join(ws, 'environments/numbers-test.yaml');
        writeFileSync(file, readFileSync(file, 'utf8').replace('  zones: [1]', '  zones: [4]'));
        git('add', file);
        const invalid = git('commit', '-m', 'zone 4');
        const output = invalid.stdout + invalid.stderr;
        expect(invalid.status).toBe(1);
        expect(output).toMatch(/slipway validate\.+Failed/);
        expect(output).toMatch(/environments\/numbers-test\.yaml:\d+:\d+ error AKS_ZONES Zone 4 does not exist/);
        expect(git('log', '--oneline').stdout.trim().split('\n')).toHaveLength(1);
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("this repository's .pre-commit-config.yaml", () => {
  it('validates environments, checks the editor schema and terraform fmt', () => {
    const config = parse(readFileSync(path.join(repoRoot, '.pre-commit-config.yaml'), 'utf8')) as { repos: Array<{ hooks: Array<{ id: string; entry: string }> }> };
    const hooks = config.repos.flatMap((r) => r.hooks);
    expect(hooks.map((h) => [h.id, h.entry])).toEqual([
      ['slipway-validate', 'npx tsx generator/main.ts validate'],
      ['slipway-schema', 'npx tsx generator/main.ts schema --check'],
      ['terraform-fmt', 'terraform fmt -check'],
    ]);
  });
});
