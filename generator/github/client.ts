// An Octokit for one command run, bounded in time. @octokit/core with the retry, throttling and
// pagination plugins (not @octokit/rest: its generated endpoint methods are most of its weight).
//
// - Every request has its own timeout, covering the answer's headers and its body; the run as a
//   whole has a deadline, after which it fails naming what it was waiting for.
// - Server errors and network failures are retried by @octokit/plugin-retry, except where a caller
//   turns that off (a create that may have succeeded must not be sent again blindly).
// - Rate limits are retried by @octokit/plugin-throttling when GitHub asks for a wait up to a cap;
//   above the cap, or past the deadline, the run fails naming the wait GitHub asked for.
// - A successful answer that is not JSON is a failure, never data.
// - Every failure becomes one GithubError line naming the request and the HTTP status (or that there
//   was none); the token is never part of it (callers still pass every line through withoutToken).
import { randomUUID } from 'node:crypto';
import { Octokit, type OctokitOptions } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';

export interface ClientLimits {
  /** Each request, from sending it to the last byte of the answer. */
  readonly requestTimeoutMs: number;
  /** The whole run. */
  readonly deadlineMs: number;
  /** The longest wait GitHub may ask for (retry-after, x-ratelimit-reset) that is honoured. */
  readonly maxWaitSeconds: number;
  /**
   * How long one second of waiting lasts: 1000 for real use, smaller in tests. Scales the backoff of
   * retries (1, 4, 9 units), the waits GitHub asks for, and the spacing between writes (1 unit, 3
   * between comments) that GitHub's best practices ask for.
   */
  readonly retryBaseMs: number;
  /** Retries of a request after a server error, a timeout or a broken connection. */
  readonly retries: number;
}

export const DEFAULT_LIMITS: ClientLimits = { requestTimeoutMs: 10_000, deadlineMs: 60_000, maxWaitSeconds: 30, retryBaseMs: 1000, retries: 3 };

/** A failed GitHub call, as the one line a user reads. */
export class GithubError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** The request got no answer (a timeout, a broken connection): it may have been carried out. */
    readonly unanswered = false,
  ) {
    super(message);
  }
}

/** No HTTP answer at all: a timeout or a broken connection. */
class TransportError extends Error {}

/** The run's deadline passed. Named AbortError so that @octokit/request passes it through and neither plugin retries it. */
class DeadlineError extends Error {
  override name = 'AbortError';
}

/** What an Octokit request error looks like (duck-typed: @octokit/request-error is not a direct dependency). */
interface RequestFailure {
  status?: number;
  message?: string;
  cause?: unknown;
  request?: { method?: string; url?: string; request?: { retries?: number; retryCount?: number } };
  response?: { status: number; headers: Record<string, string | undefined>; data?: unknown };
}

/** Statuses no retry would change; 403 and 429 are left to the throttling plugin. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Registered before the retry and throttling plugins, so its error hook sits inside theirs (only
 * authentication is closer to the request): it sees every attempt before they decide on a retry.
 */
function attempts(octokit: Octokit, options: OctokitOptions) {
  const classify = options.classifyAttemptFailure as ((error: unknown, options: unknown) => unknown) | undefined;
  if (classify) {
    octokit.hook.error('request', (error, requestOptions) => {
      throw classify(error, requestOptions);
    });
  }
  return {};
}

