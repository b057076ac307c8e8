// One sticky comment per pull request, whatever fails on the way: found by its hidden marker and by
// its author, updated in place, created only when there is none — and never a second one when a
// create may have succeeded without saying so. The token is never printed.
import { DIFF_MARKER } from '../diff/markdown.ts';
import { looksSecret, redact, SECRET_PATTERNS } from '../secrets.ts';
import { DEFAULT_LIMITS, GithubClient, GithubError, type ClientLimits } from './client.ts';

/** GitHub rejects comments above 65,536 characters. */
export const COMMENT_LIMIT = 65_536;

/**
 * Who writes the comment when the token cannot say. GITHUB_TOKEN in GitHub Actions is an
 * installation access token of the GitHub Actions app ("The GITHUB_TOKEN secret is a GitHub App
 * installation access token", https://docs.github.com/en/actions/concepts/security/github_token),
 * and GET /user, which names a token's user, is refused to installation tokens (403 "Resource not
 * accessible by integration": https://docs.github.com/en/rest/users/users#get-the-authenticated-user
 * works with user tokens only). Comments made with it are by github-actions[bot]. A token of another
 * GitHub App writes as that app's bot: SLIPWAY_COMMENT_AUTHOR names it (e.g. my-app[bot]).
 */
export const ACTIONS_BOT = 'github-actions[bot]';

export interface GithubSettings extends Partial<ClientLimits> {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  /** The login the comment is written by; found with GET /user when not given. */
  readonly author?: string;
}

export class GithubSettingsError extends Error {}

const NUMBERS = {
  SLIPWAY_GITHUB_TIMEOUT_MS: 'requestTimeoutMs',
  SLIPWAY_GITHUB_DEADLINE_MS: 'deadlineMs',
  SLIPWAY_GITHUB_MAX_WAIT_S: 'maxWaitSeconds',
  SLIPWAY_GITHUB_RETRY_BASE_MS: 'retryBaseMs',
} as const;

export function settingsFromEnv(env: NodeJS.ProcessEnv): GithubSettings {
  const token = env.GITHUB_TOKEN?.trim();
  const repository = env.GITHUB_REPOSITORY;
  if (!token) throw new GithubSettingsError('GITHUB_TOKEN is not set.');
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new GithubSettingsError('GITHUB_REPOSITORY must be set to owner/name.');
  const [owner, repo] = repository.split('/') as [string, string];
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(apiUrl) || !URL.canParse(apiUrl)) throw new GithubSettingsError(`GITHUB_API_URL must be an http(s) URL, not "${apiUrl}".`);
  const limits: Partial<Record<keyof ClientLimits, number>> = {};
  for (const [name, key] of Object.entries(NUMBERS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new GithubSettingsError(`${name} must be a positive number, not "${raw}".`);
    limits[key] = value;
  }
  const author = env.SLIPWAY_COMMENT_AUTHOR?.trim();
  return { token, owner, repo, apiUrl, ...limits, ...(author && { author }) };
}

/** The hidden marker of the sticky comment named NAME: diff (slipway diff's) is <!-- slipway:diff -->. */
export const markerOf = (name: string) => `<!-- slipway:${name} -->`;

/** A marker name: lowercase letters, digits and dashes (it goes inside an HTML comment). */
export const MARKER_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The body as posted: credentials redacted, the marker first, cut to GitHub's limit with a note.
 * The marker leads, so a comment that merely quotes it (a reply, a review) is never taken for ours.
 */
export function commentBody(markdown: string, marker: string = DIFF_MARKER): string {
  const clean = redactBody(markdown, marker);
  const body = clean.trimStart().startsWith(marker) ? clean : `${marker}\n${clean}`;
  if (body.length <= COMMENT_LIMIT) return body;
  const note = '\n\n_Truncated to fit GitHub\'s comment limit; see the job summary for the full diff._\n';
  return body.slice(0, COMMENT_LIMIT - note.length) + note;
}

/**
 * The diff's redaction (secrets.ts, whole values) applied to a body written by anything: a line that
 * looks like it holds a credential is replaced whole — in a table row, only the cell that does, so
 * the table still renders. A pattern that spans lines (a Secret manifest's data) withholds the body.
 */
