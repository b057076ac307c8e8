// The exported hooks as another repository uses them: `repo:` pointing at a Slipway repository and
// `rev:` at a tag, run by the real pre-commit (apt), which installs the hooks with language: node
// (npm install, npm pack, npm install -g of the pack). The consumer has no Slipway checkout.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findOnPath } from '../../generator/find-on-path.ts';
import { cliFromSource, repoRoot } from '../helpers/workspace.ts';
import { offline } from '../packaging/package.ts';

const TAG = 'v0.0.0-consumer-test';
const identity = { GIT_AUTHOR_NAME: 'ci', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'ci', GIT_COMMITTER_EMAIL: 'ci@example.com' };
let slipwayRepo: string;
let consumer: string;
let home: string;

/** This checkout as a repository of its own (committed and uncommitted files alike), tagged. */
function snapshotRepository(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-upstream-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of listed) {
    const from = path.join(repoRoot, file);
    try {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      cpSync(from, path.join(dir, file));
    } catch {
      // deleted in the working tree but still in the index
    }
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...identity }, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'slipway');
  git('tag', TAG);
  return dir;
}

const env = () => ({ ...process.env, ...identity, PRE_COMMIT_HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), NO_COLOR: '1', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' });
const git = (...args: string[]) => spawnSync('git', args, { cwd: consumer, env: env(), encoding: 'utf8' });

beforeAll(() => {
  slipwayRepo = snapshotRepository();
  home = mkdtempSync(path.join(tmpdir(), 'slipway-pre-commit-home-'));
  consumer = mkdtempSync(path.join(tmpdir(), 'slipway-consumer-repo-'));
  mkdirSync(path.join(consumer, 'environments'));
  cpSync(path.join(repoRoot, 'environments/numbers-test.yaml'), path.join(consumer, 'environments/numbers-test.yaml'));
  // out/ as the team would have committed it, written by the same version of Slipway.
  execFileSync(process.execPath, [...cliFromSource, 'generate'], { cwd: consumer, stdio: 'pipe' });
  const config = { repos: [{ repo: slipwayRepo, rev: TAG, hooks: [{ id: 'slipway-validate' }, { id: 'slipway-generate-check' }] }] };
  writeFileSync(path.join(consumer, '.pre-commit-config.yaml'), stringify(config));
  git('init', '-q', '-b', 'main');
}, 60_000);
afterAll(() => {
  for (const dir of [slipwayRepo, consumer, home]) rmSync(dir, { recursive: true, force: true });
});

describe('the exported hooks in a consumer repository at a tag', () => {
  it('install with real pre-commit, then offline pass a good change and block a bad environment and a hand-edited out/', () => {
    const preCommit = findOnPath('pre-commit');
    expect(preCommit, 'pre-commit must be installed (apt-get install pre-commit; .ci/run does)').toBeDefined();
    execFileSync(preCommit!, ['install'], { cwd: consumer, env: env() });
    const install = spawnSync(preCommit!, ['install-hooks'], { cwd: consumer, env: env(), encoding: 'utf8' });
    expect(install.status, install.stdout + install.stderr).toBe(0);

    git('add', '.');
    // Installed once (above, with the npm cache); from here on the hooks run with no network at all.
    const good = offline('git', ['commit', '-m', 'numbers-test'], { cwd: consumer, env: env() });
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(good.stdout + good.stderr).toMatch(/slipway validate\.+Passed/);
    expect(good.stdout + good.stderr).toMatch(/slipway generate --check\.+Passed/);

    const file = path.join(consumer, 'environments/numbers-test.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  zones: [1]', '  zones: [4]'));
    git('add', file);
    const bad = offline('git', ['commit', '-m', 'zone 4'], { cwd: consumer, env: env() });
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/environments\/numbers-test\.yaml:\d+:\d+ error AKS_ZONES Zone 4 does not exist/);
    git('checkout', '--', '.');
    git('reset', '-q', '--hard');

    const helmfile = path.join(consumer, 'out/numbers-test/helmfile/helmfile.yaml');
    writeFileSync(helmfile, `${readFileSync(helmfile, 'utf8')}# edited by hand\n`);
    git('add', helmfile);
    const edited = offline('git', ['commit', '-m', 'hand edit'], { cwd: consumer, env: env() });
    expect(edited.status).toBe(1);
    expect(edited.stdout + edited.stderr).toContain('changed  out/numbers-test/helmfile/helmfile.yaml');
    expect(git('log', '--oneline').stdout.trim().split('\n')).toHaveLength(1);
  });

  it('keeps each hook environment small: the package is its files whitelist plus runtime dependencies', () => {
    const envDir = execFileSync('find', [home, '-maxdepth', '2', '-type', 'd', '-name', 'node_env-*'], { encoding: 'utf8' }).trim();
    expect(envDir).not.toBe('');
    const size = Number(execFileSync('du', ['-sm', envDir], { encoding: 'utf8' }).split('\t')[0]);
    // 49 MB before the files whitelist, 44 MB with every library as a runtime dependency; the bundled
    // CLI needs only ajv's runtime helpers at run time (for the precompiled validators): 10 MB.
    expect(size).toBeLessThan(15);
  });
});
