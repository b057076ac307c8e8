// The GitHub workflows: pinned actions, least privilege, commands that exist, shell that passes
// shellcheck; the promotion's own shell run against real git repositories; and the workflows' local
// equivalents pass here.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findOnPath } from '../generator/find-on-path.ts';
import { repoRoot, runCli } from './helpers/workspace.ts';

const dir = path.join(repoRoot, '.github/workflows');
const workflows = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.yml')).sort().map((f) => [f, { text: readFileSync(path.join(dir, f), 'utf8'), doc: parse(readFileSync(path.join(dir, f), 'utf8')) }]));
type Step = { uses?: string; run?: string; name?: string; id?: string; env?: Record<string, string> };
type Job = {
  permissions?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  environment?: string;
  needs?: string | string[];
  outputs?: Record<string, string>;
  if?: string;
  'runs-on'?: string;
  strategy?: { 'max-parallel'?: number; 'fail-fast'?: boolean; matrix?: { include?: string } };
  env?: Record<string, string>;
};
const jobs = Object.entries(workflows).flatMap(([file, w]) => Object.entries(w.doc.jobs as Record<string, Job>).map(([name, job]) => ({ file, name, job })));
const steps = jobs.flatMap((j) => (j.job.steps ?? []).map((s) => ({ ...j, step: s })));