const OctokitWithPlugins = Octokit.plugin(attempts, retry, throttling, paginateRest);
export type GithubOctokit = InstanceType<typeof OctokitWithPlugins>;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;
const oneLine = (text: string, max = 200) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export class GithubClient {
  readonly octokit: GithubOctokit;
  readonly limits: ClientLimits;
  readonly deadlineAt: number;
  private readonly apiOrigin: string;
  private readonly controller = new AbortController();
  /** The request being waited for, and why the last attempt failed: named when the deadline passes. */
  private inFlight: string | undefined;
  private lastFailure: string | undefined;
  /** Why the throttling plugin was told not to wait: the next 403/429 failure says so. */
  private refusal: string | undefined;

  constructor(settings: { token: string; apiUrl: string }, limits: ClientLimits) {
    this.limits = limits;
    this.deadlineAt = Date.now() + limits.deadlineMs;
    this.apiOrigin = new URL(settings.apiUrl).origin;
    const unit = limits.retryBaseMs;
    // Per client, so that spacing follows this run's own writes (GitHub's best practices: at
    // least a second between writes; the plugin's default for comments is three).
    const spacing = (minTime: number) => new Bottleneck.Group({ maxConcurrent: 1, minTime });
    const limited = (kind: string) => (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => this.mayWait(kind, retryAfter, retryCount);
    this.octokit = new OctokitWithPlugins({
      auth: settings.token,
      baseUrl: settings.apiUrl,
      userAgent: 'slipway',
      log: { debug() {}, info() {}, warn() {}, error() {} },
      request: { fetch: this.boundedFetch.bind(this) },
      classifyAttemptFailure: this.classify.bind(this),
      retry: { retries: limits.retries, retryAfterBaseValue: unit, doNotRetry: DO_NOT_RETRY },
      throttle: {
        id: `slipway-${randomUUID()}`,
        retryAfterBaseValue: unit,
        write: spacing(unit),
        notifications: spacing(3 * unit),
        onRateLimit: limited('rate limit, until x-ratelimit-reset'),
        onSecondaryRateLimit: limited('secondary rate limit'),
      },
    });
    // Registered after the plugins, so it wraps them: it sees each request once, retries included.
    this.octokit.hook.wrap('request', async (request, options) => {
      const label = this.label(options);
      if (new URL(this.octokit.request.endpoint.parse(options as never).url).origin !== this.apiOrigin) {
        throw new GithubError(`${label}: refused, not on the GitHub API at ${this.apiOrigin} (the token is only sent there)`);
      }
      this.refusal = undefined;
      this.inFlight = label;
      try {
        const response = await request(options);
        const data: unknown = response.data;
        if (!NULL_BODY.has(response.status) && (data === null || typeof data !== 'object' || data instanceof ArrayBuffer)) {
          throw new GithubError(`${label} failed: GitHub answered ${response.status} with a body that is not JSON`, response.status);
        }
        return response;
      } finally {
        this.inFlight = undefined;
      }
    });
  }

  /** Runs the work within the deadline; every failure comes out as a GithubError. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const waiting = this.inFlight ? `; waiting for ${this.inFlight}` : '';
        const last = this.lastFailure ? `; last failure: ${this.lastFailure}` : '';
        const error = new GithubError(`gave up after the ${seconds(this.limits.deadlineMs)} deadline (no HTTP status${waiting}${last})`);
        this.controller.abort(new DeadlineError(error.message));
        reject(error);
      }, Math.max(0, this.deadlineAt - Date.now()));
    });
    try {
      return await Promise.race([work(), deadline]);
    } catch (e) {
      throw this.describe(e);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits one backoff step (1, 4, 9 units), or fails now when that would pass the deadline. */
  async backoff(attempt: number, failure: GithubError): Promise<void> {
    const wait = attempt ** 2 * this.limits.retryBaseMs;
    if (Date.now() + wait >= this.deadlineAt) throw new GithubError(`${failure.message} (no time left to retry within the ${seconds(this.limits.deadlineMs)} deadline)`, failure.status);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** Any failure as one line naming the request and the HTTP status. */
  describe(e: unknown): GithubError {
    if (e instanceof GithubError) return e;
    if (e instanceof Error && e.name === 'AbortError') return new GithubError(e.message);
    const err = e as RequestFailure;
    const label = err.request?.method && err.request.url ? `${err.request.method} ${pathOf(err.request.url)}` : 'GitHub request';
    if (err.cause instanceof TransportError) return new GithubError(`${label} failed with no HTTP status: ${err.cause.message}`, undefined, true);
    const status = err.response?.status ?? err.status;
    if (err.response) {
      const said = apiMessage(err.response.data);
      const refusal = (status === 403 || status === 429) && this.refusal ? `; ${this.refusal}` : '';
      return new GithubError(`${label} failed: GitHub answered ${status}${said ? `: ${said}` : ''}${refusal || hint(status, label)}`, status);
    }
    return new GithubError(`${label} failed: ${oneLine(err.message ?? String(e))}`, status);
  }

  /** The throttling plugin's question: wait as GitHub asks, or fail now? */
  private mayWait(kind: string, retryAfter: number, retryCount: number): boolean {
    const asked = `GitHub asked to wait ${retryAfter} s (${kind})`;
    if (retryCount >= this.limits.retries) this.refusal = `${asked}, still limited after ${retryCount} retries`;
    else if (retryAfter > this.limits.maxWaitSeconds) this.refusal = `${asked}, more than the ${this.limits.maxWaitSeconds} s this command waits`;
    else if (Date.now() + retryAfter * this.limits.retryBaseMs >= this.deadlineAt) this.refusal = `${asked}, past the ${seconds(this.limits.deadlineMs)} deadline`;
    else return true;
    return false;
  }

  /**
   * One attempt failed. Rate limits without GitHub's wording get it (a 403/429 with retry-after, or
   * a 429 without x-ratelimit-remaining: 0), so the throttling plugin handles them as the secondary
   * limits they are. A retry the retry plugin would make is cut short when its backoff would pass the
   * deadline (a GithubError is not retried by either plugin).
   */
  private classify(failure: unknown, requestOptions: unknown): unknown {
    const error = failure as RequestFailure;
    const options = requestOptions as { request?: { retries?: number; retryCount?: number } };
    if (this.controller.signal.aborted) return this.controller.signal.reason;
    const status = error.response?.status;
    this.lastFailure = this.describe(error).message;
    if (error.response && (status === 403 || status === 429) && !/\bsecondary rate\b/i.test(error.message ?? '')) {
      const headers = error.response.headers;
      if (headers['retry-after'] !== undefined || (status === 429 && headers['x-ratelimit-remaining'] !== '0')) error.message = `${error.message ?? ''} (secondary rate limit)`;
    }
    const retriable = error.request !== undefined && (error.status ?? 0) >= 400 && !DO_NOT_RETRY.includes(error.status ?? 0);
    const retries = options.request?.retries ?? this.limits.retries;
    const count = options.request?.retryCount ?? 0;
    if (retriable && count < retries && Date.now() + (count + 1) ** 2 * this.limits.retryBaseMs >= this.deadlineAt) {
      return new GithubError(`${this.describe(error).message} (no time left to retry within the ${seconds(this.limits.deadlineMs)} deadline)`, status);
    }
    return error;
  }

  /** fetch with this request's timeout and the run's deadline; the body is read within both. */
  private async boundedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const deadline = this.controller.signal;
    if (deadline.aborted) throw deadline.reason;
    const timeout = AbortSignal.timeout(this.limits.requestTimeoutMs);
    const signal = AbortSignal.any([timeout, deadline, ...(init?.signal ? [init.signal] : [])]);
    try {
      const response = await fetch(input, { ...init, signal });
      const body = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
      const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      Object.defineProperty(copy, 'url', { value: response.url });
      return copy;
    } catch (e) {
      if (deadline.aborted) throw deadline.reason;
      if (timeout.aborted) throw new TransportError(`no answer within ${seconds(this.limits.requestTimeoutMs)}`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new TransportError(`connection failed (${oneLine(cause?.code ?? cause?.message ?? (e as Error).message, 80)})`);
    }
  }

  private label(options: unknown): string {
    const { method, url } = this.octokit.request.endpoint.parse(options as never);
    return `${method} ${pathOf(url)}`;
  }
}

const pathOf = (url: string) => {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0]!;
  }
};

/** GitHub's own one-line explanation, when its answer had one. */
function apiMessage(data: unknown): string {
  if (typeof data === 'object' && data !== null && !(data instanceof ArrayBuffer) && typeof (data as { message?: unknown }).message === 'string') {
    return oneLine((data as { message: string }).message);
  }
  return data === undefined || data === '' ? '' : '(a body that is not JSON)';
}

function hint(status: number | undefined, label: string): string {
  if (status === 401) return ' (check GITHUB_TOKEN)';
  if (label.startsWith('GET /user')) return '';
  if (status === 403 && !label.startsWith('GET')) return ' (the token needs pull-requests: write on this repository)';
  if (status === 404 && label.startsWith('GET')) return ' (no such pull request, or the token cannot read this repository)';
  return '';
}