export function redactBody(markdown: string, marker: string = DIFF_MARKER): string {
  const body = markdown.split('\n').map(redactLine).join('\n');
  if (!looksSecret(body)) return body;
  const what = SECRET_PATTERNS.find(([, re]) => re.test(body))?.[0] ?? 'secret material';
  const local = marker === DIFF_MARKER ? 'Run `npx slipway diff` locally to see it.' : 'See the job summary of the run that wrote it.';
  return `${marker}\n> [!CAUTION]\n> The report was withheld from this comment: it looks like it holds a secret (${what}). ${local}\n`;
}

function redactLine(line: string): string {
  if (!looksSecret(line)) return line;
  if (/^\s*\|/.test(line)) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => (looksSecret(cell) ? cell.replace(/\S(?:.*\S)?/, '[redacted]') : cell));
    const row = cells.join('|');
    if (!looksSecret(row)) return row;
  }
  return redact(line);
}

export interface StickyResult {
  /** none: updateOnly was asked and there was no comment of ours to update (id 0, url ''). */
  readonly action: 'created' | 'updated' | 'unchanged' | 'none';
  readonly id: number;
  readonly url: string;
  /** Older comments of ours deleted (left by older versions, or by runs that raced). */
  readonly removed: number;
  /** Set when a create failed without saying whether it worked, and the comment was found. */
  readonly adoptedAfter?: string;
}

interface Comment {
  readonly id: number;
  readonly body: string;
  readonly url: string;
  readonly createdAt: string;
}

export interface StickyOptions {
  /** The hidden marker that names the comment (default: the diff's, <!-- slipway:diff -->). */
  readonly marker?: string;
  /** Only update a comment that exists; never create one. */
  readonly updateOnly?: boolean;
}

export async function upsertStickyComment(settings: GithubSettings, pr: number, markdown: string, options: StickyOptions = {}): Promise<StickyResult> {
  const limits: ClientLimits = { ...DEFAULT_LIMITS, ...definedLimits(settings) };
  const gh = new GithubClient(settings, limits);
  const marker = options.marker ?? DIFF_MARKER;
  const body = commentBody(markdown, marker);
  return gh.run(async () => {
    const author = settings.author ?? (await tokenAuthor(gh));
    const sticky = new Sticky(gh, settings, pr, author, marker);
    const ours = await sticky.list();
    if (ours.length > 0) {
      const kept = await sticky.keepNewest(ours, body);
      if (kept) return kept;
    }
    if (options.updateOnly) return { action: 'none', id: 0, url: '', removed: 0 };
    return sticky.create(body);
  });
}

const definedLimits = (settings: GithubSettings): Partial<ClientLimits> =>
  Object.fromEntries(Object.entries(settings).filter(([key, value]) => key in DEFAULT_LIMITS && value !== undefined));

