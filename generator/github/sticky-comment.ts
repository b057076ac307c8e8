// One sticky comment per pull request: found by a hidden marker, updated in place, created when
// missing. Retries on server errors and on GitHub's secondary rate limits; the token is never printed.
import { Octokit } from '@octokit/rest';
import { DIFF_MARKER } from '../diff/markdown.ts';

/** GitHub rejects comments above 65,536 characters. */
export const COMMENT_LIMIT = 65_536;

export interface GithubSettings {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  /** First retry delay; doubled per attempt (tests use a small value). */
  readonly retryBaseMs?: number;
  readonly maxRetries?: number;
}

export class GithubSettingsError extends Error {}

export function settingsFromEnv(env: NodeJS.ProcessEnv): GithubSettings {
  const token = env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  if (!token) throw new GithubSettingsError('GITHUB_TOKEN is not set.');
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new GithubSettingsError('GITHUB_REPOSITORY must be set to owner/name.');
  const [owner, repo] = repository.split('/') as [string, string];
  return {
    token,
    owner,
    repo,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    ...(env.SLIPWAY_RETRY_BASE_MS && { retryBaseMs: Number(env.SLIPWAY_RETRY_BASE_MS) }),
  };
}

/** The body with the marker first, cut to GitHub's limit with an explicit note. */
export function commentBody(markdown: string): string {
  const body = markdown.includes(DIFF_MARKER) ? markdown : `${DIFF_MARKER}\n${markdown}`;
  if (body.length <= COMMENT_LIMIT) return body;
  const note = '\n\n_Truncated to fit GitHub\'s comment limit; see the job summary for the full diff._\n';
  return body.slice(0, COMMENT_LIMIT - note.length) + note;
}

function retryable(status: number | undefined, message: string, headers: Record<string, string | undefined>): number | undefined {
  if (status === undefined) return 0;
  if (status >= 500) return 0;
  // Secondary rate limits: 403 or 429, with retry-after or the documented message.
  if ((status === 403 || status === 429) && (headers['retry-after'] !== undefined || /secondary rate limit|abuse/i.test(message))) {
    return Number(headers['retry-after'] ?? 1) * 1000;
  }
  return undefined;
}

export function client(settings: GithubSettings): Octokit {
  const octokit = new Octokit({
    auth: settings.token,
    baseUrl: settings.apiUrl,
    userAgent: 'slipway',
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const maxRetries = settings.maxRetries ?? 4;
  const base = settings.retryBaseMs ?? 1000;
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (e) {
        const err = e as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
        const wait = retryable(err.status, err.message ?? '', err.response?.headers ?? {});
        if (wait === undefined || attempt >= maxRetries) throw e;
        await new Promise((resolve) => setTimeout(resolve, Math.max(wait, base * 2 ** attempt)));
      }
    }
  });
  return octokit;
}

export interface StickyResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  readonly url: string;
}

export async function upsertStickyComment(settings: GithubSettings, pr: number, markdown: string): Promise<StickyResult> {
  const octokit = client(settings);
  const body = commentBody(markdown);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: settings.owner, repo: settings.repo, issue_number: pr, per_page: 100 });
  const existing = comments.find((c) => c.body?.includes(DIFF_MARKER));
  if (existing) {
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url };
    const { data } = await octokit.rest.issues.updateComment({ owner: settings.owner, repo: settings.repo, comment_id: existing.id, body });
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({ owner: settings.owner, repo: settings.repo, issue_number: pr, body });
  return { action: 'created', id: data.id, url: data.html_url };
}

/** An error message with the token removed, whatever Octokit put in it. */
export const withoutToken = (message: string, token: string) => (token ? message.split(token).join('***') : message);
