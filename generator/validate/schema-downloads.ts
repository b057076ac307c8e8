// Downloads of schemas from URL locations, the only network use in generate, and only when a URL
// location is named. Each request is bounded in time; HTTPS_PROXY, HTTP_PROXY and NO_PROXY are
// honoured (undici's EnvHttpProxyAgent, fed from the command's environment); a host that fails
// (timeout, DNS, refused, 5xx) is not asked again during the run, so a dead host costs one timeout,
// not one per kind. Answers are cached on disk: a schema for good, a 404 for a day.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EnvHttpProxyAgent } from 'undici';

// undici is loaded on the first download: most runs use the embedded schemas and never need it.
const undici = () => import('undici');

export const DEFAULT_TIMEOUT_MS = 10_000;
const MISSING_TTL_MS = 24 * 60 * 60 * 1000;

export interface DownloadOptions {
  /** Where answers are kept between runs (defaultCacheDir). */
  readonly cacheDir: string;
  /** Bound of one request, from connecting to the last byte. Default 10 s. */
  readonly timeoutMs?: number;
  /** The command's environment: proxies are read from here, not from process.env. */
  readonly env: NodeJS.ProcessEnv;
}

export interface DownloadFailure {
  readonly url: string;
  /** host[:port] of the URL. */
  readonly host: string;
  /** What went wrong, as a clause: "did not answer within 10 s", "answered HTTP 503". */
  readonly cause: string;
}

/** The schema text, undefined when the location does not have it (404), or why it could not be asked. */
export type Download = { readonly text: string | undefined } | { readonly failure: DownloadFailure };

export class SchemaDownloads {
  private readonly failedHosts = new Map<string, DownloadFailure>();
  private dispatcher: EnvHttpProxyAgent | undefined;

  constructor(private readonly options: DownloadOptions) {}

  async get(url: string): Promise<Download> {
    const file = path.join(this.options.cacheDir, createHash('sha256').update(url).digest('hex').slice(0, 32));
    if (existsSync(`${file}.json`)) return { text: readFileSync(`${file}.json`, 'utf8') };
    if (existsSync(`${file}.missing`) && Date.now() - statSync(`${file}.missing`).mtimeMs < MISSING_TTL_MS) return { text: undefined };
    const host = new URL(url).host;
    const failed = this.failedHosts.get(host);
    if (failed) return { failure: failed };

    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fail = (cause: string, hostDown: boolean): Download => {
      const failure = { url, host, cause };
      if (hostDown) this.failedHosts.set(host, failure);
      return { failure };
    };
    let status: number;
    let text: string;
    try {
      const { fetch } = await undici();
      const response = await fetch(url, { dispatcher: await this.agent(), signal: AbortSignal.timeout(timeoutMs) });
      status = response.status;
      text = await response.text();
    } catch (e) {
      return fail(networkCause(e, timeoutMs, host), true);
    }
    if (status === 404 || status === 410) {
      cache(`${file}.missing`, url);
      return { text: undefined };
    }
    if (status >= 500 || status === 429) return fail(`answered HTTP ${status}`, true);
    if (status < 200 || status >= 300) return fail(`answered HTTP ${status}`, false);
    try {
      JSON.parse(text);
    } catch {
      return fail('answered with something that is not JSON', false);
    }
    cache(`${file}.json`, text);
    return { text };
  }

  /** Ends the open connections; a later download opens new ones. */
  async close(): Promise<void> {
    const dispatcher = this.dispatcher;
    this.dispatcher = undefined;
    await dispatcher?.close();
  }

  private async agent(): Promise<EnvHttpProxyAgent> {
    const env = this.options.env;
    const { EnvHttpProxyAgent } = await undici();
    // An empty string (not undefined) keeps undici from falling back to process.env.
    this.dispatcher ??= new EnvHttpProxyAgent({
      httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
      httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    });
    return this.dispatcher;
  }
}

/** A cache that cannot be written (read-only home, full disk) only costs the next run a download. */
function cache(file: string, content: string) {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  } catch {
    // see above
  }
}

/** fetch's rejection as a clause about the host. undici wraps the socket or proxy error as `cause`, sometimes twice. */
function networkCause(e: unknown, timeoutMs: number, host: string): string {
  type SocketError = Error & { code?: string; address?: string; port?: number; hostname?: string; cause?: unknown };
  const error = e as SocketError;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `did not answer within ${timeoutMs / 1000} s`;
  let cause = error;
  while (cause.cause instanceof Error) cause = cause.cause as SocketError;
  // The socket's peer, when it is not the host itself: then it is the proxy.
  const address = cause.address ? `${cause.address}${cause.port ? `:${cause.port}` : ''}` : undefined;
  const peer = address === host ? undefined : address;
  const proxyStatus = /^Proxy response \((\d+)\)/.exec(cause.message)?.[1];
  if (proxyStatus) return `could not be reached through the proxy (it answered HTTP ${proxyStatus} to CONNECT)`;
  switch (cause.code) {
    case 'ECONNREFUSED':
      return `refused the connection${peer ? ` (${peer})` : ''}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `could not be resolved (DNS lookup of ${cause.hostname ?? 'the host'} failed)`;
    case 'ECONNRESET':
      return 'closed the connection before answering';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `is unreachable (${cause.code}${peer ? ` ${peer}` : ''})`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'did not accept the connection in time';
    default:
      return (cause.message || String(e)).replace(/\.$/, '');
  }
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_CACHE_DIR) return env.SLIPWAY_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'slipway', 'schemas');
}
