// slipway comment against a real HTTP server on loopback standing in for the GitHub API (paginated
// list, create, update, delete, GET /user), with real Octokit talking to it, under injected faults:
// errors after the write was stored, malformed answers, rate limits, silence, broken connections.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, commentBody } from '../../generator/github/sticky-comment.ts';
import { runCli, type Run } from '../helpers/workspace.ts';

const MARKER = '<!-- slipway:diff -->';
const TOKEN = 'loopback-test-token-that-must-never-be-printed';
/** Stands for GITHUB_TOKEN: an installation token, refused by GET /user. */
const INSTALLATION_TOKEN = 'loopback-installation-token-never-printed';
const BOT = 'slipway-bot';
const REPO = '/repos/numbers/platform-gitops';

interface Comment {
  id: number;
  body: string;
  html_url: string;
  created_at: string;
  user: { login: string };
}

/**
 * A fault for the first `times` requests matching `match` ("METHOD /path"):
 * - answer: this answer instead of serving the request;
 * - after: serve it (a write is stored), then answer this instead;
 * - hang: accept the request and never answer; stall: send the headers and half a body, then nothing;
 * - reset: destroy the connection, after storing the write when `stored`.
 */
type Fault = { match: RegExp; times?: number } & (
  | { kind: 'answer' | 'after'; status: number; headers?: Record<string, string>; body?: unknown; raw?: string }
  | { kind: 'hang' | 'stall' }
  | { kind: 'reset'; stored?: boolean }
);

let server: Server;
let apiUrl: string;
let silent: TcpServer;
let silentUrl: string;
const silentSockets = new Set<Socket>();
let comments: Comment[];
let log: string[];
let authorizations: Set<string | undefined>;
let faults: Fault[];
let nextId: number;
let dir: string;

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => resolve(data));
});

const login = (authorization: string | undefined) =>
  authorization === `token ${TOKEN}` ? BOT : authorization === `token ${INSTALLATION_TOKEN}` ? 'github-actions[bot]' : undefined;

/** GitHub's behaviour for the endpoints used, faults aside. */
async function serve(req: IncomingMessage, url: URL): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
  const who = login(req.headers.authorization);
  if (!who) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
  if (url.pathname === '/user' && req.method === 'GET') {
    if (who === 'github-actions[bot]') return { status: 403, body: { message: 'Resource not accessible by integration' } };
    return { status: 200, body: { login: who, id: 7 } };
  }
  const list = new RegExp(`^${REPO}/issues/(\\d+)/comments$`).exec(url.pathname);
  const one = new RegExp(`^${REPO}/issues/comments/(\\d+)$`).exec(url.pathname);
  if (list && req.method === 'GET') {
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    const pages = Math.max(1, Math.ceil(comments.length / perPage));
    const headers: Record<string, string> = page < pages ? { link: `<${apiUrl}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${apiUrl}${url.pathname}?per_page=${perPage}&page=${pages}>; rel="last"` } : {};
    return { status: 200, body: comments.slice((page - 1) * perPage, page * perPage), headers };
  }
  if (list && req.method === 'POST') {
    const { body } = JSON.parse(await readBody(req)) as { body: string };
    const id = nextId++;
    const c = { id, body, html_url: `https://github.example/pr/${list[1]}#issuecomment-${id}`, created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, id % 60, 0)).toISOString().replace('2026', '2027'), user: { login: who } };
    comments.push(c);
    return { status: 201, body: c };
  }
  if (one && (req.method === 'PATCH' || req.method === 'DELETE')) {
    const c = comments.find((x) => x.id === Number(one[1]));
    if (!c) return { status: 404, body: { message: 'Not Found' } };
    if (c.user.login !== who) return { status: 403, body: { message: 'Must have admin rights to Repository.' } };
    if (req.method === 'DELETE') {
      comments = comments.filter((x) => x !== c);
      return { status: 204, body: undefined };
    }
    c.body = (JSON.parse(await readBody(req)) as { body: string }).body;
    return { status: 200, body: c };
  }
  return { status: 404, body: { message: 'Not Found' } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, raw?: string) {
  if (body === undefined && raw === undefined) return res.writeHead(status, headers).end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(raw ?? JSON.stringify(body));
}

