import { readFileSync } from 'node:fs';
import { GithubSettingsError, settingsFromEnv, upsertStickyComment, withoutToken } from '../github/sticky-comment.ts';
import { parse } from './args.ts';
import { UsageError, type Command } from './command.ts';

export const commentCommand: Command = {
  name: 'comment',
  usage: `Usage: slipway comment --pr N --body-file FILE

Finds this pull request's Slipway comment by its hidden marker and updates it in place, or
creates it when missing: never a second one. Retries on server errors and secondary rate limits.

Environment:
  GITHUB_TOKEN        token with pull-requests: write (never printed)
  GITHUB_REPOSITORY   owner/name
  GITHUB_API_URL      API base URL (default https://api.github.com)

Options:
  --pr N             Pull request number.
  --body-file FILE   Markdown to post (e.g. the output of slipway diff).
  -h, --help         Show this help.`,
  async run(args, io) {
    const { values } = parse(args, { pr: { type: 'string' }, 'body-file': { type: 'string' } });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const pr = Number(values.pr);
    if (!Number.isInteger(pr) || pr <= 0) throw new UsageError('--pr must be a pull request number.');
    if (!values['body-file']) throw new UsageError('--body-file FILE is required.');
    let settings;
    try {
      settings = settingsFromEnv(io.env);
    } catch (e) {
      if (e instanceof GithubSettingsError) throw new UsageError(e.message);
      throw e;
    }
    let markdown: string;
    try {
      markdown = readFileSync(values['body-file'] as string, 'utf8');
    } catch {
      throw new UsageError(`cannot read ${String(values['body-file'])}.`);
    }
    try {
      const result = await upsertStickyComment(settings, pr, markdown);
      io.stdout.write(`Comment ${result.id} ${result.action} on #${pr}: ${result.url}\n`);
      return 0;
    } catch (e) {
      const err = e as { status?: number; message?: string };
      io.stderr.write(`slipway comment: GitHub answered ${err.status ?? 'without a status'}: ${withoutToken(err.message ?? String(e), settings.token)}\n`);
      return 2;
    }
  },
};
