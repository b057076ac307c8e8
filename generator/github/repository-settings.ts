// What a repository's settings must say for a merge to reach a cluster only through review, judged
// from what the GitHub API answered (repository-check.ts fetches it). Pure: no I/O here.
//
// Two kinds of branch are synced by Flux (gitops.branch):
// - review branches (the default branch, and any synced branch not under stage/): changes arrive by
//   pull request, so the branch needs reviews by code owners, the checks, and no force pushes;
// - promotion branches (stage/<stage>): moved only by .github/workflows/promote.yml, so nobody else
//   may update them, and the promotion runs in a GitHub Environment <stage> with required reviewers.
// A setting counts when classic branch protection or any active ruleset provides it: GitHub applies
// both, the most restrictive rule winning.
import type { Issue, Severity } from '../issues.ts';
import { ownersOf, ruleFor, type Codeowners } from './codeowners.ts';

/** Classic branch protection, from GET /repos/{owner}/{repo}/branches/{branch}/protection. */
export interface ClassicProtection {
  readonly requiredChecks: readonly string[];
  /** Absent: pull requests are not required. */
  readonly reviews?: { readonly approvals: number; readonly dismissStale: boolean; readonly codeOwners: boolean };
  readonly enforceAdmins: boolean;
  readonly allowForcePushes: boolean;
  readonly allowDeletions: boolean;
  /** "Restrict who can push" or "Lock branch": not everyone with write access may push. */
  readonly restrictsPushes: boolean;
}

/** One rule of an active ruleset, from GET /repos/{owner}/{repo}/rules/branches/{branch}. */
export interface BranchRule {
  readonly type: string;
  readonly rulesetId?: number;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface BypassActor {
  readonly type: string;
  readonly id: number | null;
  readonly mode: string;
}

/** Who may bypass a ruleset; undefined when the token may not see it (GitHub shows it to admins only). */
export type Bypass = readonly BypassActor[] | undefined;

/** A GitHub Environment's protection, from GET /repos/{owner}/{repo}/environments/{name}. */
export interface GithubEnvironment {
  readonly reviewers: number;
  readonly preventSelfReview: boolean;
  /** A deployment branch policy exists (protected branches, or selected branches and tags). */
  readonly branchPolicy: boolean;
}

export type Role = 'review' | 'promotion';

export interface BranchState {
  readonly name: string;
  readonly role: Role;
  /** Environments whose Flux syncs this branch. */
  readonly environments: readonly string[];
  readonly exists: boolean;
  /** null: not protected; 'unknown': the token could not read it (reported apart). */
  readonly classic: ClassicProtection | null | 'unknown';
  /** 'unknown': the token could not read them (reported apart). */
  readonly rules: readonly BranchRule[] | 'unknown';
  readonly bypass: ReadonlyMap<number, Bypass>;
  /** Promotion branches: the GitHub Environment the promote workflow runs in (null: there is none). */
  readonly environment?: { readonly name: string; readonly settings: GithubEnvironment | null | 'unknown' };
}

export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly where: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly hint: string;
}

export const toIssue = (f: Finding): Issue => ({ code: f.code, severity: f.severity, message: f.message, file: f.where, line: f.line ?? 0, column: f.column ?? 0, path: '', hint: f.hint });

/** The prefix of a promotion branch; the rest of its name is the stage (and the GitHub Environment). */
export const PROMOTION_PREFIX = 'stage/';

const RULESETS = 'Settings › Rules › Rulesets';
const list = (items: readonly string[]) => items.map((i) => `"${i}"`).join(', ');
const syncedBy = (b: BranchState) => (b.environments.length ? ` (Flux syncs it for ${b.environments.join(', ')})` : '');

/** Tri-state: a setting is on, off, or cannot be told because part of the answer is unreadable. */
type Known = boolean | 'unknown';
function either(fromClassic: (c: ClassicProtection) => boolean, fromRules: (r: readonly BranchRule[]) => boolean, b: BranchState): Known {
  const classic = b.classic === 'unknown' ? 'unknown' : b.classic !== null && fromClassic(b.classic);
  const rules = b.rules === 'unknown' ? 'unknown' : fromRules(b.rules);
  if (classic === true || rules === true) return true;
  return classic === 'unknown' || rules === 'unknown' ? 'unknown' : false;
}