beforeAll(async () => {
  server = createHttpServer(async (req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    const request = `${req.method} ${url.pathname}`;
    log.push(`${req.method} ${url.pathname}${url.search}`);
    authorizations.add(req.headers.authorization);
    const fault = faults.find((f) => f.match.test(request) && (f.times ?? 1) > 0);
    if (fault) fault.times = (fault.times ?? 1) - 1;
    if (fault?.kind === 'answer') return send(res, fault.status, fault.body ?? { message: 'fault' }, fault.headers, fault.raw);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'stall') return void res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' }).write('[{"id":');
    if (fault?.kind === 'reset' && !fault.stored) return void req.socket.destroy();
    const answer = await serve(req, url);
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'after') return send(res, fault.status, fault.body ?? { message: 'fault' }, fault.headers, fault.raw);
    send(res, answer.status, answer.body, answer.headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // Accepts connections, reads nothing, answers nothing.
  silent = createTcpServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  dir = mkdtempSync(path.join(tmpdir(), 'slipway-comment-'));
});
afterAll(async () => {
  server.closeAllConnections();
  for (const socket of silentSockets) socket.destroy();
  await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), new Promise<void>((resolve) => silent.close(() => resolve()))]);
  rmSync(dir, { recursive: true, force: true });
});

const human = (id: number, body = `review comment ${id}`, who = 'reviewer'): Comment => ({
  id,
  body,
  html_url: `https://github.example/c${id}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, id)).toISOString(),
  user: { login: who },
});

beforeEach(() => {
  // 150 comments by people: the sticky one must be found across pages.
  comments = Array.from({ length: 150 }, (_, i) => human(i + 1));
  nextId = 1000;
  log = [];
  authorizations = new Set();
  faults = [];
});

/** Small bounds: a second of waiting lasts 5 ms, a request 500 ms, the run 5 s. */
const FAST = { SLIPWAY_GITHUB_RETRY_BASE_MS: '5', SLIPWAY_GITHUB_TIMEOUT_MS: '500', SLIPWAY_GITHUB_DEADLINE_MS: '5000' };

const post = async (body: string, env: Record<string, string> = {}) => {
  const file = path.join(dir, 'body.md');
  writeFileSync(file, body);
  const started = Date.now();
  const run = await runCli(['comment', '--pr', '42', '--body-file', file], {
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: 'numbers/platform-gitops',
    GITHUB_API_URL: apiUrl,
    ...FAST,
    ...env,
  });
  return { ...run, ms: Date.now() - started };
};
const ours = (who = BOT) => comments.filter((c) => c.user.login === who && c.body.startsWith(MARKER));
const requests = (prefix: string) => log.filter((l) => l.startsWith(prefix));
const firstPages = () => log.filter((l) => l === `GET ${REPO}/issues/42/comments?per_page=100`);

interface Scenario {
  name: string;
  setup?: () => void;
  faults?: Fault[];
  env?: () => Record<string, string>;
  body?: string;
  code: 0 | 2;
  /** stdout when code 0, stderr when code 2 */
  says: RegExp;
  /** at most this long */
  within?: number;
  check?: (run: Run & { ms: number }) => void;
}

const BODY = `${MARKER}\nthe diff`;
const list1 = /^GET \/repos\/numbers\/platform-gitops\/issues\/42\/comments$/;
const create = /^POST \/repos\/numbers\/platform-gitops\/issues\/42\/comments$/;

const scenarios: Scenario[] = [
  {
    name: 'create: none of ours yet',
    code: 0,
    says: /^Comment 1000 created on #42: https:\/\/github\.example\/pr\/42#issuecomment-1000\n$/,
    check: () => {
      expect(requests('GET /repos')).toEqual([`GET ${REPO}/issues/42/comments?per_page=100`, `GET ${REPO}/issues/42/comments?per_page=100&page=2`]);
      expect(ours()).toEqual([expect.objectContaining({ id: 1000, body: BODY })]);
    },
  },
  {
    name: 'update: ours exists with another body',
    setup: () => comments.splice(20, 0, human(500, `${MARKER}\nold diff`, BOT)),
    code: 0,
    says: /^Comment 500 updated on #42/,
    check: () => {
      expect(requests('POST')).toEqual([]);
      expect(ours()).toEqual([expect.objectContaining({ id: 500, body: BODY })]);
    },
  },
  {
    name: 'unchanged: ours already says it',
    setup: () => comments.push(human(500, BODY, BOT)),
    code: 0,
    says: /^Comment 500 unchanged on #42/,
    check: () => expect(log.filter((l) => !l.startsWith('GET'))).toEqual([]),
  },
  {
    name: 'pagination: 3 pages, ours on page 3',
    setup: () => {
      comments = [...Array.from({ length: 250 }, (_, i) => human(i + 1)), human(600, `${MARKER}\nold`, BOT)];
    },
    code: 0,
    says: /^Comment 600 updated on #42/,
    check: () => {
      expect(requests('GET /repos')).toEqual([1, 2, 3].map((p) => `GET ${REPO}/issues/42/comments?per_page=100${p > 1 ? `&page=${p}` : ''}`));
      expect(ours()).toHaveLength(1);
    },
  },
  {
    name: "another user's comment quoting the marker is ignored",
    setup: () => comments.push(human(700, `${MARKER}\nquoted by a reviewer`, 'reviewer'), human(701, `> ${MARKER}\n> quoted`, 'reviewer')),
    code: 0,
    says: /^Comment 1000 created on #42/,
    check: () => {
      expect(comments.find((c) => c.id === 700)!.body).toBe(`${MARKER}\nquoted by a reviewer`);
      expect(requests('PATCH')).toEqual([]);
      expect(requests('DELETE')).toEqual([]);
      expect(ours()).toHaveLength(1);
    },
  },
  {
    name: 'ours quoted mid-text by our own author is not ours',
    setup: () => comments.push(human(702, `see ${MARKER} above`, BOT)),
    code: 0,
    says: /^Comment 1000 created on #42/,
    check: () => expect(comments.find((c) => c.id === 702)!.body).toBe(`see ${MARKER} above`),
  },
  {
    name: 'two of ours: the newest is updated, the other deleted',
    setup: () => comments.splice(10, 0, human(800, `${MARKER}\nolder`, BOT), human(801, `${MARKER}\nnewer`, BOT)),
    code: 0,
    says: /^Comment 801 updated on #42: \S+ \(deleted 1 older duplicate\)/,
    check: () => {
      expect(requests('DELETE')).toEqual([`DELETE ${REPO}/issues/comments/800`]);
      expect(ours()).toEqual([expect.objectContaining({ id: 801, body: BODY })]);
    },
  },
  {
    name: '502 after the create was stored: adopted, exactly one comment',
    faults: [{ match: create, kind: 'after', status: 502, raw: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } }],
    code: 0,
    says: /^Comment 1000 created on #42: \S+ \(the create answered "GitHub answered 502: \(a body that is not JSON\)"; found it stored\)/,
    check: () => {
      expect(requests('POST')).toHaveLength(1);
      expect(ours()).toHaveLength(1);
    },
  },
  {
    name: '500 on the create before it was stored: listed again, created once',
    faults: [{ match: create, kind: 'answer', status: 500 }],
    code: 0,
    says: /^Comment 1000 created on #42: \S+\n$/,
    check: () => {
      expect(requests('POST')).toHaveLength(2);
      expect(requests('GET /repos')).toHaveLength(4);
      expect(ours()).toHaveLength(1);
    },
  },
  {
    name: '201 with malformed JSON: a failure, not "Comment undefined"',
    faults: [{ match: create, kind: 'after', status: 201, raw: '{"id": 1000, "html_u' }],
    code: 2,
    says: /^slipway comment: POST \/repos\/numbers\/platform-gitops\/issues\/42\/comments failed: GitHub answered 201 with a body that is not JSON\n$/,
    check: (run) => {
      expect(run.stdout).toBe('');
      expect(requests('POST')).toHaveLength(1);
    },
  },
  {
    name: '201 without id and html_url: a failure',
    faults: [{ match: create, kind: 'after', status: 201, body: { ok: true } }],
    code: 2,
    says: /^slipway comment: POST \S+ failed: GitHub answered 201 without the comment's id and html_url \(a malformed answer\)\n$/,
  },
  {
    name: '200 list that is not a list: a failure',
    faults: [{ match: list1, kind: 'answer', status: 200, body: { message: 'ok' } }],
    code: 2,
    says: /^slipway comment: GET \/repos\/numbers\/platform-gitops\/issues\/42\/comments failed: GitHub answered 200 with something other than a list of comments\n$/,
  },
  {
    name: '500 twice, then OK: retried',
    faults: [{ match: list1, kind: 'answer', status: 500, times: 2, body: { message: 'Server Error' } }],
    code: 0,
    says: /^Comment 1000 created/,
    check: () => expect(firstPages()).toHaveLength(3),
  },
  {
    name: '500 on every attempt: fails naming the request and the status',
    faults: [{ match: list1, kind: 'answer', status: 503, times: 99, body: { message: 'Service Unavailable' } }],
    code: 2,
    says: /^slipway comment: GET \/repos\/numbers\/platform-gitops\/issues\/42\/comments failed: GitHub answered 503: Service Unavailable\n$/,
    check: () => expect(requests(`GET ${REPO}/issues/42/comments`)).toHaveLength(4),
  },
  {
    name: '429 with retry-after: 1 (a second lasting 150 ms): waits, then succeeds',
    faults: [{ match: list1, kind: 'answer', status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too Many Requests' } }],
    env: () => ({ SLIPWAY_GITHUB_RETRY_BASE_MS: '150' }),
    code: 0,
    says: /^Comment 1000 created/,
    check: (run) => {
      expect(run.ms).toBeGreaterThanOrEqual(150);
      expect(firstPages()).toHaveLength(2);
    },
  },
  {
    name: '403 secondary rate limit with retry-after: 1: waits, then succeeds',
    faults: [{ match: create, kind: 'answer', status: 403, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } }],
    code: 0,
    says: /^Comment 1000 created/,
    check: () => expect(requests('POST')).toHaveLength(2),
  },
  {
    name: '429 with retry-after: 3600: fails fast naming the wait',
    faults: [{ match: list1, kind: 'answer', status: 429, headers: { 'retry-after': '3600' }, body: { message: 'Too Many Requests' } }],
    code: 2,
    within: 1000,
    says: /^slipway comment: GET \S+ failed: GitHub answered 429: Too Many Requests; GitHub asked to wait 3600 s \(secondary rate limit\), more than the 30 s this command waits\n$/,
  },
  {
    name: 'primary rate limit, x-ratelimit-reset in 1 s: waits, then succeeds',
    faults: [{ match: /^GET \/user$/, kind: 'answer', status: 403, body: { message: 'API rate limit exceeded for user ID 7.' }, headers: {} }],
    env: () => {
      const fault = faults[0] as { headers: Record<string, string> };
      fault.headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1) };
      return {};
    },
    code: 0,
    says: /^Comment 1000 created/,
    check: () => expect(requests('GET /user')).toHaveLength(2),
  },
  {
    name: 'primary rate limit, x-ratelimit-reset in an hour: fails fast naming the wait',
    faults: [{ match: /^GET \/user$/, kind: 'answer', status: 403, body: { message: 'API rate limit exceeded for user ID 7.' } }],
    env: () => {
      const fault = faults[0] as { headers?: Record<string, string> };
      fault.headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) };
      return {};
    },
    code: 2,
    within: 1000,
    says: /^slipway comment: GET \/user failed: GitHub answered 403: API rate limit exceeded for user ID 7\.; GitHub asked to wait 360\d s \(rate limit, until x-ratelimit-reset\), more than the 30 s this command waits\n$/,
  },
  {
    name: 'an API that accepts the connection and never answers: fails within the request bound',
    env: () => ({ GITHUB_API_URL: silentUrl, SLIPWAY_GITHUB_TIMEOUT_MS: '50' }),
    code: 2,
    within: 1000,
    says: /^slipway comment: GET \/user failed with no HTTP status: no answer within 0\.05 s\n$/,
  },
  {
    name: 'an API that never answers, with a short deadline: fails at the deadline',
    env: () => ({ GITHUB_API_URL: silentUrl, SLIPWAY_GITHUB_TIMEOUT_MS: '10000', SLIPWAY_GITHUB_DEADLINE_MS: '200' }),
    code: 2,
    within: 1000,
    says: /^slipway comment: gave up after the 0\.2 s deadline \(no HTTP status; waiting for GET \/user\)\n$/,
  },
  {
    name: 'headers sent, body never finished: the timeout covers the body',
    faults: [{ match: list1, kind: 'stall', times: 99 }],
    env: () => ({ SLIPWAY_GITHUB_TIMEOUT_MS: '50' }),
    code: 2,
    within: 1000,
    says: /^slipway comment: GET \/repos\/numbers\/platform-gitops\/issues\/42\/comments failed with no HTTP status: no answer within 0\.05 s\n$/,
  },
  {
    name: 'connection reset on a list: retried',
    faults: [{ match: list1, kind: 'reset' }],
    code: 0,
    says: /^Comment 1000 created/,
  },
  {
    name: 'connection reset after the create was stored: adopted, exactly one comment',
    faults: [{ match: create, kind: 'reset', stored: true }],
    code: 0,
    says: /^Comment 1000 created on #42: \S+ \(the create answered "no HTTP status: connection failed \([^)]+\)"; found it stored\)/,
    check: () => {
      expect(requests('POST')).toHaveLength(1);
      expect(ours()).toHaveLength(1);
    },
  },
  {
    name: 'connection reset on every attempt: one line, no status',
    faults: [{ match: /^GET \/user$/, kind: 'reset', times: 99 }],
    code: 2,
    says: /^slipway comment: GET \/user failed with no HTTP status: connection failed \([^)]+\)\n$/,
  },
  {
    name: '401 bad token: fails naming the status, token not printed',
    env: () => ({ GITHUB_TOKEN: 'bad-token-0123456789' }),
    code: 2,
    says: /^slipway comment: GET \/user failed: GitHub answered 401: Bad credentials \(check GITHUB_TOKEN\)\n$/,
    check: (run) => {
      expect(run.stdout + run.stderr).not.toContain('bad-token-0123456789');
      expect(requests('GET')).toEqual(['GET /user']);
    },
  },
  {
    name: 'GITHUB_TOKEN-style token (/user is 403): the author is github-actions[bot]',
    setup: () => comments.push(human(900, `${MARKER}\nby the Actions bot`, 'github-actions[bot]'), human(901, `${MARKER}\nby a person`, 'reviewer')),
    env: () => ({ GITHUB_TOKEN: INSTALLATION_TOKEN }),
    code: 0,
    says: /^Comment 900 updated on #42/,
    check: () => {
      expect(ours('github-actions[bot]')).toEqual([expect.objectContaining({ id: 900, body: BODY })]);
      expect(comments.find((c) => c.id === 901)!.body).toBe(`${MARKER}\nby a person`);
    },
  },
  {
    name: 'SLIPWAY_COMMENT_AUTHOR names the author: no GET /user',
    setup: () => comments.push(human(910, `${MARKER}\nby the app`, BOT)),
    env: () => ({ SLIPWAY_COMMENT_AUTHOR: BOT }),
    code: 0,
    says: /^Comment 910 updated on #42/,
    check: () => expect(requests('GET /user')).toEqual([]),
  },
  {
    name: 'a plain 403 on the create (read-only token): not retried, one line',
    faults: [{ match: create, kind: 'answer', status: 403, body: { message: 'Resource not accessible by integration' } }],
    code: 2,
    says: /^slipway comment: POST \S+ failed: GitHub answered 403: Resource not accessible by integration \(the token needs pull-requests: write on this repository\)\n$/,
    check: () => expect(requests('POST')).toHaveLength(1),
  },
  {
    name: 'a next-page link to another host is not followed with the token',
    faults: [{ match: list1, kind: 'answer', status: 200, body: [], headers: { link: '<http://127.0.0.2:1/steal?page=2>; rel="next"' } }],
    code: 2,
    says: /^slipway comment: GET \/steal: refused, not on the GitHub API at http:\/\/127\.0\.0\.1:\d+ \(the token is only sent there\)\n$/,
  },
];

describe('slipway comment under faults', () => {
  it.each(scenarios)('$name', async (s) => {
    s.setup?.();
    faults = s.faults?.map((f) => ({ ...f })) ?? [];
    const run = await post(s.body ?? BODY, s.env?.() ?? {});
    expect({ code: run.code, out: s.code === 0 ? run.stdout : run.stderr }).toMatchObject({ code: s.code, out: expect.stringMatching(s.says) });
    if (s.code === 0) {
      expect(run.stderr).toBe('');
      expect(ours(s.env?.().GITHUB_TOKEN === INSTALLATION_TOKEN ? 'github-actions[bot]' : BOT)).toHaveLength(1);
    } else {
      expect(run.stderr.split('\n')).toHaveLength(2);
    }
    if (s.within) expect(run.ms).toBeLessThan(s.within);
    for (const secret of [TOKEN, INSTALLATION_TOKEN]) expect(run.stdout + run.stderr).not.toContain(secret);
    s.check?.(run);
  });
});

describe('slipway comment', () => {
  it('creates the comment on the first run and updates the same one on the second: never a duplicate', async () => {
    const first = await post(`${MARKER}\nfirst diff`);
    expect(first.stdout).toMatch(/^Comment 1000 created on #42: /);
    const second = await post(`${MARKER}\nsecond diff`);
    expect(second.stdout).toMatch(/^Comment 1000 updated on #42/);
    expect(ours()).toEqual([expect.objectContaining({ id: 1000, body: `${MARKER}\nsecond diff` })]);
    expect(comments).toHaveLength(151);
    const third = await post(`${MARKER}\nsecond diff`);
    expect(third.stdout).toMatch(/unchanged/);
    expect(requests('PATCH')).toHaveLength(1);
  });

  it('adds the marker to a body without one', async () => {
    await post('plain markdown');
    expect(ours()[0]!.body).toBe(`${MARKER}\nplain markdown`);
  });

  it("keeps the body within GitHub's limit with a note", async () => {
    await post(`${MARKER}\n${'x'.repeat(COMMENT_LIMIT + 5000)}`);
    const body = ours()[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/Truncated to fit GitHub's comment limit/);
  });

  it('redacts body lines (or table cells) holding credentials, as the diff does', async () => {
    const pat = `ghp_${'a1B2'.repeat(9)}`;
    await post([MARKER, 'Some text', `  password: hunter2-but-longer`, '| key | old | new |', `| \`token\` | \`${pat}\` | \`x\` |`, 'AccountKey=abcdef', 'end'].join('\n'));
    const body = ours()[0]!.body;
    expect(body).toBe([MARKER, 'Some text', '[redacted]', '| key | old | new |', '| `token` | [redacted] | `x` |', '[redacted]', 'end'].join('\n'));
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain(pat);
  });

  it('withholds a body whose secret spans lines (a Secret manifest)', () => {
    const body = commentBody(`${MARKER}\n\`\`\`yaml\nkind: Secret\nmetadata: {}\ndata:\n  x: aGVsbG8=\n\`\`\``);
    expect(body).toMatch(/^<!-- slipway:diff -->\n> \[!CAUTION\]\n> The report was withheld from this comment: it looks like it holds a secret \(base64 secret data\)/);
    expect(body).not.toContain('aGVsbG8=');
  });

  it('sends the token only in the Authorization header and never prints it', async () => {
    const ok = await post(`${MARKER}\nx`);
    faults = [{ match: /./, kind: 'answer', status: 500, times: 99, body: { message: `internal ${TOKEN}` } }];
    const failed = await post(`${MARKER}\ny`);
    expect(authorizations).toEqual(new Set([`token ${TOKEN}`]));
    for (const run of [ok, failed]) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe('slipway comment: GET /user failed: GitHub answered 500: internal ***\n');
  });

  it('explains missing or bad settings as usage errors', async () => {
    const missing = await runCli(['comment', '--pr', '42', '--body-file', path.join(dir, 'body.md')], { GITHUB_REPOSITORY: 'numbers/platform-gitops' });
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('GITHUB_TOKEN is not set.');
    const bad = await runCli(['comment', '--pr', '42', '--body-file', path.join(dir, 'body.md')], { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'numbers/platform-gitops', SLIPWAY_GITHUB_TIMEOUT_MS: 'soon' });
    expect(bad.stderr).toContain('SLIPWAY_GITHUB_TIMEOUT_MS must be a positive number, not "soon".');
    expect(bad.stdout + bad.stderr).not.toContain(TOKEN);
  });
});

