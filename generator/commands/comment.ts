import { readFileSync } from 'node:fs';
import { MARKER_NAME, markerOf, upsertStickyComment, withoutToken, type StickyResult } from '../github/sticky-comment.ts';
import { parse } from './args.ts';
import { githubSettings } from './github-settings.ts';
import { UsageError, type Command } from './command.ts';

export const commentCommand: Command = {
  name: 'comment',
  usage: `Usage: slipway comment --pr N --body-file FILE [--marker NAME] [--update-only]

Posts FILE (e.g. the output of slipway diff) as the pull request's one Slipway comment: the
comment by this token's author that starts with the hidden marker <!-- slipway:diff --> is
updated in place, or created when there is none. Never a second one: older duplicates are
deleted, comments by anyone else are never touched, and a create that fails without a clear
answer is checked for before it is tried again. Lines that look like credentials are redacted.

--marker NAME keeps another sticky comment beside the diff's, under <!-- slipway:NAME -->
(e.g. plan, for the Terraform plan summary of .github/workflows/terraform-plan.yml): each
marker has its own one comment, and neither ever touches the other.

The author is the token's user (GET /user). GITHUB_TOKEN in GitHub Actions may not ask: its
comments are by github-actions[bot]. For another GitHub App's token, set SLIPWAY_COMMENT_AUTHOR.

Environment:
  GITHUB_TOKEN                  token with pull-requests: write (never printed)
  GITHUB_REPOSITORY             owner/name
  GITHUB_API_URL                API base URL (default https://api.github.com)
  SLIPWAY_COMMENT_AUTHOR        login of the comment's author (e.g. my-app[bot]); skips GET /user
  SLIPWAY_GITHUB_TIMEOUT_MS     each request's timeout (default 10000)
  SLIPWAY_GITHUB_DEADLINE_MS    the whole command's deadline (default 60000)
  SLIPWAY_GITHUB_MAX_WAIT_S     longest rate-limit wait honoured (default 30); longer fails
  SLIPWAY_GITHUB_RETRY_BASE_MS  length of one second of retry waiting (default 1000; tests)

Options:
  --pr N             Pull request number.
  --body-file FILE   Markdown to post.
  --marker NAME      The comment's marker name: lowercase letters, digits, dashes (default: diff).
  --update-only      Update our comment when there is one; create none (e.g. to say "nothing
                     to plan any more" without commenting on every pull request).
  -h, --help         Show this help.

Exit codes: 0 created, updated, unchanged or (--update-only) nothing to update; 2 usage error
or failure (one line naming the request and the HTTP status).`,
  async run(args, io) {
    const { values } = parse(args, { pr: { type: 'string' }, 'body-file': { type: 'string' }, marker: { type: 'string' }, 'update-only': { type: 'boolean' } });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const pr = /^\d+$/.test(String(values.pr ?? '')) ? Number(values.pr) : NaN;
    if (!Number.isSafeInteger(pr) || pr <= 0) throw new UsageError('--pr must be a pull request number.');
    if (!values['body-file']) throw new UsageError('--body-file FILE is required.');
    const name = (values.marker as string | undefined) ?? 'diff';
    if (!MARKER_NAME.test(name)) throw new UsageError(`--marker must be lowercase letters, digits and dashes, starting with a letter (at most 40), not "${name}".`);
    const marker = markerOf(name);
    const settings = githubSettings(io.env);
    let markdown: string;
    try {
      markdown = readFileSync(values['body-file'] as string, 'utf8');
    } catch {
      throw new UsageError(`cannot read ${String(values['body-file'])}.`);
    }
    const safe = (text: string) => withoutToken(text, settings.token);
    try {
      const result = await upsertStickyComment(settings, pr, markdown, { marker, updateOnly: values['update-only'] === true });
      if (result.action === 'none') io.stdout.write(`No comment ${marker} on #${pr} to update: none created (--update-only).\n`);
      else io.stdout.write(safe(`Comment ${result.id} ${result.action} on #${pr}: ${result.url}${details(result)}\n`));
      return 0;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      io.stderr.write(safe(`slipway comment: ${message.replace(/\s+/g, ' ').trim()}\n`));
      return 2;
    }
  },
};

function details(result: StickyResult): string {
  const notes = [
    result.adoptedAfter && `the create answered "${result.adoptedAfter}"; found it stored`,
    result.removed > 0 && `deleted ${result.removed} older duplicate${result.removed === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return notes.length ? ` (${notes.join('; ')})` : '';
}
