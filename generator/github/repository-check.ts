// slipway repository check: reads a repository's settings through the GitHub REST API (read-only,
// GET requests only) and judges them with repository-settings.ts. Endpoints and answer shapes, from
// GitHub's REST reference (https://docs.github.com/en/rest) and its OpenAPI description
// (@octokit/openapi-types):
// - GET /repos/{owner}/{repo}                                  "Get a repository": default_branch
// - GET /repos/{owner}/{repo}/branches/{branch}                "Get a branch": 404 when it does not exist
// - GET /repos/{owner}/{repo}/branches/{branch}/protection     "Get branch protection" ("Administration"
//   read): 404 "Branch not protected" when there is no classic rule
// - GET /repos/{owner}/{repo}/rules/branches/{branch}          "Get rules for a branch": the active
//   rules of every ruleset, [{type, parameters?, ruleset_id, ruleset_source_type}], paginated
// - GET /repos/{owner}/{repo}/rulesets/{ruleset_id}            "Get a repository ruleset":
//   bypass_actors, shown only to a token that may edit the ruleset
// - GET /repos/{owner}/{repo}/actions/permissions/workflow     "Get default workflow permissions for a
//   repository" ("Administration" read): default_workflow_permissions, can_approve_pull_request_reviews
// - GET /repos/{owner}/{repo}/environments/{environment_name}  "Get an environment" ("Actions" read):
//   protection_rules [{type: required_reviewers, reviewers, prevent_self_review}], deployment_branch_policy
// - GET /repos/{owner}/{repo}/contents/{path}?ref=             "Get repository content" ("Contents"
//   read): {type: file, encoding: base64, content}
// - GET /repos/{owner}/{repo}/git/trees/{sha}?recursive=1      "Get a tree": every path, or truncated
// - GET /repos/{owner}/{repo}/codeowners/errors?ref=           "List CODEOWNERS errors": [{line, column, kind, ...}]
// A 403 (or an unexplained 404) on one of them means the token may not read that setting: it is
// reported with the permission needed and the rest is still checked. No answer, a 401 or a server
// error stops the run.
import type { Issue } from '../issues.ts';
import { CODEOWNERS_LOCATIONS, CODEOWNERS_MAX_BYTES, parseCodeowners } from './codeowners.ts';
import { DEFAULT_LIMITS, GithubClient, GithubError, type ClientLimits } from './client.ts';
import {
  evaluateActions,
  evaluateBranch,
  evaluateCodeowners,
  PROMOTION_PREFIX,
  toIssue,
  type BranchRule,
  type BranchState,
  type Bypass,
  type ClassicProtection,
  type Finding,
  type GithubEnvironment,
  type Role,
} from './repository-settings.ts';
import type { GithubSettings } from './sticky-comment.ts';

/** The check names Slipway's documented consumer workflow produces (README "Use it in your repository": job slipway). */
export const DEFAULT_REQUIRED_CHECKS = ['slipway'] as const;

export interface Sync {
  readonly environment: string;
  /** gitops.repository */
  readonly repository: string;
  /** gitops.branch */
  readonly branch: string;
}

export interface RepositoryCheck {
  readonly repository: string;
  readonly defaultBranch: string;
  readonly branches: readonly { readonly name: string; readonly role: Role; readonly environments: readonly string[] }[];
  readonly issues: readonly Issue[];
  /** Settings the token could not read, each one line naming the request and the permission it needs. */
  readonly unreadable: readonly string[];
  /** Environments that sync another repository: not checked here. */
  readonly elsewhere: readonly Sync[];
}

const PERMISSION = {
  metadata: 'read access to the repository ("Metadata" read for a fine-grained token or GitHub App)',
  administration:
    'the "Administration" repository permission (read) for a fine-grained token or GitHub App, or for a classic token the repo scope and a user who is an admin of the repository (GITHUB_TOKEN in Actions cannot have it)',
  contents: 'the "Contents" repository permission (read), or the repo scope for a classic token',
  actions: 'the "Actions" repository permission (read), or the repo scope for a classic token',
} as const;
type Permission = keyof typeof PERMISSION;

/** The token may not read one setting. */
class Unreadable extends Error {}