describe('slipway comment --marker and --update-only', () => {
  const PLAN_MARKER = '<!-- slipway:plan -->';
  const postWith = async (body: string, ...args: string[]) => {
    const file = path.join(dir, 'body.md');
    writeFileSync(file, body);
    return runCli(['comment', '--pr', '42', '--body-file', file, ...args], { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'numbers/platform-gitops', GITHUB_API_URL: apiUrl, ...FAST });
  };
  const byMarker = (marker: string) => comments.filter((c) => c.user.login === BOT && c.body.startsWith(marker));

  it('keeps one comment per marker, and neither touches the other', async () => {
    expect((await postWith(`${MARKER}\nthe diff`)).stdout).toMatch(/^Comment 1000 created/);
    expect((await postWith('#### plan one', '--marker', 'plan')).stdout).toMatch(/^Comment 1001 created/);
    expect((await postWith('#### plan two', '--marker', 'plan')).stdout).toMatch(/^Comment 1001 updated/);
    expect((await postWith(`${MARKER}\nthe diff, again`)).stdout).toMatch(/^Comment 1000 updated/);
    expect(byMarker(MARKER).map((c) => c.body)).toEqual([`${MARKER}\nthe diff, again`]);
    expect(byMarker(PLAN_MARKER).map((c) => c.body)).toEqual([`${PLAN_MARKER}\n#### plan two`]);
    expect(requests('DELETE')).toEqual([]);
  });

  it('with --update-only, updates an existing comment and creates none', async () => {
    const none = await postWith('No Terraform stack changed.', '--marker', 'plan', '--update-only');
    expect(none).toMatchObject({ code: 0, stdout: 'No comment <!-- slipway:plan --> on #42 to update: none created (--update-only).\n', stderr: '' });
    expect(requests('POST')).toEqual([]);
    await postWith('#### a plan', '--marker', 'plan');
    expect((await postWith('No Terraform stack changed.', '--marker', 'plan', '--update-only')).stdout).toMatch(/^Comment 1000 updated/);
    expect(byMarker(PLAN_MARKER).map((c) => c.body)).toEqual([`${PLAN_MARKER}\nNo Terraform stack changed.`]);
  });

  it('withholds a body with a secret under its own marker', () => {
    const body = commentBody('```yaml\nkind: Secret\ndata:\n  x: aGVsbG8=\n```', PLAN_MARKER);
    expect(body).toMatch(/^<!-- slipway:plan -->\n> \[!CAUTION\]\n> The report was withheld/);
    expect(body).toContain('See the job summary of the run that wrote it.');
  });

  it.each(['Plan', 'plan comment', '-plan', 'plan-->', ''])('refuses the marker name "%s"', async (name) => {
    const run = await postWith('x', `--marker=${name}`);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--marker must be lowercase letters, digits and dashes');
    expect(log).toEqual([]);
  });
});
