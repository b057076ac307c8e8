import { formatIssueText, useColor } from '../format/text.ts';
import { checkRepository, DEFAULT_REQUIRED_CHECKS, type RepositoryCheck } from '../github/repository-check.ts';
import { withoutToken } from '../github/sticky-comment.ts';
import { hasErrors } from '../issues.ts';
import { DEFAULT_ENVIRONMENTS_DIR, listEnvironmentFiles, loadEnvironments } from '../load/load-environments.ts';
import { closest } from '../load/suggest.ts';
import { parse } from './args.ts';
import { githubSettings } from './github-settings.ts';
import { UsageError, type Command } from './command.ts';

export const repositoryCommand: Command = {
  name: 'repository',
  usage: `Usage: slipway repository check [--required-check NAME]...

Checks the GitHub settings that make review binding, read through the GitHub API (GET only;
nothing is changed), and prints one line per problem with its fix:
  - every branch Flux syncs (gitops.branch in environments/*.yaml) and the default branch:
    protected by a ruleset or a classic rule. Branches that take pull requests need 1 approval
    or more, stale approvals dismissed, code owners' review, the required checks, no force
    pushes or deletions (administrators who can bypass review: a warning). stage/<stage>
    branches are promotion branches: updates restricted (only the promote workflow's deploy
    key may move them), no force pushes or deletions, and a GitHub Environment <stage> with
    required reviewers and deployment branches limited;
  - CODEOWNERS (.github/, root or docs/) gives environments/, out/, .github/workflows/ and
    itself an owner, file by file, the last matching rule winning; GitHub's own CODEOWNERS
    errors (unknown owners) are listed at their line;
  - GitHub Actions may not approve pull requests, and workflow tokens are read-only by default.
Environments whose gitops.repository is another repository are listed, not checked.

The token needs read access to the settings: a fine-grained token (or GitHub App) with
"Administration", "Contents", "Actions" and "Metadata" read on the repository, or a classic
token with the repo scope of a repository admin. GITHUB_TOKEN in GitHub Actions cannot read
branch protection. A setting the token may not read is named with the permission it needs.

Environment:
  GITHUB_TOKEN                  the token (never printed)
  GITHUB_REPOSITORY             owner/name
  GITHUB_API_URL                API base URL (default https://api.github.com)
  SLIPWAY_GITHUB_TIMEOUT_MS     each request's timeout (default 10000)
  SLIPWAY_GITHUB_DEADLINE_MS    the whole command's deadline (default 60000)
  SLIPWAY_GITHUB_MAX_WAIT_S     longest rate-limit wait honoured (default 30)

Options:
  --required-check NAME   A status check merging must wait for, as GitHub names it (the
                          workflow job's name; "caller / called" for a reusable workflow).
                          Repeat for several. Default: ${DEFAULT_REQUIRED_CHECKS.join(', ')} (the job of the README's workflow).
  -h, --help              Show this help.

Exit codes: 0 review is enforced (warnings allowed), 1 problems found or invalid environment
files, 2 usage error, a setting the token may not read, or no answer from GitHub.`,
  async run(args, io) {
    const { values, positionals } = parse(args, { 'required-check': { type: 'string', multiple: true } }, true);
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const [sub, ...extra] = positionals;
    if (sub !== 'check') {
      const guess = sub === undefined ? undefined : closest(sub, ['check']);
      throw new UsageError(sub === undefined ? 'name what to do: slipway repository check.' : `unknown subcommand "${sub}".`, guess ? `Did you mean "${guess}"?` : undefined);
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}".`);
    const checks = ((values['required-check'] as string[] | undefined) ?? [...DEFAULT_REQUIRED_CHECKS]).map((c) => c.trim());
    if (checks.some((c) => c === '')) throw new UsageError('--required-check needs a check name.');
    const settings = githubSettings(io.env);
    const color = { color: useColor(io.stdout, io.env) };
    const safe = (text: string) => withoutToken(text, settings.token);

    // The branches Flux syncs come from the environment files: they must be readable first.
    const files = listEnvironmentFiles(DEFAULT_ENVIRONMENTS_DIR);
    const loaded = loadEnvironments(files);
    if (hasErrors(loaded.issues)) {
      const errors = loaded.issues.filter((i) => i.severity === 'error');
      io.stdout.write(safe(`${errors.map((i) => formatIssueText(i, color)).join('\n')}\nThe environment files do not validate, so the branches Flux syncs are not known: fix them first (slipway validate).\n`));
      return 1;
    }
    const syncs = loaded.environments.map((e) => ({ environment: e.name, repository: e.gitops.repository, branch: e.gitops.branch }));

    let report: RepositoryCheck;
    try {
      report = await checkRepository(settings, syncs, checks);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      io.stderr.write(safe(`slipway repository check: ${message.replace(/\s+/g, ' ').trim()}\n`));
      return 2;
    }
    const lines = report.issues.map((i) => formatIssueText(i, color));
    for (const s of report.elsewhere) lines.push(`note: ${s.environment} syncs ${s.repository} (${s.branch}), not ${report.repository}: check that repository there.`);
    const errors = report.issues.filter((i) => i.severity === 'error').length;
    const warnings = report.issues.length - errors;
    const branches = report.branches
      .map((b) => `${b.name} (${b.name === report.defaultBranch ? 'default' : b.role} branch${b.environments.length ? `, synced by ${b.environments.join(', ')}` : ''})`)
      .join(', ');
    const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    const n = report.unreadable.length;
    if (n > 0) lines.push(`${report.repository}: ${counts} in what could be read; ${n} setting${n === 1 ? '' : 's'} could not be read (on stderr, each with the permission it needs). Checked ${branches}.`);
    else lines.push(`${report.repository}: ${errors > 0 ? counts : `review is enforced (${counts})`}. Checked ${branches}.`);
    io.stdout.write(safe(`${lines.join('\n')}\n`));
    for (const u of report.unreadable) io.stderr.write(safe(`slipway repository check: ${u}\n`));
    if (report.unreadable.length > 0) return 2;
    return errors > 0 ? 1 : 0;
  },
};