const rulesOf = (rules: readonly BranchRule[], type: string) => rules.filter((r) => r.type === type);
const param = (r: BranchRule, key: string) => r.parameters[key];

export function evaluateBranch(b: BranchState, where: string, requiredChecks: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  const add = (code: string, severity: Severity, message: string, hint: string) => findings.push({ code, severity, where, message, hint });
  if (!b.exists) {
    add(
      'REPO_BRANCH_MISSING',
      b.role === 'promotion' ? 'warning' : 'error',
      `${b.name} does not exist${syncedBy(b)}: Flux has nothing to sync.`,
      b.role === 'promotion' ? `Run the promote workflow once (Actions › promote › stage ${b.name.slice(PROMOTION_PREFIX.length)}); its protection below applies once it exists.` : `Push ${b.name}, or sync an existing branch (gitops.branch).`,
    );
  }
  const protectedAtAll = either(() => true, (r) => r.length > 0, b);
  if (protectedAtAll === false) {
    if (b.role === 'review') {
      add(
        'REPO_BRANCH_UNPROTECTED',
        'error',
        `${b.name} has no branch protection and no ruleset: anyone with write access can push to it, and what it holds is deployed${syncedBy(b)}.`,
        `${RULESETS} › New branch ruleset targeting ${b.name}: "Require a pull request before merging" (1 approval or more, "Dismiss stale pull request approvals when new commits are pushed", "Require review from Code Owners"), "Require status checks to pass" (${list(requiredChecks)}), "Block force pushes", "Restrict deletions", an empty bypass list; or the same as a classic rule (Settings › Branches).`,
      );
    } else {
      add(
        'REPO_BRANCH_UNPROTECTED',
        'error',
        `${b.name} has no branch protection and no ruleset: anyone with write access can move it, and Flux deploys what it points at${syncedBy(b)}.`,
        `${RULESETS} › New branch ruleset targeting ${PROMOTION_PREFIX}*: "Restrict updates", "Restrict deletions", "Block force pushes"; bypass list: only the promotion deploy key (README "Promotion").`,
      );
    }
    return findings;
  }
  if (b.role === 'review') findings.push(...reviewFindings(b, where, requiredChecks));
  else findings.push(...promotionFindings(b, where));
  const noForce = either((c) => !c.allowForcePushes, (r) => rulesOf(r, 'non_fast_forward').length > 0, b);
  if (noForce === false) add('REPO_FORCE_PUSH', 'error', `Force pushes to ${b.name} are allowed: history that was reviewed (and deployed) can be rewritten.`, `Turn on "Block force pushes" in its ruleset (${RULESETS}), or turn off "Allow force pushes" in its classic rule (Settings › Branches).`);
  const noDelete = either((c) => !c.allowDeletions, (r) => rulesOf(r, 'deletion').length > 0, b);
  if (noDelete === false) add('REPO_DELETION', 'error', `${b.name} can be deleted by anyone with push access: Flux would lose its source${syncedBy(b)}.`, `Turn on "Restrict deletions" in its ruleset (${RULESETS}), or turn off "Allow deletions" in its classic rule (Settings › Branches).`);
  return findings;
}