/** The token's user; for an installation token (GITHUB_TOKEN), which may not ask, the Actions bot. */
async function tokenAuthor(gh: GithubClient): Promise<string> {
  try {
    const { data, status } = await gh.octokit.request('GET /user');
    if (typeof data.login !== 'string' || data.login === '') throw new GithubError(`GET /user failed: GitHub answered ${status} without a login`, status);
    return data.login;
  } catch (e) {
    const failure = gh.describe(e);
    const headers = (e as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
    const rateLimited = headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(failure.message);
    if (failure.status === 403 && !rateLimited) return ACTIONS_BOT;
    throw failure;
  }
}

class Sticky {
  private readonly where: { owner: string; repo: string };

  constructor(
    private readonly gh: GithubClient,
    settings: GithubSettings,
    private readonly pr: number,
    private readonly author: string,
    private readonly marker: string,
  ) {
    this.where = { owner: settings.owner, repo: settings.repo };
  }

  /** Our comments on the pull request, newest first: by our author, starting with the marker. */
  async list(): Promise<Comment[]> {
    const ours = new Map<number, Comment>();
    let pages = 0;
    const label = `GET /repos/${this.where.owner}/${this.where.repo}/issues/${this.pr}/comments`;
    const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments' as const;
    for await (const page of this.gh.octokit.paginate.iterator(route, { ...this.where, issue_number: this.pr, per_page: 100 })) {
      if (++pages > 1000) throw new GithubError(`${label} failed: more than 1000 pages of comments (a link header that never ends?)`);
      if (!Array.isArray(page.data)) throw new GithubError(`${label} failed: GitHub answered ${page.status} with something other than a list of comments`, page.status);
      for (const raw of page.data as unknown[]) {
        const c = raw as { id?: unknown; body?: unknown; html_url?: unknown; created_at?: unknown; user?: { login?: unknown } | null };
        if (typeof c !== 'object' || c === null || typeof c.id !== 'number' || typeof c.html_url !== 'string') {
          throw new GithubError(`${label} failed: GitHub answered ${page.status} with a comment without id or html_url`, page.status);
        }
        const login = typeof c.user?.login === 'string' ? c.user.login : '';
        const body = typeof c.body === 'string' ? c.body : '';
        if (login.toLowerCase() === this.author.toLowerCase() && body.trimStart().startsWith(this.marker)) {
          ours.set(c.id, { id: c.id, body, url: c.html_url, createdAt: typeof c.created_at === 'string' ? c.created_at : '' });
        }
      }
    }
    return [...ours.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  }

  /** Updates the newest of ours (unless it already says this) and deletes the others; undefined when the newest is gone meanwhile. */
  async keepNewest(ours: readonly Comment[], body: string, adoptedAfter?: string): Promise<StickyResult | undefined> {
    const [newest, ...older] = ours as [Comment, ...Comment[]];
    let result: StickyResult;
    if (newest.body === body) result = { action: adoptedAfter ? 'created' : 'unchanged', id: newest.id, url: newest.url, removed: 0 };
    else {
      try {
        const { data, status } = await this.gh.octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...this.where, comment_id: newest.id, body });
        result = { action: adoptedAfter ? 'created' : 'updated', ...checked(data, status, `PATCH /repos/${this.where.owner}/${this.where.repo}/issues/comments/${newest.id}`), removed: 0 };
      } catch (e) {
        if (this.gh.describe(e).status === 404 && older.length === 0) return undefined;
        throw e;
      }
    }
    for (const c of older) {
      try {
        await this.gh.octokit.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...this.where, comment_id: c.id });
      } catch (e) {
        if (this.gh.describe(e).status !== 404) throw e; // already gone: what we wanted
      }
    }
    return { ...result, removed: older.length, ...(adoptedAfter && { adoptedAfter }) };
  }

  /**
   * Creates the comment. A create that fails without a clear no (a 5xx, a timeout, a broken
   * connection) may have been stored: before trying again, the comments are listed again and ours,
   * when there, is adopted. The retry plugin is off for this request for that reason.
   */
  async create(body: string): Promise<StickyResult> {
    const label = `POST /repos/${this.where.owner}/${this.where.repo}/issues/${this.pr}/comments`;
    for (let attempt = 1; ; attempt++) {
      try {
        const { data, status } = await this.gh.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...this.where,
          issue_number: this.pr,
          body,
          request: { retries: 0 },
        });
        return { action: 'created', ...checked(data, status, label), removed: 0 };
      } catch (e) {
        const failure = this.gh.describe(e);
        if (!mayHaveSucceeded(failure) || attempt > this.gh.limits.retries) throw failure;
        await this.gh.backoff(attempt, failure);
        const ours = await this.list();
        if (ours.length > 0) {
          const kept = await this.keepNewest(ours, body, failure.message.replace(/^POST \S+ failed(: | with )?/, ''));
          if (kept) return kept;
        }
      }
    }
  }
}

/** A 5xx, or no answer at all: the request may have been carried out. */
const mayHaveSucceeded = (failure: GithubError) => failure.unanswered || (failure.status ?? 0) >= 500;

/** A comment as GitHub answers it, or a failure saying what was missing. */
function checked(data: unknown, status: number, label: string): { id: number; url: string } {
  const c = data as { id?: unknown; html_url?: unknown };
  if (typeof c.id !== 'number' || typeof c.html_url !== 'string') {
    throw new GithubError(`${label} failed: GitHub answered ${status} without the comment's id and html_url (a malformed answer)`, status);
  }
  return { id: c.id, url: c.html_url };
}

/** An error message with the token removed, whatever put it there. */
export const withoutToken = (message: string, token: string) => (token ? message.split(token).join('***') : message);