describe('GitHub workflows', () => {
  it('has checks for pull requests and main, the diff comment on pull requests, the promotion, and Terraform plan and apply', () => {
    expect(Object.keys(workflows)).toEqual(['checks.yml', 'main.yml', 'promote.yml', 'pull-request.yml', 'terraform-apply.yml', 'terraform-plan.yml']);
    expect(workflows['terraform-plan.yml']!.doc.on.pull_request.branches).toEqual(['main']);
    expect(workflows['terraform-apply.yml']!.doc.on.push.branches).toEqual(['main', 'stage/**']);
    expect(workflows['pull-request.yml']!.doc.on).toHaveProperty('pull_request');
    expect(workflows['main.yml']!.doc.on.push.branches).toEqual(['main']);
    for (const f of ['main.yml', 'pull-request.yml']) expect(workflows[f]!.doc.jobs.checks.uses).toBe('./.github/workflows/checks.yml');
  });

  it('pins every action to a full commit SHA with its version', () => {
    const uses = steps.filter((s) => s.step.uses).map((s) => s.step.uses!);
    expect(uses.length).toBeGreaterThan(4);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const [file, w] of Object.entries(workflows)) for (const line of w.text.split('\n').filter((l) => /uses: [\w.-]+\/[\w.-]+@/.test(l))) expect(line, file).toMatch(/# v\d/);
  });

  it('grants read-only access by default, pull-requests: write only where a comment is posted, id-token: write only where Azure is logged in to', () => {
    for (const [file, w] of Object.entries(workflows)) expect(w.doc.permissions, file).toEqual({ contents: 'read' });
    const writers = jobs.filter((j) => Object.values(j.job.permissions ?? {}).includes('write'));
    expect(writers.map((j) => [j.file, j.name, j.job.permissions])).toEqual([
      ['pull-request.yml', 'diff', { contents: 'read', 'pull-requests': 'write' }],
      ['terraform-apply.yml', 'apply', { contents: 'read', 'id-token': 'write' }],
      ['terraform-plan.yml', 'plan', { contents: 'read', 'id-token': 'write' }],
      ['terraform-plan.yml', 'comment', { contents: 'read', 'pull-requests': 'write' }],
    ]);
    for (const w of writers.filter((j) => j.job.permissions!['pull-requests'] === 'write')) expect(w.job.steps!.some((s) => s.run?.includes('slipway comment')), w.name).toBe(true);
    const logins = jobs.filter((j) => (j.job.steps ?? []).some((s) => s.uses?.startsWith('azure/login@')));
    expect(logins.map((j) => `${j.file} ${j.name}`)).toEqual(writers.filter((j) => j.job.permissions!['id-token'] === 'write').map((j) => `${j.file} ${j.name}`));
    // The one job that reads other runs: what terraform-apply.yml applied last.
    expect(jobs.filter((j) => j.job.permissions?.actions).map((j) => [j.file, j.name, j.job.permissions])).toEqual([['terraform-apply.yml', 'stacks', { contents: 'read', actions: 'read' }]]);
    expect(Object.values(workflows).some((w) => /write-all|pull_request_target/.test(w.text))).toBe(false);
  });

  it('plans each changed stack read-only on pull requests and applies after merge one stack at a time, each behind its GitHub Environment', () => {
    const plan = workflows['terraform-plan.yml']!.doc.jobs as Record<string, Job>;
    const apply = workflows['terraform-apply.yml']!.doc.jobs as Record<string, Job>;
    expect(Object.keys(plan)).toEqual(['stacks', 'plan', 'comment']);
    expect(Object.keys(apply)).toEqual(['stacks', 'apply']);
    // No GitHub Environment for a plan: its OIDC subject stays repo:<owner>/<repo>:pull_request.
    expect(plan.plan!.environment).toBeUndefined();
    expect(apply.apply!.environment).toBe('${{ matrix.environment }}');
    expect(apply.apply!.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true, matrix: { include: '${{ fromJSON(needs.stacks.outputs.matrix).include }}' } });
    expect(plan.plan!.strategy).toMatchObject({ 'fail-fast': false, matrix: { include: '${{ fromJSON(needs.stacks.outputs.matrix).include }}' } });
    // The runner per stack from TERRAFORM_RUNNERS, the same in both; ubuntu-24.04 otherwise.
    expect(plan.plan!['runs-on']).toBe(apply.apply!['runs-on']);
    expect(plan.plan!['runs-on']).toMatch(/^\$\{\{ fromJSON\(vars\.TERRAFORM_RUNNERS \|\| '\{\}'\)\[format\('\{0\}\/\{1\}', matrix\.environment, matrix\.stack\)\] .* \|\| 'ubuntu-24\.04' \}\}$/);
    // Identities: the plan one per environment from a repository variable, the deployer from the environment's variables.
    expect(plan.plan!.env).toMatchObject({ ARM_USE_OIDC: 'true', ARM_CLIENT_ID: "${{ fromJSON(vars.AZURE_PLAN_IDENTITIES || '{}')[matrix.environment].clientId }}" });
    expect(apply.apply!.env).toMatchObject({ ARM_USE_OIDC: 'true', ARM_CLIENT_ID: '${{ vars.AZURE_CLIENT_ID }}', ARM_TENANT_ID: '${{ vars.AZURE_TENANT_ID }}', ARM_SUBSCRIPTION_ID: '${{ vars.AZURE_SUBSCRIPTION_ID }}' });
    const runOf = (job: Job, name: string) => job.steps!.find((st) => st.name === name)!.run!;
    expect(runOf(plan.plan!, 'terraform plan (no state lock)')).toContain('terraform plan -input=false -lock=false -out="$RUNNER_TEMP/tfplan"');
    expect(runOf(apply.apply!, 'terraform apply')).toContain('terraform apply -input=false -lock-timeout=10m "$RUNNER_TEMP/tfplan"');
    expect(runOf(plan.comment!, 'Sticky plan comment, by the base branch\'s Slipway')).toContain('--marker plan');
    expect(plan.comment!.if).toBe("${{ !cancelled() && needs.stacks.result == 'success' }}");
    expect(plan.stacks!.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    // Inputs reach the shell through env, never spliced into the script.
    for (const job of [...Object.values(plan), ...Object.values(apply)]) for (const st of job.steps ?? []) expect(st.run ?? '', st.name).not.toMatch(/\$\{\{/);
  });

  it('promotes with the deploy key of the stage\'s GitHub Environment only, after the checks are known green', () => {
    const promote = workflows['promote.yml']!.doc;
    const inputs = promote.on.workflow_dispatch.inputs;
    expect(inputs.stage).toMatchObject({ type: 'choice', options: ['test', 'prod'], required: true });
    expect(inputs.ref).toMatchObject({ type: 'string', default: 'main' });
    expect(Object.keys(promote.jobs)).toEqual(['verify', 'promote']);
    const { verify, promote: writer } = promote.jobs as Record<string, Job>;
    // The one job that can move a stage: it runs in the GitHub Environment named after the stage
    // (its required reviewers approve it first), after verify, with a read-only GITHUB_TOKEN: the
    // deploy key, an environment secret, is what writes (GITHUB_TOKEN cannot bypass a ruleset).
    expect(writer!.environment).toBe('${{ inputs.stage }}');
    expect(writer!.needs).toBe('verify');
    expect(writer!.permissions).toEqual({ contents: 'read' });
    expect(verify!.environment).toBeUndefined();
    expect(verify!.permissions).toEqual({ contents: 'read', checks: 'read' });
    const secretUses = jobs.flatMap((j) => (j.job.steps ?? []).filter((st) => JSON.stringify(st).includes('secrets.PROMOTE_DEPLOY_KEY')).map(() => `${j.file} ${j.name}`));
    expect(secretUses).toEqual(['promote.yml promote']);
    const push = writer!.steps!.find((st) => st.run?.includes('git push'))!;
    expect(push.env).toMatchObject({ SHA: '${{ needs.verify.outputs.sha }}', DEPLOY_KEY: '${{ secrets.PROMOTE_DEPLOY_KEY }}' });
    const pushLines = push.run!.split('\n').filter((l) => /^\s*git push/.test(l));
    expect(pushLines).toEqual(['git push "git@${host}:${GITHUB_REPOSITORY}.git" "${SHA}:refs/heads/stage/${STAGE}"']);
    expect(verify!.outputs).toEqual({ sha: '${{ steps.commit.outputs.sha }}' });
    // Inputs reach the shell through env, never spliced into the script.
    for (const st of [...verify!.steps!, ...writer!.steps!]) expect(st.run ?? '', st.name).not.toMatch(/\$\{\{/);
  });

  it('runs the required checks', () => {
    const runs = steps.map((s) => s.step.run ?? '').join('\n');
    for (const command of [
      'npm ci',
      'npx slipway validate',
      'npx slipway verify',
      'npx slipway schema --check',
      'npx slipway generate --check',
      'npx slipway diff --base',
      'kubeconform -strict',
      'kubectl kustomize',
      'terraform fmt -check',
      'init -backend=false',
      'validate',
      'npm test',
      'GITHUB_STEP_SUMMARY',
      'npx slipway stacks --base',
      'npx slipway plan-summary',
      'terraform show -json',
      'terraform apply',
    ]) {
      expect(runs, command).toContain(command);
    }
  });

  it('only calls slipway commands that exist', async () => {
    const commands = [...new Set(steps.flatMap((s) => [...(s.step.run ?? '').matchAll(/npx slipway ([a-z][a-z-]*)/g)].map((m) => m[1]!)))];
    for (const c of commands) expect((await runCli([c, '--help'])).code, c).toBe(0);
  });

  it('every run block passes shellcheck', () => {
    const shellcheck = findOnPath('shellcheck');
    expect(shellcheck, 'shellcheck must be installed (apt-get install shellcheck; .ci/run does)').toBeDefined();
    for (const { file, name, step } of steps.filter((s) => s.step.run)) {
      // GitHub expressions are substituted before the shell runs; stand in a plain word.
      const script = `#!/usr/bin/env bash\nset -euo pipefail\n${step.run!.replace(/\$\{\{[^}]*\}\}/g, 'x')}`;
      expect(() => execFileSync(shellcheck!, ['-s', 'bash', '-'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] }), `${file} ${name}: ${step.name ?? step.run}`).not.toThrow();
    }
  });
});

// The promote workflow's two scripts, run as GitHub runs them (bash -eo pipefail) in a clone of a
// real git repository, with gh answering check runs from fixtures and ssh serving the push from a
// local bare repository: what is promoted, what is refused, and what the push does.
describe("the promote workflow's shell", () => {
  const promote = workflows['promote.yml']!.doc.jobs as Record<string, Job>;
  const verifyStep = promote.verify!.steps!.find((st) => st.id === 'commit')!;
  const pushStep = promote.promote!.steps!.find((st) => st.run?.includes('git push'))!;
  let root: string;
  let checkout: string;
  const sha: Record<string, string> = {};
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: root } }).trim();
  const origin = () => path.join(root, 'github/numbers/platform-gitops.git');

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'slipway-promote-'));
    mkdirSync(path.join(root, 'github/numbers'), { recursive: true });
    git(root, 'init', '--bare', '-q', '-b', 'main', origin());
    const seed = path.join(root, 'seed');
    git(root, 'init', '-q', '-b', 'main', seed);
    const commit = (name: string, file: string) => {
      writeFileSync(path.join(seed, file), `${name}\n`);
      git(seed, 'add', '.');
      git(seed, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', name);
      sha[name] = git(seed, 'rev-parse', 'HEAD');
    };
    mkdirSync(path.join(seed, 'out'));
    commit('A', 'out/a.yaml');
    git(seed, 'checkout', '-q', '-b', 'feature');
    commit('X', 'out/x.yaml'); // a pull request's head: never merged
    git(seed, 'checkout', '-q', 'main');
    commit('B', 'out/b.yaml');
    git(seed, 'tag', 'v1');
    commit('C', 'out/c.yaml');
    git(seed, 'push', '-q', origin(), 'main', 'feature', 'v1', `${sha.A}:refs/heads/stage/test`, `${sha.X}:refs/heads/stage/odd`);
    checkout = path.join(root, 'checkout');
    git(root, 'clone', '-q', origin(), checkout); // as actions/checkout with fetch-depth: 0
    const bin = path.join(root, 'bin');
    mkdirSync(bin);
    mkdirSync(path.join(root, 'stubs'));
    writeFileSync(
      path.join(bin, 'gh'),
      [
        '#!/usr/bin/env bash',
        'set -euo pipefail',
        'echo "$*" >> "$STUBS/gh.log"',
        'if [ "$1 $2" = "api meta" ]; then echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"; exit 0; fi',
        '# api -X GET repos/OWNER/REPO/commits/SHA/check-runs -f check_name=NAME -f filter=latest',
        'path=$4; sha=${path#*/commits/}; sha=${sha%%/*}; name=${6#check_name=}',
        'file="$STUBS/$sha.json"',
        '[ -f "$file" ] || { echo \'{"total_count":0,"check_runs":[]}\'; exit 0; }',
        'jq --arg n "$name" \'{check_runs: [.[] | select(.name == $n)]}\' "$file"',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(bin, 'ssh'),
      [
        '#!/usr/bin/env bash',
        '# ssh -i KEY -o ... git@HOST "git-receive-pack \'owner/repo.git\'": served from $FAKE_GITHUB.',
        'for last; do :; done',
        'echo "$* key-mode=$(stat -c %a "$2")" >> "$STUBS/ssh.log"',
        'cd "$FAKE_GITHUB" && eval "$last"',
        '',
      ].join('\n'),
    );
    chmodSync(path.join(bin, 'gh'), 0o755);
    chmodSync(path.join(bin, 'ssh'), 0o755);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const runs = (name: string, entries: { name?: string; slug?: string; status?: string; conclusion?: string | null }[]) =>
    writeFileSync(path.join(root, 'stubs', `${sha[name]}.json`), JSON.stringify(entries.map((e) => ({ name: e.name ?? 'checks / checks', app: { slug: e.slug ?? 'github-actions' }, status: e.status ?? 'completed', conclusion: e.conclusion === undefined ? 'success' : e.conclusion }))));

  const run = (step: Step, env: Record<string, string>) => {
    const temp = mkdtempSync(path.join(root, 'run-'));
    const files = { GITHUB_OUTPUT: path.join(temp, 'output'), GITHUB_STEP_SUMMARY: path.join(temp, 'summary') };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).filter(([, v]) => !v.includes('${{')));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: checkout,
      encoding: 'utf8',
      env: {
        PATH: `${path.join(root, 'bin')}:${process.env.PATH}`,
        HOME: root,
        GIT_CONFIG_NOSYSTEM: '1',
        STUBS: path.join(root, 'stubs'),
        FAKE_GITHUB: path.join(root, 'github'),
        RUNNER_TEMP: temp,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REPOSITORY: 'numbers/platform-gitops',
        GITHUB_SERVER_URL: 'https://github.com',
        GH_TOKEN: 'x',
        DEFAULT_BRANCH: 'main',
        ...stepEnv,
        ...files,
        ...env,
      },
    });
    return { code: result.status, stdout: result.stdout, output: readFileSync(files.GITHUB_OUTPUT, 'utf8'), summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'), temp };
  };
  const verify = (env: Record<string, string>) => run(verifyStep, { STAGE: 'test', ...env });

  it('promotes the default branch once its checks passed, listing what moves', () => {
    runs('C', [{}, { name: 'lint', conclusion: 'failure' }]);
    const r = verify({ REF: 'main' });
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    expect(r.output).toBe(`sha=${sha.C}\n`);
    expect(r.summary).toContain(`### Promote ${sha.C} to stage/test`);
    expect(r.summary).toMatch(/\n[0-9a-f]{7,} C\n[0-9a-f]{7,} B\n~~~\n/);
    expect(r.summary).toMatch(/out\/b\.yaml \| 1 \+[\s\S]*out\/c\.yaml \| 1 \+/);
  });

  it('takes a tag or a commit, and creates a stage branch that does not exist yet', () => {
    runs('B', [{}]);
    expect(verify({ REF: 'v1' }).output).toBe(`sha=${sha.B}\n`);
    const r = verify({ REF: sha.B!, STAGE: 'prod' });
    expect(r.output).toBe(`sha=${sha.B}\n`);
    expect(r.summary).toContain('stage/prod does not exist yet: it is created at this commit.');
  });

  it.each([
    ['a commit not on the default branch', () => runs('X', [{}]), { REF: 'feature' }, /::error::[0-9a-f]{40} is not on main: only commits merged after review are promoted\./],
    ['a failed check', () => runs('C', [{ conclusion: 'failure' }]), { REF: 'main' }, /::error::The check "checks \/ checks" on [0-9a-f]{40} is failure, not success/],
    ['a check still running', () => runs('C', [{ status: 'in_progress', conclusion: null }]), { REF: 'main' }, /is in_progress, not success/],
    ['a check by another app only', () => runs('C', [{ slug: 'someone-else' }]), { REF: 'main' }, /is missing, not success/],
    ['a ref that does not exist', () => {}, { REF: 'no-such-ref' }, /::error::No commit "no-such-ref" in this repository\./],
    ['a stage that would move backwards or sideways', () => runs('C', [{}]), { REF: 'main', STAGE: 'odd' }, /::error::stage\/odd is at [0-9a-f]{40}, which [0-9a-f]{40} does not contain: a promotion only moves forward/],
    ['a run from another branch', () => runs('C', [{}]), { REF: 'main', GITHUB_REF: 'refs/heads/feature' }, /::error::Run promote from main, not refs\/heads\/feature\./],
    ['an option for a ref', () => {}, { REF: '--all' }, /::error::No commit "--all"/],
  ])('refuses %s', (_name, setup, env, says) => {
    setup();
    const r = verify(env as Record<string, string>);
    expect(r.stdout).toMatch(says);
    expect(r.code).toBe(1);
    expect(r.output).toBe('');
  });

  it('pushes with the deploy key over SSH, host keys from GitHub, fast-forward only', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----';
    const r = run(pushStep, { SHA: sha.C!, STAGE: 'test', DEPLOY_KEY: key });
    expect(r.code, r.stdout).toBe(0);
    expect(git(root, '--git-dir', origin(), 'rev-parse', 'refs/heads/stage/test')).toBe(sha.C);
    const ssh = readFileSync(path.join(root, 'stubs/ssh.log'), 'utf8');
    expect(ssh).toContain(`-i ${r.temp}/promote-key -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${r.temp}/known_hosts`);
    expect(ssh).toMatch(/git@github\.com git-receive-pack 'numbers\/platform-gitops\.git' key-mode=600/);
    expect(readFileSync(path.join(r.temp, 'known_hosts'), 'utf8')).toBe('github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n');
    expect(() => readFileSync(path.join(r.temp, 'promote-key'))).toThrow(); // removed on exit
    expect(r.summary).toBe(`stage/test is at ${sha.C}; Flux applies it at its next interval.\n`);
    // Back to a commit the stage already contains: refused, the stage stays.
    const back = run(pushStep, { SHA: sha.B!, STAGE: 'test', DEPLOY_KEY: key });
    expect(back.code).not.toBe(0);
    expect(git(root, '--git-dir', origin(), 'rev-parse', 'refs/heads/stage/test')).toBe(sha.C);
  });

  it('without the environment secret, says so and pushes nothing', () => {
    const r = run(pushStep, { SHA: sha.C!, STAGE: 'prod', DEPLOY_KEY: '' });
    expect(r.stdout).toBe('::error::The GitHub Environment prod has no secret PROMOTE_DEPLOY_KEY (README "Promotion").\n');
    expect(r.code).toBe(1);
  });
});

describe("the workflows' local equivalents", () => {
  it.each([['validate'], ['schema', '--check'], ['generate', '--check']])('slipway %s passes on this repository', async (...args) => {
    const previous = process.cwd();
    process.chdir(repoRoot);
    try {
      const run = await runCli(args);
      expect(run.code, run.stdout + run.stderr).toBe(0);
    } finally {
      process.chdir(previous);
    }
  });
});