function reviewFindings(b: BranchState, where: string, requiredChecks: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  const add = (code: string, severity: Severity, message: string, hint: string) => findings.push({ code, severity, where, message, hint });
  const classic = b.classic === 'unknown' || b.classic === null ? undefined : b.classic;
  const rules = b.rules === 'unknown' ? [] : b.rules;
  const prRules = rulesOf(rules, 'pull_request');
  const requiresPr = either((c) => c.reviews !== undefined, () => prRules.length > 0, b);
  const approvals = Math.max(classic?.reviews?.approvals ?? 0, ...prRules.map((r) => Number(param(r, 'required_approving_review_count') ?? 0)));
  const where1 = `"Require a pull request before merging" in its ruleset (${RULESETS}) or classic rule (Settings › Branches)`;
  if (requiresPr === false) {
    add('REPO_PULL_REQUEST', 'error', `${b.name} takes pushes without a pull request: a change can be deployed without anyone reviewing it${syncedBy(b)}.`, `Turn on ${where1} with 1 required approval or more, "Dismiss stale pull request approvals when new commits are pushed" and "Require review from Code Owners".`);
  } else if (requiresPr === true) {
    if (approvals < 1 && b.classic !== 'unknown' && b.rules !== 'unknown') {
      add('REPO_PULL_REQUEST', 'error', `Pull requests into ${b.name} need no approval: their author alone can merge what is deployed.`, `Set "Required approvals" to 1 or more in ${where1}.`);
    }
    const codeOwners = either((c) => c.reviews?.codeOwners === true, () => prRules.some((r) => param(r, 'require_code_owner_review') === true), b);
    if (codeOwners === false) add('REPO_CODE_OWNER_REVIEW', 'error', `Pull requests into ${b.name} do not need a code owner's approval: CODEOWNERS names reviewers but nothing waits for them.`, `Turn on "Require review from Code Owners" in ${where1}.`);
    const stale = either((c) => c.reviews?.dismissStale === true, () => prRules.some((r) => param(r, 'dismiss_stale_reviews_on_push') === true), b);
    if (stale === false) add('REPO_STALE_REVIEWS', 'error', `An approval on a pull request into ${b.name} survives new commits: what is merged need not be what was approved.`, `Turn on "Dismiss stale pull request approvals when new commits are pushed" in ${where1}.`);
    const bypass = adminBypass(b, classic, prRules);
    if (bypass) add('REPO_ADMIN_BYPASS', 'warning', `${bypass} can merge into ${b.name} without the review.`, `Turn on "Do not allow bypassing the above settings" (classic rule) or empty the ruleset's bypass list (${RULESETS}); keep a break-glass path documented instead.`);
  }
  if (b.classic !== 'unknown' && b.rules !== 'unknown') {
    const required = new Set([...(classic?.requiredChecks ?? []), ...rulesOf(rules, 'required_status_checks').flatMap((r) => statusChecks(param(r, 'required_status_checks')))]);
    const missing = requiredChecks.filter((c) => !required.has(c));
    if (missing.length > 0) {
      const present = [...required].sort();
      add(
        'REPO_REQUIRED_CHECKS',
        'error',
        `Merging into ${b.name} does not wait for ${missing.length === 1 ? 'the check' : 'the checks'} ${list(missing)}${present.length ? ` (required now: ${list(present)})` : ' (no check is required)'}: a change that fails validation or drifts from out/ can be merged.`,
        `Add ${list(missing)} under "Require status checks to pass" in its ruleset (${RULESETS}) or classic rule (Settings › Branches). A check is named after its workflow job ("slipway" in the README's workflow; "checks / checks" for a job calling a reusable workflow); --required-check names others.`,
      );
    }
  }
  return findings;
}

const statusChecks = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap((c) => (typeof c === 'object' && c !== null && typeof (c as { context?: unknown }).context === 'string' ? [(c as { context: string }).context] : [])) : [];

/** Who gets past the review requirement, when everyone does not have to go through it. */
function adminBypass(b: BranchState, classic: ClassicProtection | undefined, prRules: readonly BranchRule[]): string | undefined {
  // Reviews hold for everyone when one source of them binds everyone: a classic rule that includes
  // administrators, or a ruleset with an empty bypass list. A ruleset whose bypass list the token
  // cannot see is given the benefit of the doubt.
  if (classic?.reviews && classic.enforceAdmins) return undefined;
  const bypasses = prRules.map((r) => (r.rulesetId === undefined ? undefined : b.bypass.get(r.rulesetId)));
  if (prRules.length > 0 && bypasses.some((actors) => actors === undefined || actors.length === 0)) return undefined;
  const who = [...(classic?.reviews ? ['Repository administrators (the classic rule does not include them)'] : []), ...bypasses.flatMap((actors) => (actors ?? []).map(describeActor))];
  return who.length ? [...new Set(who)].join(', ') : undefined;
}