/** owner/name of a git URL as gitops.repository takes it (https://, ssh://, git@host:), lower-cased. */
export function repositoryOf(url: string): string | undefined {
  const m = /^(?:https:\/\/[^/]+\/|ssh:\/\/(?:[^@/]+@)?[^/]+\/|[^@\s]+@[^:]+:)([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}`.toLowerCase() : undefined;
}

export async function checkRepository(settings: GithubSettings, syncs: readonly Sync[], requiredChecks: readonly string[]): Promise<RepositoryCheck> {
  const limits: ClientLimits = { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(settings).filter(([k, v]) => k in DEFAULT_LIMITS && v !== undefined)) };
  const gh = new GithubClient(settings, limits);
  return gh.run(() => new Check(gh, settings, syncs, requiredChecks).run());
}

class Check {
  private readonly where: { owner: string; repo: string };
  private readonly full: string;
  private readonly unreadable: string[] = [];

  constructor(
    private readonly gh: GithubClient,
    settings: GithubSettings,
    private readonly syncs: readonly Sync[],
    private readonly requiredChecks: readonly string[],
  ) {
    this.where = { owner: settings.owner, repo: settings.repo };
    this.full = `${settings.owner}/${settings.repo}`;
  }

  async run(): Promise<RepositoryCheck> {
    const repo = await this.get('GET /repos/{owner}/{repo}', {}, 'metadata', 'the repository');
    if (repo.status === 404) throw new GithubError(`GET /repos/${this.full} failed: GitHub answered 404: there is no such repository, or the token cannot read it (it needs ${PERMISSION.metadata})`, 404);
    const defaultBranch = (repo.data as { default_branch?: unknown }).default_branch;
    if (typeof defaultBranch !== 'string' || defaultBranch === '') throw new GithubError(`GET /repos/${this.full} failed: GitHub answered ${repo.status} without default_branch (a malformed answer)`, repo.status);

    const ours = this.syncs.filter((s) => repositoryOf(s.repository) === this.full.toLowerCase());
    const elsewhere = this.syncs.filter((s) => !ours.includes(s));
    const plan = new Map<string, { role: Role; environments: string[] }>([[defaultBranch, { role: 'review', environments: [] }]]);
    for (const s of ours) {
      const entry = plan.get(s.branch) ?? { role: s.branch.startsWith(PROMOTION_PREFIX) ? 'promotion' : 'review', environments: [] };
      entry.environments.push(s.environment);
      plan.set(s.branch, entry);
    }

    const findings: Finding[] = [];
    const reviewBranches: { name: string; sha: string }[] = [];
    for (const [name, { role, environments }] of plan) {
      const state = await this.branch(name, role, environments);
      findings.push(...evaluateBranch(state.branch, `${this.full}:refs/heads/${name}`, this.requiredChecks));
      if (role === 'review' && state.sha) reviewBranches.push({ name, sha: state.sha });
    }
    for (const b of reviewBranches) findings.push(...(await this.codeowners(b.name, b.sha)));
    findings.push(...(await this.actions()));

    return {
      repository: this.full,
      defaultBranch,
      branches: [...plan].map(([name, { role, environments }]) => ({ name, role, environments })),
      issues: findings.map(toIssue),
      unreadable: this.unreadable,
      elsewhere,
    };
  }

  private async branch(name: string, role: Role, environments: readonly string[]): Promise<{ branch: BranchState; sha?: string }> {
    const got = await this.readable(`branch ${name}`, () => this.get('GET /repos/{owner}/{repo}/branches/{branch}', { branch: name }, 'metadata', `branch ${name}`));
    const sha = got && got.status === 200 ? (got.data as { commit?: { sha?: unknown } }).commit?.sha : undefined;
    const exists = got === undefined || got.status === 200;
    const classic = exists ? await this.classicProtection(name) : null;
    const rules = await this.rules(name);
    const relevant = role === 'review' ? 'pull_request' : 'update';
    const bypass = new Map<number, Bypass>();
    if (rules !== 'unknown') {
      for (const id of new Set(rules.filter((r) => r.type === relevant && r.rulesetId !== undefined).map((r) => r.rulesetId!))) bypass.set(id, await this.bypass(id));
    }
    const stage = role === 'promotion' ? name.slice(PROMOTION_PREFIX.length) : undefined;
    const environment = stage ? { name: stage, settings: await this.environment(stage) } : undefined;
    return { branch: { name, role, environments, exists, classic, rules, bypass, ...(environment && { environment }) }, ...(typeof sha === 'string' && { sha }) };
  }

  private async classicProtection(name: string): Promise<ClassicProtection | null | 'unknown'> {
    const what = `the branch protection of ${name}`;
    const got = await this.readable(what, () => this.get('GET /repos/{owner}/{repo}/branches/{branch}/protection', { branch: name }, 'administration', what));
    if (got === undefined) return 'unknown';
    if (got.status === 404) {
      if (/not protected/i.test(got.message)) return null;
      // A bare 404 can also be GitHub's answer to a token that may not read protection: no guess.
      this.unreadable.push(`cannot read ${what}: GET /repos/${this.full}/branches/${name}/protection answered 404${got.message ? ` (${got.message})` : ''}, not "Branch not protected"; the token needs ${PERMISSION.administration}.`);
      return 'unknown';
    }
    return classicFrom(got.data);
  }

  private async rules(name: string): Promise<readonly BranchRule[] | 'unknown'> {
    const what = `the rulesets that apply to ${name}`;
    const rules: BranchRule[] = [];
    const done = await this.readable(what, async () => {
      let pages = 0;
      try {
        for await (const page of this.gh.octokit.paginate.iterator('GET /repos/{owner}/{repo}/rules/branches/{branch}', { ...this.where, branch: name, per_page: 100 })) {
          if (++pages > 100) throw new GithubError(`GET /repos/${this.full}/rules/branches/${name} failed: more than 100 pages of rules (a link header that never ends?)`);
          if (!Array.isArray(page.data)) throw new GithubError(`GET /repos/${this.full}/rules/branches/${name} failed: GitHub answered ${page.status} with something other than a list of rules`, page.status);
          for (const raw of page.data as unknown[]) {
            const r = raw as { type?: unknown; ruleset_id?: unknown; parameters?: unknown };
            if (typeof r?.type !== 'string') continue;
            rules.push({ type: r.type, ...(typeof r.ruleset_id === 'number' && { rulesetId: r.ruleset_id }), parameters: typeof r.parameters === 'object' && r.parameters !== null ? (r.parameters as Record<string, unknown>) : {} });
          }
        }
      } catch (e) {
        // Rulesets unknown to this GitHub (an older Enterprise Server): none apply.
        if (this.gh.describe(e).status === 404) return true;
        throw this.failure(e, 'metadata', what);
      }
      return true;
    });
    return done ? rules : 'unknown';
  }

  private async bypass(id: number): Promise<Bypass> {
    try {
      const got = await this.get('GET /repos/{owner}/{repo}/rulesets/{ruleset_id}', { ruleset_id: id, includes_parents: true }, 'metadata', `ruleset ${id}`);
      const actors = got.status === 200 ? (got.data as { bypass_actors?: unknown }).bypass_actors : undefined;
      if (!Array.isArray(actors)) return undefined;
      return actors.map((a: { actor_type?: unknown; actor_id?: unknown; bypass_mode?: unknown }) => ({
        type: String(a.actor_type),
        id: typeof a.actor_id === 'number' ? a.actor_id : null,
        mode: typeof a.bypass_mode === 'string' ? a.bypass_mode : 'always',
      }));
    } catch (e) {
      // Who may bypass is shown only to those who may edit the ruleset: not knowing is not a finding.
      if (e instanceof Unreadable) return undefined;
      throw e;
    }
  }

  private async environment(name: string): Promise<GithubEnvironment | null | 'unknown'> {
    const what = `the GitHub Environment ${name}`;
    const got = await this.readable(what, () => this.get('GET /repos/{owner}/{repo}/environments/{environment_name}', { environment_name: name }, 'actions', what));
    if (got === undefined) return 'unknown';
    if (got.status === 404) return null;
    const data = got.data as { protection_rules?: unknown; deployment_branch_policy?: unknown };
    const rules = Array.isArray(data.protection_rules) ? (data.protection_rules as { type?: unknown; reviewers?: unknown; prevent_self_review?: unknown }[]) : [];
    const reviewers = rules.filter((r) => r.type === 'required_reviewers');
    return {
      reviewers: reviewers.reduce((n, r) => n + (Array.isArray(r.reviewers) ? r.reviewers.length : 0), 0),
      preventSelfReview: reviewers.some((r) => r.prevent_self_review === true),
      branchPolicy: typeof data.deployment_branch_policy === 'object' && data.deployment_branch_policy !== null,
    };
  }

  private async actions(): Promise<Finding[]> {
    const what = 'the workflow permissions';
    const got = await this.readable(what, () => this.get('GET /repos/{owner}/{repo}/actions/permissions/workflow', {}, 'administration', what));
    if (got === undefined) return [];
    if (got.status === 404) {
      this.unreadable.push(`cannot read ${what}: GET /repos/${this.full}/actions/permissions/workflow answered 404${got.message ? ` (${got.message})` : ''}; the token needs ${PERMISSION.administration}.`);
      return [];
    }
    const data = got.data as { default_workflow_permissions?: unknown; can_approve_pull_request_reviews?: unknown };
    if (typeof data.default_workflow_permissions !== 'string' || typeof data.can_approve_pull_request_reviews !== 'boolean') {
      throw new GithubError(`GET /repos/${this.full}/actions/permissions/workflow failed: GitHub answered ${got.status} without default_workflow_permissions and can_approve_pull_request_reviews (a malformed answer)`, got.status);
    }
    return evaluateActions({ defaultWorkflowPermissions: data.default_workflow_permissions, canApprovePullRequestReviews: data.can_approve_pull_request_reviews }, `${this.full}:settings/actions`);
  }

  private async codeowners(branch: string, sha: string): Promise<Finding[]> {
    let found: { path: string; text: string } | undefined;
    for (const path of CODEOWNERS_LOCATIONS) {
      const what = `${path} on ${branch}`;
      const got = await this.readable(what, () => this.get('GET /repos/{owner}/{repo}/contents/{path}', { path, ref: sha }, 'contents', what));
      if (got === undefined) return [];
      if (got.status === 404) continue;
      const file = got.data as { type?: unknown; encoding?: unknown; content?: unknown; size?: unknown };
      if (Array.isArray(got.data) || file.type !== 'file') continue;
      if (typeof file.size === 'number' && file.size >= CODEOWNERS_MAX_BYTES) {
        return [{ code: 'REPO_CODEOWNERS_MISSING', severity: 'error', where: path, message: `${path} on ${branch} is ${file.size} bytes: GitHub ignores a CODEOWNERS file of 3 MB or more, so no file has a code owner.`, hint: 'Shorten it: a few directory rules cover environments/, out/ and .github/.' }];
      }
      // Files over 1 MB come without content (encoding "none"); GitHub reads CODEOWNERS up to 3 MB.
      if (file.encoding !== 'base64' || typeof file.content !== 'string') {
        this.unreadable.push(`cannot read ${what}: GitHub's contents API gives files over 1 MB without their content; shorten it.`);
        return [];
      }
      const text = Buffer.from(file.content, 'base64').toString('utf8');
      found = { path, text };
      break;
    }
    if (!found) {
      return [
        {
          code: 'REPO_CODEOWNERS_MISSING',
          severity: 'error',
          where: CODEOWNERS_LOCATIONS[0],
          message: `${branch} has no CODEOWNERS file (${CODEOWNERS_LOCATIONS.join(', ')}): nobody in particular must review environments/ or out/.`,
          hint: 'Add .github/CODEOWNERS naming the team that owns what is deployed (README "Repository settings" has an example), and turn on "Require review from Code Owners".',
        },
      ];
    }
    const parsed = parseCodeowners(found.text);
    const files = await this.tree(branch, sha);
    const findings = evaluateCodeowners(parsed, found.path, branch, files);
    // GitHub's own reading of the file (unknown owners, lines it skips); ours where it has none to give.
    const errors = await this.codeownersErrors(branch, sha);
    const problems = errors ?? parsed.problems.map((p) => ({ path: found.path, line: p.line, column: p.column, message: p.message, suggestion: undefined }));
    for (const p of problems) {
      findings.push({
        code: 'REPO_CODEOWNERS_ERROR',
        severity: 'error',
        where: p.path,
        line: p.line,
        column: p.column,
        message: `${p.message} (on ${branch}): GitHub skips what it cannot use, so its files may have no code owner.`,
        hint: p.suggestion ?? 'Fix the line: owners are @user, @org/team (with write access to the repository) or an e-mail address of a user with write access.',
      });
    }
    return findings;
  }

  /** Every file on the branch, or undefined when GitHub truncates the listing (then only the areas' probes are checked). */
  private async tree(branch: string, sha: string): Promise<string[] | undefined> {
    const what = `the files on ${branch}`;
    const got = await this.readable(what, () => this.get('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { tree_sha: sha, recursive: 1 }, 'contents', what));
    if (!got || got.status !== 200) return undefined;
    const data = got.data as { tree?: unknown; truncated?: unknown };
    if (data.truncated === true || !Array.isArray(data.tree)) return undefined;
    return (data.tree as { path?: unknown; type?: unknown }[]).filter((e) => e.type === 'blob' && typeof e.path === 'string').map((e) => e.path as string);
  }

  private async codeownersErrors(branch: string, sha: string): Promise<{ path: string; line: number; column: number; message: string; suggestion: string | undefined }[] | undefined> {
    const what = `GitHub's CODEOWNERS errors on ${branch}`;
    const got = await this.readable(what, () => this.get('GET /repos/{owner}/{repo}/codeowners/errors', { ref: sha }, 'contents', what));
    if (!got || got.status !== 200) return undefined;
    const errors = (got.data as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return undefined;
    return errors.map((e: { path?: unknown; line?: unknown; column?: unknown; kind?: unknown; source?: unknown; suggestion?: unknown }) => ({
      path: typeof e.path === 'string' ? e.path : CODEOWNERS_LOCATIONS[0],
      line: typeof e.line === 'number' ? e.line : 0,
      column: typeof e.column === 'number' ? e.column : 0,
      message: `${typeof e.kind === 'string' ? e.kind : 'Error'}${typeof e.source === 'string' ? `: ${e.source.trim()}` : ''}`,
      suggestion: typeof e.suggestion === 'string' ? e.suggestion : undefined,
    }));
  }

  /** Runs a read; a setting the token may not read is recorded and undefined returned. */
  private async readable<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (e) {
      if (!(e instanceof Unreadable)) throw e;
      this.unreadable.push(e.message);
      return undefined;
    }
  }

  /** One GET: 200 with its data, 404 with GitHub's message; a 403 that is not a rate limit is Unreadable. */
  private async get(route: string, params: Record<string, unknown>, need: Permission, what: string): Promise<{ status: number; data: unknown; message: string }> {
    const request = this.gh.octokit.request as unknown as (route: string, params: Record<string, unknown>) => Promise<{ status: number; data: unknown }>;
    try {
      const { status, data } = await request(route, { ...this.where, ...params });
      return { status, data, message: '' };
    } catch (e) {
      const response = (e as { response?: { status: number; data?: unknown } }).response;
      if (response?.status === 404 && !(e instanceof GithubError)) return { status: 404, data: undefined, message: messageOf(response.data) };
      throw this.failure(e, need, what);
    }
  }

  private failure(e: unknown, need: Permission, what: string): Error {
    const failure = this.gh.describe(e);
    const response = (e as { response?: { status: number; headers?: Record<string, string | undefined>; data?: unknown } }).response;
    if (e instanceof GithubError || response?.status !== 403) return failure;
    const headers = response.headers ?? {};
    const rateLimited = headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(failure.message);
    if (rateLimited) return failure;
    // GitHub names what it would have accepted (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api).
    const accepted = headers['x-accepted-github-permissions'];
    return new Unreadable(`cannot read ${what}: ${failure.message.replace(/%2F/gi, '/')}; the token needs ${PERMISSION[need]}${accepted ? ` (GitHub accepts: ${accepted})` : ''}.`);
  }
}

const messageOf = (data: unknown) => (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string' ? (data as { message: string }).message : '');

/** Classic protection as its answer gives it; absent fields are GitHub's defaults (nothing required, pushes blocked). */
function classicFrom(data: unknown): ClassicProtection {
  const d = (data ?? {}) as {
    required_status_checks?: { contexts?: unknown; checks?: unknown } | null;
    required_pull_request_reviews?: { required_approving_review_count?: unknown; dismiss_stale_reviews?: unknown; require_code_owner_reviews?: unknown } | null;
    enforce_admins?: { enabled?: unknown } | null;
    allow_force_pushes?: { enabled?: unknown } | null;
    allow_deletions?: { enabled?: unknown } | null;
    restrictions?: unknown;
    lock_branch?: { enabled?: unknown } | null;
  };
  const checks = d.required_status_checks;
  const contexts = [
    ...(Array.isArray(checks?.contexts) ? checks.contexts.filter((c): c is string => typeof c === 'string') : []),
    ...(Array.isArray(checks?.checks) ? checks.checks.flatMap((c: { context?: unknown }) => (typeof c?.context === 'string' ? [c.context] : [])) : []),
  ];
  const reviews = d.required_pull_request_reviews;
  return {
    requiredChecks: [...new Set(contexts)],
    ...(reviews && {
      reviews: {
        approvals: typeof reviews.required_approving_review_count === 'number' ? reviews.required_approving_review_count : 0,
        dismissStale: reviews.dismiss_stale_reviews === true,
        codeOwners: reviews.require_code_owner_reviews === true,
      },
    }),
    enforceAdmins: d.enforce_admins?.enabled === true,
    allowForcePushes: d.allow_force_pushes?.enabled === true,
    allowDeletions: d.allow_deletions?.enabled === true,
    restrictsPushes: (typeof d.restrictions === 'object' && d.restrictions !== null) || d.lock_branch?.enabled === true,
  };
}
