// slipway repository check against a real HTTP server on loopback standing in for the GitHub REST
// API (branches, classic protection, rules for a branch, rulesets, environments, workflow
// permissions, contents, trees, CODEOWNERS errors), with the real Octokit client talking to it. The
// answers have the shapes of GitHub's REST reference; each scenario changes one setting of a
// well-configured repository and expects exactly its line.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { repositoryOf } from '../../generator/github/repository-check.ts';
import { repoRoot, runCli } from '../helpers/workspace.ts';

const TOKEN = 'loopback-admin-token-that-must-never-be-printed';
/** A token that may read the repository but not its administration settings. */
const READ_TOKEN = 'loopback-read-only-token-never-printed';
const OWNER = 'numbers';
const REPO = 'platform-gitops';
const BASE = `/repos/${OWNER}/${REPO}`;
const MAIN_SHA = 'a'.repeat(40);
const PROD_SHA = 'b'.repeat(40);

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Fake {
  defaultBranch: string;
  branches: Record<string, { sha: string; protection?: Json }>;
  rules: Record<string, Json[]>;
  rulesets: Record<number, Json>;
  workflow: Json;
  files: Record<string, string>;
  codeownersErrors: Json[] | undefined;
  environments: Record<string, Json>;
  /** Answers that replace GitHub's for "METHOD /path" (path decoded). */
  override: Record<string, Answer>;
}

const GOOD_CODEOWNERS = ['# owners', '*                @numbers/platform', '/environments/   @numbers/platform', '/out/            @numbers/platform', '/.github/        @numbers/platform', ''].join('\n');