// RepositoryRole ids are not documented by GitHub (github/rest-api-description#7111): printed as is.
function describeActor(a: BypassActor): string {
  const mode = a.mode === 'always' ? '' : ` (${a.mode.replace('_', ' ')} only)`;
  if (a.type === 'OrganizationAdmin') return `organization admins${mode}`;
  if (a.type === 'DeployKey') return `deploy keys${mode}`;
  return `${a.type}${a.id === null ? '' : ` ${a.id}`}${mode}`;
}

function promotionFindings(b: BranchState, where: string): Finding[] {
  const findings: Finding[] = [];
  const add = (code: string, severity: Severity, message: string, hint: string, at = where) => findings.push({ code, severity, where: at, message, hint });
  const rules = b.rules === 'unknown' ? [] : b.rules;
  const updateRules = rulesOf(rules, 'update');
  const restricted = either((c) => c.restrictsPushes, () => updateRules.length > 0, b);
  if (restricted === false) {
    add(
      'REPO_PROMOTION_UPDATES',
      'error',
      `Anyone with write access can move ${b.name}${syncedBy(b)}: any commit that passed the checks, reviewed or not (a pull request's head), can be deployed without the promote workflow.`,
      `Turn on "Restrict updates" in the ${PROMOTION_PREFIX}* ruleset (${RULESETS}) with only the promotion deploy key in its bypass list (README "Promotion").`,
    );
  }
  if (b.classic !== null && b.classic !== 'unknown' && (b.classic.restrictsPushes || b.classic.reviews)) {
    // A classic rule cannot exempt a deploy key (its push allowances are users, teams and apps).
    add(
      'REPO_PROMOTION_BYPASS',
      'warning',
      `The classic rule on ${b.name} ${b.classic.reviews ? 'requires pull requests' : 'restricts pushes to listed users, teams and apps'}: it binds the promotion deploy key too, so the promote workflow's push is refused.`,
      `Protect ${PROMOTION_PREFIX}* with a ruleset instead ("Restrict updates" with the deploy key in its bypass list, ${RULESETS}) and delete the classic rule (Settings › Branches).`,
    );
  }
  for (const r of updateRules) {
    const actors = r.rulesetId === undefined ? undefined : b.bypass.get(r.rulesetId);
    if (actors === undefined) continue;
    if (actors.length === 0) {
      add('REPO_PROMOTION_BYPASS', 'warning', `Nobody may update ${b.name}: its ruleset restricts updates with an empty bypass list, so the promote workflow cannot move it either.`, `Add the promotion deploy key to the ruleset's bypass list (${RULESETS}).`);
    }
    const others = actors.filter((a) => a.type !== 'DeployKey' && a.type !== 'Integration');
    if (others.length > 0) {
      add('REPO_PROMOTION_BYPASS', 'warning', `${others.map(describeActor).join(', ')} can move ${b.name} without the promote workflow and its reviewers.`, `Keep only the promotion deploy key (or a GitHub App the workflow uses) in the ruleset's bypass list (${RULESETS}).`);
    }
  }
  const env = b.environment;
  if (env && env.settings !== 'unknown') {
    const at = where.replace(/:refs\/heads\/.*$/, `:settings/environments/${env.name}`);
    const settings = `Settings › Environments › ${env.name}`;
    if (env.settings === null) {
      add('REPO_PROMOTION_ENVIRONMENT', 'error', `There is no GitHub Environment "${env.name}": the promote workflow would create it unprotected, and promotions to ${b.name} would need nobody's approval.`, `Create it (${settings}) with "Required reviewers", "Prevent self-review" and deployment branches limited to the default branch; put the promotion deploy key in it as the secret PROMOTE_DEPLOY_KEY.`, at);
    } else {
      if (env.settings.reviewers === 0) {
        add('REPO_PROMOTION_REVIEWERS', 'error', `The GitHub Environment "${env.name}" has no required reviewers: anyone who may run workflows can promote to ${b.name}.`, `Add "Required reviewers" (${settings}). Private repositories need GitHub Enterprise for them (GitHub Free, Pro and Team offer them on public repositories only).`, at);
      } else if (!env.settings.preventSelfReview) {
        add('REPO_PROMOTION_SELF_REVIEW', 'warning', `Whoever starts a promotion to ${b.name} may approve it: the GitHub Environment "${env.name}" allows self-review.`, `Turn on "Prevent self-review" (${settings}).`, at);
      }
      if (!env.settings.branchPolicy) {
        add('REPO_PROMOTION_DEPLOY_BRANCHES', 'error', `Any branch's workflows can run in the GitHub Environment "${env.name}" and read its promotion key once approved: a branch can change what the promote workflow does.`, `Set "Deployment branches and tags" to the default branch only (${settings}).`, at);
      }
    }
  }
  return findings;
}