const link = (p: string) => `https://api.github.com${BASE}${p}`;
const classic = (overrides: Json = {}): Json => ({
  url: link('/branches/main/protection'),
  required_status_checks: { url: link('/branches/main/protection/required_status_checks'), strict: true, contexts: ['slipway'], contexts_url: link('/x'), checks: [{ context: 'slipway', app_id: 15368 }] },
  enforce_admins: { url: link('/branches/main/protection/enforce_admins'), enabled: true },
  required_pull_request_reviews: { url: link('/x'), dismiss_stale_reviews: true, require_code_owner_reviews: true, required_approving_review_count: 1, require_last_push_approval: false },
  required_signatures: { url: link('/x'), enabled: false },
  required_linear_history: { enabled: false },
  allow_force_pushes: { enabled: false },
  allow_deletions: { enabled: false },
  block_creations: { enabled: false },
  required_conversation_resolution: { enabled: false },
  lock_branch: { enabled: false },
  allow_fork_syncing: { enabled: false },
  ...overrides,
});
const rule = (type: string, rulesetId: number, parameters?: Json): Json => ({ type, ...(parameters && { parameters }), ruleset_source_type: 'Repository', ruleset_source: `${OWNER}/${REPO}`, ruleset_id: rulesetId });
const ruleset = (id: number, bypass: Json[] | undefined): Json => ({ id, name: `ruleset ${id}`, target: 'branch', source_type: 'Repository', source: `${OWNER}/${REPO}`, enforcement: 'active', ...(bypass && { bypass_actors: bypass }), node_id: 'RRS_x', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' });
const DEPLOY_KEY = { actor_id: null, actor_type: 'DeployKey', bypass_mode: 'always' };
const prodEnvironment = (overrides: Json = {}): Json => ({
  id: 161088068,
  node_id: 'EN_x',
  name: 'prod',
  url: link('/environments/prod'),
  html_url: 'https://github.com/numbers/platform-gitops/deployments/activity_log?environments_filter=prod',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  protection_rules: [
    { id: 3755, node_id: 'GA_x', prevent_self_review: true, type: 'required_reviewers', reviewers: [{ type: 'Team', reviewer: { id: 1, slug: 'platform', name: 'platform' } }] },
    { id: 3756, node_id: 'GA_y', type: 'branch_policy' },
  ],
  deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  ...overrides,
});

/** A repository with every setting Slipway asks for: classic protection on main, a ruleset on stage/*. */
function wellConfigured(): Fake {
  return {
    defaultBranch: 'main',
    branches: { main: { sha: MAIN_SHA, protection: classic() }, 'stage/prod': { sha: PROD_SHA } },
    rules: { 'stage/prod': [rule('update', 7, { update_allows_fetch_and_merge: false }), rule('deletion', 7), rule('non_fast_forward', 7)] },
    rulesets: { 7: ruleset(7, [DEPLOY_KEY]) },
    workflow: { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false },
    files: {
      '.github/CODEOWNERS': GOOD_CODEOWNERS,
      '.github/workflows/slipway.yml': 'on: pull_request\n',
      'environments/numbers-prod.yaml': '',
      'environments/numbers-test.yaml': '',
      'out/.slipway-manifest.json': '{}',
      'out/numbers-prod/flux/apps.yaml': '',
      'out/base/postfacto/release/helmrelease.yaml': '',
      'README.md': '',
    },
    codeownersErrors: [],
    environments: { prod: prodEnvironment() },
    override: {},
  };
}

let fake: Fake;
let log: string[];
let server: Server;
let apiUrl: string;
let dir: string;
let previousCwd: string;

const notFound = (message = 'Not Found'): Answer => ({ status: 404, body: { message, documentation_url: 'https://docs.github.com/rest', status: '404' } });
const forbidden = (accepted: string): Answer => ({
  status: 403,
  body: { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest', status: '403' },
  headers: { 'x-accepted-github-permissions': accepted, 'x-ratelimit-remaining': '4999' },
});

/** GitHub's behaviour for the endpoints used. */
function serve(req: IncomingMessage, url: URL): Answer {
  const auth = req.headers.authorization;
  if (auth !== `token ${TOKEN}` && auth !== `token ${READ_TOKEN}`) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
  const admin = auth === `token ${TOKEN}`;
  // numbers/other is served from the same settings: a repository no environment syncs.
  const served = /^\/repos\/numbers\/(?:platform-gitops|other)(\/.*)?$/.exec(decodeURIComponent(url.pathname));
  if (!served) return notFound();
  const rest = served[1] ?? '';
  const ref = url.searchParams.get('ref');
  let m: RegExpExecArray | null;
  if (rest === '') return { status: 200, body: { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, private: true, default_branch: fake.defaultBranch, permissions: { admin, maintain: admin, push: true, triage: true, pull: true } } };
  if ((m = /^\/branches\/(.+)\/protection$/.exec(rest))) {
    if (!admin) return forbidden('administration=read');
    const b = fake.branches[m[1]!];
    if (!b) return notFound('Branch not found');
    return b.protection ? { status: 200, body: b.protection } : notFound('Branch not protected');
  }
  if ((m = /^\/branches\/(.+)$/.exec(rest))) {
    const b = fake.branches[m[1]!];
    return b ? { status: 200, body: { name: m[1], commit: { sha: b.sha, url: link(`/commits/${b.sha}`) }, protected: Boolean(b.protection), protection_url: link(`/branches/${m[1]}/protection`) } } : notFound('Branch not found');
  }
  if ((m = /^\/rules\/branches\/(.+)$/.exec(rest))) {
    const all = fake.rules[m[1]!] ?? [];
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    const pages = Math.max(1, Math.ceil(all.length / perPage));
    return { status: 200, body: all.slice((page - 1) * perPage, page * perPage), headers: page < pages ? { link: `<${apiUrl}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"` } : {} };
  }
  if ((m = /^\/rulesets\/(\d+)$/.exec(rest))) {
    const r = fake.rulesets[Number(m[1])];
    if (!r) return notFound();
    // bypass_actors is shown only to those who may edit the ruleset.
    const { bypass_actors: _hidden, ...visible } = r;
    return { status: 200, body: admin ? r : visible };
  }
  if (rest === '/actions/permissions/workflow') return admin ? { status: 200, body: fake.workflow } : forbidden('administration=read');
  if ((m = /^\/environments\/(.+)$/.exec(rest))) {
    const e = fake.environments[m[1]!];
    return e ? { status: 200, body: e } : notFound();
  }
  if ((m = /^\/contents\/(.+)$/.exec(rest))) {
    if (ref !== MAIN_SHA) return notFound('No commit found for the ref');
    const content = fake.files[m[1]!];
    if (content === undefined) return notFound();
    return { status: 200, body: { type: 'file', encoding: 'base64', size: Buffer.byteLength(content), name: path.basename(m[1]!), path: m[1], content: Buffer.from(content).toString('base64').replace(/(.{60})/g, '$1\n'), sha: 'c'.repeat(40), url: link(`/contents/${m[1]}`), git_url: null, html_url: null, download_url: null, _links: { self: link(`/contents/${m[1]}`), git: null, html: null } } };
  }
  if ((m = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest))) {
    if (m[1] !== MAIN_SHA || url.searchParams.get('recursive') === null) return notFound();
    return { status: 200, body: { sha: MAIN_SHA, url: link(`/git/trees/${MAIN_SHA}`), truncated: false, tree: Object.keys(fake.files).map((f) => ({ path: f, mode: '100644', type: 'blob', sha: 'd'.repeat(40), size: 1 })) } };
  }
  if (rest === '/codeowners/errors') return fake.codeownersErrors ? { status: 200, body: { errors: fake.codeownersErrors } } : notFound();
  return notFound();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    const key = `${req.method} ${decodeURIComponent(url.pathname)}`;
    log.push(`${req.method} ${decodeURIComponent(url.pathname)}${url.search}`);
    const answer = fake.override[key] ?? (req.method === 'GET' ? serve(req, url) : { status: 405, body: { message: 'not a GET' } });
    if (answer.body === undefined) return void res.writeHead(answer.status, answer.headers ?? {}).end();
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // The example environments, prod syncing the promotion branch stage/prod.
  dir = mkdtempSync(path.join(tmpdir(), 'slipway-repository-'));
  cpSync(path.join(repoRoot, 'environments'), path.join(dir, 'environments'), { recursive: true });
  const prodFile = path.join(dir, 'environments/numbers-prod.yaml');
  const doc = parseDocument(readFileSync(prodFile, 'utf8'));
  doc.setIn(['gitops', 'branch'], 'stage/prod');
  writeFileSync(prodFile, doc.toString());
  previousCwd = process.cwd();
  process.chdir(dir);
});
afterAll(async () => {
  process.chdir(previousCwd);
  rmSync(dir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  fake = wellConfigured();
  log = [];
});

const FAST = { SLIPWAY_GITHUB_RETRY_BASE_MS: '5', SLIPWAY_GITHUB_TIMEOUT_MS: '2000', SLIPWAY_GITHUB_DEADLINE_MS: '10000' };
const check = async (args: string[] = [], env: Record<string, string> = {}) => {
  const run = await runCli(['repository', 'check', ...args], { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: apiUrl, ...FAST, ...env });
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
  expect(run.stdout + run.stderr).not.toContain(READ_TOKEN);
  expect(log.filter((l) => !l.startsWith('GET '))).toEqual([]);
  return run;
};
/** The finding lines: location, severity, code. */
const findings = (stdout: string) => [...stdout.matchAll(/^(\S+) (error|warning) (REPO_[A-Z_]+) /gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
const MAIN = `${OWNER}/${REPO}:refs/heads/main`;
const PROD = `${OWNER}/${REPO}:refs/heads/stage/prod`;

describe('slipway repository check', () => {
  it('passes a well-configured repository, reading every setting with GET only', async () => {
    const run = await check();
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${OWNER}/${REPO}: review is enforced (0 errors, 0 warnings). Checked main (default branch, synced by dora-staging, numbers-test), stage/prod (promotion branch, synced by numbers-prod).\n`);
    expect(run.code).toBe(0);
    for (const request of [
      `GET ${BASE}`,
      `GET ${BASE}/branches/main/protection`,
      `GET ${BASE}/rules/branches/stage/prod?per_page=100`,
      `GET ${BASE}/rulesets/7?includes_parents=true`,
      `GET ${BASE}/environments/prod`,
      `GET ${BASE}/actions/permissions/workflow`,
      `GET ${BASE}/contents/.github/CODEOWNERS?ref=${MAIN_SHA}`,
      `GET ${BASE}/git/trees/${MAIN_SHA}?recursive=1`,
      `GET ${BASE}/codeowners/errors?ref=${MAIN_SHA}`,
    ]) {
      expect(log).toContain(request);
    }
  });

  const mainProtection = () => fake.branches.main!.protection as Json;
  const reviews = () => mainProtection().required_pull_request_reviews as Json;
  const scenarios: { name: string; change: () => void; args?: string[]; code: 0 | 1; lines: string[]; says?: RegExp }[] = [
    { name: 'main without protection or ruleset', change: () => delete fake.branches.main!.protection, code: 1, lines: [`${MAIN} error REPO_BRANCH_UNPROTECTED`], says: /main has no branch protection and no ruleset: anyone with write access can push to it, and what it holds is deployed \(Flux syncs it for dora-staging, numbers-test\)\.\n  hint: .*"Require status checks to pass" \("slipway"\)/ },
    { name: 'no pull request required', change: () => delete mainProtection().required_pull_request_reviews, code: 1, lines: [`${MAIN} error REPO_PULL_REQUEST`], says: /main takes pushes without a pull request/ },
    { name: 'no approval required', change: () => (reviews().required_approving_review_count = 0), code: 1, lines: [`${MAIN} error REPO_PULL_REQUEST`], says: /need no approval/ },
    { name: 'code owners not required', change: () => (reviews().require_code_owner_reviews = false), code: 1, lines: [`${MAIN} error REPO_CODE_OWNER_REVIEW`], says: /hint: Turn on "Require review from Code Owners"/ },
    { name: 'stale approvals kept', change: () => (reviews().dismiss_stale_reviews = false), code: 1, lines: [`${MAIN} error REPO_STALE_REVIEWS`] },
    {
      name: 'the check not required',
      change: () => (mainProtection().required_status_checks = { strict: true, contexts: ['lint'], checks: [{ context: 'lint', app_id: null }] }),
      code: 1,
      lines: [`${MAIN} error REPO_REQUIRED_CHECKS`],
      says: /Merging into main does not wait for the check "slipway" \(required now: "lint"\)/,
    },
    { name: 'another required check, named by flag', change: () => {}, args: ['--required-check', 'checks / checks', '--required-check', 'slipway'], code: 1, lines: [`${MAIN} error REPO_REQUIRED_CHECKS`], says: /does not wait for the check "checks \/ checks" \(required now: "slipway"\)/ },
    { name: 'force pushes allowed', change: () => (mainProtection().allow_force_pushes = { enabled: true }), code: 1, lines: [`${MAIN} error REPO_FORCE_PUSH`] },
    { name: 'deletion allowed', change: () => (mainProtection().allow_deletions = { enabled: true }), code: 1, lines: [`${MAIN} error REPO_DELETION`] },
    { name: 'administrators not included (a warning)', change: () => (mainProtection().enforce_admins = { url: link('/x'), enabled: false }), code: 0, lines: [`${MAIN} warning REPO_ADMIN_BYPASS`], says: /Repository administrators \(the classic rule does not include them\) can merge into main without the review/ },
    { name: 'Actions may approve pull requests', change: () => (fake.workflow.can_approve_pull_request_reviews = true), code: 1, lines: [`${OWNER}/${REPO}:settings/actions error REPO_ACTIONS_APPROVE`], says: /Allow GitHub Actions to create and approve pull requests/ },
    { name: 'workflow tokens write by default', change: () => (fake.workflow.default_workflow_permissions = 'write'), code: 1, lines: [`${OWNER}/${REPO}:settings/actions error REPO_ACTIONS_WRITE`] },
    { name: 'no CODEOWNERS', change: () => delete fake.files['.github/CODEOWNERS'], code: 1, lines: ['.github/CODEOWNERS error REPO_CODEOWNERS_MISSING'] },
    {
      name: 'CODEOWNERS in docs/ is found',
      change: () => {
        fake.files['docs/CODEOWNERS'] = GOOD_CODEOWNERS.replace('/.github/ ', '/docs/    ').concat('/.github/ @numbers/platform\n');
        delete fake.files['.github/CODEOWNERS'];
      },
      code: 0,
      lines: [],
    },
    {
      name: 'a later rule without owners takes out/ back (last match wins)',
      change: () => (fake.files['.github/CODEOWNERS'] = `${GOOD_CODEOWNERS}*.json\n`),
      code: 1,
      lines: ['.github/CODEOWNERS:6:1 error REPO_CODEOWNERS_UNOWNED'],
      says: /out\/ \(1 of 4 files: out\/\.slipway-manifest\.json\) has no code owner on main: the last matching rule, "\*\.json", names nobody/,
    },
    {
      name: 'rules for today\'s files only leave a new environment unowned',
      change: () => (fake.files['.github/CODEOWNERS'] = ['/environments/numbers-prod.yaml @numbers/platform', '/environments/numbers-test.yaml @numbers/platform', '/out/ @numbers/platform', '/.github/ @numbers/platform', ''].join('\n')),
      code: 1,
      lines: ['.github/CODEOWNERS error REPO_CODEOWNERS_UNOWNED'],
      says: /environments\/ \(1 of 3 files: environments\/new-environment\.yaml\) has no code owner on main; /,
    },
    {
      name: 'CODEOWNERS not owned itself',
      change: () => (fake.files['.github/CODEOWNERS'] = ['/environments/ @numbers/platform', '/out/ @numbers/platform', '/.github/workflows/ @numbers/platform', ''].join('\n')),
      code: 1,
      lines: ['.github/CODEOWNERS error REPO_CODEOWNERS_UNOWNED'],
      says: /\.github\/CODEOWNERS has no code owner on main/,
    },
    {
      name: "GitHub's CODEOWNERS errors, at their line",
      change: () => (fake.codeownersErrors = [{ line: 3, column: 18, kind: 'Unknown owner', source: '/environments/   @numbers/platform', suggestion: 'make sure @numbers/platform exists and has write access to the repository', message: 'Unknown owner on line 3: ...', path: '.github/CODEOWNERS' }]),
      code: 1,
      lines: ['.github/CODEOWNERS:3:18 error REPO_CODEOWNERS_ERROR'],
      says: /Unknown owner: \/environments\/ {3}@numbers\/platform \(on main\)[^\n]*\n  hint: make sure @numbers\/platform exists/,
    },
    { name: 'stage/prod without protection or ruleset', change: () => delete fake.rules['stage/prod'], code: 1, lines: [`${PROD} error REPO_BRANCH_UNPROTECTED`], says: /anyone with write access can move it, and Flux deploys what it points at \(Flux syncs it for numbers-prod\)/ },
    { name: 'stage/prod updatable by any writer', change: () => (fake.rules['stage/prod'] = [rule('deletion', 7), rule('non_fast_forward', 7)]), code: 1, lines: [`${PROD} error REPO_PROMOTION_UPDATES`] },
    { name: 'stage/prod force pushes and deletion allowed', change: () => (fake.rules['stage/prod'] = [rule('update', 7)]), code: 1, lines: [`${PROD} error REPO_FORCE_PUSH`, `${PROD} error REPO_DELETION`] },
    { name: 'stage/prod movable by a role besides the deploy key', change: () => (fake.rulesets[7] = ruleset(7, [DEPLOY_KEY, { actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'always' }])), code: 0, lines: [`${PROD} warning REPO_PROMOTION_BYPASS`], says: /RepositoryRole 5 can move stage\/prod without the promote workflow/ },
    { name: 'stage/prod movable by nobody', change: () => (fake.rulesets[7] = ruleset(7, [])), code: 0, lines: [`${PROD} warning REPO_PROMOTION_BYPASS`], says: /Nobody may update stage\/prod/ },
    {
      name: 'stage/prod under a classic rule: protected, but the deploy key cannot push (a warning)',
      change: () => {
        delete fake.rules['stage/prod'];
        fake.branches['stage/prod']!.protection = classic({ required_pull_request_reviews: undefined, required_status_checks: undefined, restrictions: { url: link('/x'), users: [], teams: [], apps: [] } });
      },
      code: 0,
      lines: [`${PROD} warning REPO_PROMOTION_BYPASS`],
      says: /The classic rule on stage\/prod restricts pushes to listed users, teams and apps: it binds the promotion deploy key too/,
    },
    { name: 'stage/prod not created yet (a warning)', change: () => delete fake.branches['stage/prod'], code: 0, lines: [`${PROD} warning REPO_BRANCH_MISSING`], says: /Run the promote workflow once/ },
    { name: 'no GitHub Environment prod', change: () => delete fake.environments.prod, code: 1, lines: [`${OWNER}/${REPO}:settings/environments/prod error REPO_PROMOTION_ENVIRONMENT`] },
    { name: 'prod without required reviewers', change: () => (fake.environments.prod = prodEnvironment({ protection_rules: [{ id: 1, node_id: 'x', type: 'branch_policy' }] })), code: 1, lines: [`${OWNER}/${REPO}:settings/environments/prod error REPO_PROMOTION_REVIEWERS`], says: /need GitHub Enterprise/ },
    { name: 'prod allows self-review (a warning)', change: () => (((fake.environments.prod!.protection_rules as Json[])[0]!).prevent_self_review = false), code: 0, lines: [`${OWNER}/${REPO}:settings/environments/prod warning REPO_PROMOTION_SELF_REVIEW`] },
    { name: 'prod deployable from any branch', change: () => (fake.environments.prod!.deployment_branch_policy = null), code: 1, lines: [`${OWNER}/${REPO}:settings/environments/prod error REPO_PROMOTION_DEPLOY_BRANCHES`] },
  ];

  it.each(scenarios)('$name', async ({ change, args, code, lines, says }) => {
    change();
    const run = await check(args);
    expect(run.stderr).toBe('');
    expect(findings(run.stdout)).toEqual(lines);
    if (says) expect(run.stdout).toMatch(says);
    expect(run.code).toBe(code);
  });

  describe('rulesets instead of classic protection', () => {
    const mainRules = () => [
      rule('pull_request', 3, { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true, require_code_owner_review: true, require_last_push_approval: false, required_review_thread_resolution: false, allowed_merge_methods: ['merge', 'squash', 'rebase'] }),
      rule('required_status_checks', 3, { strict_required_status_checks_policy: true, do_not_enforce_on_create: false, required_status_checks: [{ context: 'slipway', integration_id: 15368 }] }),
      rule('non_fast_forward', 3),
      rule('deletion', 3),
    ];
    beforeEach(() => {
      delete fake.branches.main!.protection;
      fake.rules.main = mainRules();
      fake.rulesets[3] = ruleset(3, []);
    });

    it('are accepted', async () => {
      const run = await check();
      expect(findings(run.stdout)).toEqual([]);
      expect(run.code).toBe(0);
      expect(log).toContain(`GET ${BASE}/rules/branches/main?per_page=100`);
      expect(log).toContain(`GET ${BASE}/rulesets/3?includes_parents=true`);
    });

    it('say what they lack', async () => {
      fake.rules.main = [rule('pull_request', 3, { required_approving_review_count: 0, dismiss_stale_reviews_on_push: false, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false })];
      const run = await check();
      expect(findings(run.stdout)).toEqual(['REPO_PULL_REQUEST', 'REPO_CODE_OWNER_REVIEW', 'REPO_STALE_REVIEWS', 'REPO_REQUIRED_CHECKS', 'REPO_FORCE_PUSH', 'REPO_DELETION'].map((c) => `${MAIN} error ${c}`));
      expect(run.code).toBe(1);
    });

    it('with a bypass list: a warning naming who', async () => {
      fake.rulesets[3] = ruleset(3, [{ actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'pull_request' }, { actor_id: 0, actor_type: 'OrganizationAdmin', bypass_mode: 'always' }]);
      const run = await check();
      expect(findings(run.stdout)).toEqual([`${MAIN} warning REPO_ADMIN_BYPASS`]);
      expect(run.stdout).toMatch(/RepositoryRole 5 \(pull request only\), organization admins can merge into main without the review/);
      expect(run.code).toBe(0);
    });

    it('a bypass list the token may not see is no finding', async () => {
      fake.rulesets[3] = ruleset(3, undefined);
      const run = await check();
      expect(findings(run.stdout)).toEqual([]);
      expect(run.code).toBe(0);
    });

    it('combine with classic protection: each setting from either', async () => {
      // Checks and deletion from the classic rule; reviews and the force-push block from a ruleset.
      fake.branches.main!.protection = classic({ required_pull_request_reviews: undefined, allow_force_pushes: { enabled: true } });
      fake.rules.main = [mainRules()[0]!, mainRules()[2]!];
      const run = await check();
      expect(findings(run.stdout)).toEqual([]);
      expect(run.code).toBe(0);
    });

    it('are read across pages', async () => {
      fake.rules.main = [...Array.from({ length: 150 }, (_, i) => rule('commit_message_pattern', 90 + i, { operator: 'contains', pattern: 'x' })), ...mainRules()];
      const run = await check();
      expect(findings(run.stdout)).toEqual([]);
      expect(log).toContain(`GET ${BASE}/rules/branches/main?per_page=100&page=2`);
    });
  });

  describe('a token that may not read a setting', () => {
    it('403: names the permission, checks the rest, exits 2', async () => {
      const run = await check([], { GITHUB_TOKEN: READ_TOKEN });
      expect(run.code).toBe(2);
      const needs = 'the token needs the "Administration" repository permission (read) for a fine-grained token or GitHub App, or for a classic token the repo scope and a user who is an admin of the repository (GITHUB_TOKEN in Actions cannot have it) (GitHub accepts: administration=read).';
      expect(run.stderr).toBe(
        [
          `slipway repository check: cannot read the branch protection of main: GET ${BASE}/branches/main/protection failed: GitHub answered 403: Resource not accessible by personal access token; ${needs}`,
          `slipway repository check: cannot read the branch protection of stage/prod: GET ${BASE}/branches/stage/prod/protection failed: GitHub answered 403: Resource not accessible by personal access token; ${needs}`,
          `slipway repository check: cannot read the workflow permissions: GET ${BASE}/actions/permissions/workflow failed: GitHub answered 403: Resource not accessible by personal access token; ${needs}`,
          '',
        ].join('\n'),
      );
      // What it could read is still judged; what depends on the unread protection is not guessed.
      expect(findings(run.stdout)).toEqual([]);
      expect(run.stdout).toBe(`${OWNER}/${REPO}: 0 errors, 0 warnings in what could be read; 3 settings could not be read (on stderr, each with the permission it needs). Checked main (default branch, synced by dora-staging, numbers-test), stage/prod (promotion branch, synced by numbers-prod).\n`);
    });

    it('a bare 404 on branch protection is not taken for "not protected"', async () => {
      fake.override[`GET ${BASE}/branches/main/protection`] = notFound();
      const run = await check();
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/cannot read the branch protection of main: .*answered 404 \(Not Found\), not "Branch not protected"; the token needs the "Administration" repository permission/);
      expect(findings(run.stdout)).toEqual([]);
    });

    it('a rate limit is not a permission problem', async () => {
      fake.override[`GET ${BASE}/actions/permissions/workflow`] = { status: 403, body: { message: 'API rate limit exceeded for user ID 1.' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) } };
      const run = await check();
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^slipway repository check: GET \/repos\/numbers\/platform-gitops\/actions\/permissions\/workflow failed: GitHub answered 403: API rate limit exceeded.*GitHub asked to wait \d+ s .*more than the 30 s this command waits\n$/);
      expect(run.stderr).not.toMatch(/permission \(read\)/);
    });

    it('bad credentials stop the run', async () => {
      const run = await check([], { GITHUB_TOKEN: 'not-a-token-we-know' });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`slipway repository check: GET ${BASE} failed: GitHub answered 401: Bad credentials (check GITHUB_TOKEN)\n`);
      expect(run.stdout).toBe('');
    });

    it('an unknown repository stops the run', async () => {
      const run = await check([], { GITHUB_REPOSITORY: 'numbers/nope' });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^slipway repository check: GET \/repos\/numbers\/nope failed: GitHub answered 404: there is no such repository, or the token cannot read it/);
    });
  });

  it('no answer at all: exit 2 naming the request', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = await check([], { GITHUB_API_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^slipway repository check: GET ${BASE} failed with no HTTP status: connection failed \\(ECONNREFUSED\\)`));
  });

  it('environments of another repository are named, not checked', async () => {
    const other = await check([], { GITHUB_REPOSITORY: `${OWNER}/other` });
    expect(other.stdout).toContain('note: numbers-prod syncs https://github.com/numbers/platform-gitops (stage/prod), not numbers/other: check that repository there.');
    expect(other.stdout).toContain('note: numbers-test syncs https://github.com/numbers/platform-gitops (main), not numbers/other');
    expect(log.some((l) => l.includes('stage/prod'))).toBe(false);
    expect(other.stdout).toMatch(/^numbers\/other: review is enforced \(0 errors, 0 warnings\)\. Checked main \(default branch\)\.$/m);
    expect(other.code).toBe(0);
  });

  it('environment files that do not validate: their errors, exit 1, no request', async () => {
    const broken = path.join(dir, 'environments/zz-broken.yaml');
    writeFileSync(broken, 'name: [\n');
    try {
      const run = await check();
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^environments\/zz-broken\.yaml:\d+:\d+ error /m);
      expect(run.stdout).toContain('The environment files do not validate, so the branches Flux syncs are not known: fix them first (slipway validate).');
      expect(log).toEqual([]);
    } finally {
      rmSync(broken);
    }
  });

  describe('usage', () => {
    it.each([
      [[], /name what to do: slipway repository check/],
      [['chek'], /unknown subcommand "chek"\.\n  hint: Did you mean "check"\?/],
      [['check', 'extra'], /unexpected argument "extra"/],
      [['check', '--required-check', ' '], /--required-check needs a check name/],
    ])('%j is a usage error', async (args, says) => {
      const run = await runCli(['repository', ...args], { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: apiUrl });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(says);
      expect(log).toEqual([]);
    });

    it('needs GITHUB_TOKEN and GITHUB_REPOSITORY', async () => {
      expect((await runCli(['repository', 'check'], { GITHUB_REPOSITORY: `${OWNER}/${REPO}` })).stderr).toMatch(/GITHUB_TOKEN is not set/);
      expect((await runCli(['repository', 'check'], { GITHUB_TOKEN: TOKEN })).stderr).toMatch(/GITHUB_REPOSITORY must be set to owner\/name/);
    });

    it('--help documents the checks and the token', async () => {
      const run = await runCli(['repository', '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: slipway repository check \[--required-check NAME\]\.\.\./);
      expect(run.stdout).toContain('"Administration", "Contents", "Actions" and "Metadata" read');
    });
  });
});

describe('gitops.repository forms', () => {
  it.each([
    ['https://github.com/Numbers/Platform-GitOps', 'numbers/platform-gitops'],
    ['https://github.com/numbers/platform-gitops.git', 'numbers/platform-gitops'],
    ['ssh://git@github.com/numbers/platform-gitops.git', 'numbers/platform-gitops'],
    ['ssh://git@ssh.github.com:443/numbers/platform-gitops', 'numbers/platform-gitops'],
    ['git@github.com:numbers/platform-gitops.git', 'numbers/platform-gitops'],
    ['https://github.com/numbers', undefined],
  ])('%s', (url, expected) => expect(repositoryOf(url)).toBe(expected));
});