/** Workflow permissions, from GET /repos/{owner}/{repo}/actions/permissions/workflow. */
export interface ActionsPermissions {
  readonly defaultWorkflowPermissions: string;
  readonly canApprovePullRequestReviews: boolean;
}

export function evaluateActions(p: ActionsPermissions, where: string): Finding[] {
  const findings: Finding[] = [];
  const settings = 'Settings › Actions › General › Workflow permissions';
  if (p.canApprovePullRequestReviews) {
    findings.push({ code: 'REPO_ACTIONS_APPROVE', severity: 'error', where, message: 'GitHub Actions may approve pull requests: a workflow can supply the approval that review requires.', hint: `Turn off "Allow GitHub Actions to create and approve pull requests" (${settings}).` });
  }
  if (p.defaultWorkflowPermissions !== 'read') {
    findings.push({ code: 'REPO_ACTIONS_WRITE', severity: 'error', where, message: `Workflows get a token that can write by default ("${p.defaultWorkflowPermissions}"): any workflow without a permissions block can push.`, hint: `Choose "Read repository contents and packages permissions" (${settings}); workflows that write say so in their permissions block.` });
  }
  return findings;
}

/** What CODEOWNERS must cover: what Flux and Terraform apply, what produces it, what checks it. */
export const OWNED_AREAS = [
  { prefix: 'environments/', probe: 'environments/new-environment.yaml' },
  { prefix: 'out/', probe: 'out/new-environment/flux/kustomization.yaml' },
  { prefix: '.github/workflows/', probe: '.github/workflows/new-workflow.yml' },
] as const;

/**
 * Unowned areas. Every file the branch holds under an area is checked, and a file that does not
 * exist yet (a new environment, a new workflow) too, so that a rule listing today's files is not
 * enough. The CODEOWNERS file itself must be owned, or a pull request could change who reviews.
 */
export function evaluateCodeowners(codeowners: Codeowners, file: string, branch: string, files: readonly string[] | undefined): Finding[] {
  const findings: Finding[] = [];
  const areas = [...OWNED_AREAS.map((a) => ({ label: a.prefix, paths: [...new Set([...(files ?? []).filter((f) => f.startsWith(a.prefix)), a.probe])] })), { label: file, paths: [file] }];
  for (const area of areas) {
    const unowned = area.paths.filter((p) => ownersOf(codeowners, p).length === 0);
    if (unowned.length === 0) continue;
    const decider = ruleFor(codeowners, unowned[0]!);
    const examples = unowned.slice(0, 3).join(', ') + (unowned.length > 3 ? `, and ${unowned.length - 3} more` : '');
    const subject = area.paths.length === 1 ? area.label : `${area.label} (${unowned.length === area.paths.length ? 'every file' : `${unowned.length} of ${area.paths.length} files`}: ${examples})`;
    findings.push({
      code: 'REPO_CODEOWNERS_UNOWNED',
      severity: 'error',
      where: file,
      line: decider?.line ?? 0,
      column: decider ? 1 : 0,
      message: `${subject} has no code owner on ${branch}${decider ? `: the last matching rule, "${decider.pattern}", names nobody` : ''}; a pull request changing it needs no owner's review.`,
      hint: `Add a rule such as "/${area.label.replace(/^\//, '')} @your-org/platform" after any broader rule (the last matching rule wins), with no rule without owners after it.`,
    });
  }
  return findings;
}
