// slipway comment against a real HTTP server on loopback that implements the GitHub endpoints
// used (paginated list, create, update), with real Octokit talking to it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_LIMIT } from '../../generator/github/sticky-comment.ts';
import { runCli } from '../helpers/workspace.ts';

interface Comment {
  id: number;
  body: string;
  html_url: string;
}

const TOKEN = 'loopback-test-token-that-must-never-be-printed';
let server: Server;
let apiUrl: string;
let comments: Comment[];
let log: string[];
let authorizations: Set<string | undefined>;
/** Status codes to answer with before serving normally (first in, first out). */
let failures: Array<{ status: number; headers?: Record<string, string>; message: string }>;
let dir: string;

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => resolve(data));
});

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    log.push(`${req.method} ${url.pathname}${url.search}`);
    authorizations.add(req.headers.authorization);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    const failure = failures.shift();
    if (failure) return json(failure.status, { message: failure.message }, failure.headers);
    const list = /^\/repos\/numbers\/platform-gitops\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/numbers\/platform-gitops\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && req.method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const pages = Math.max(1, Math.ceil(comments.length / perPage));
      const links: Record<string, string> = page < pages ? { link: `<${apiUrl}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"` } : {};
      return json(200, comments.slice((page - 1) * perPage, page * perPage), links);
    }
    if (list && req.method === 'POST') {
      const { body } = JSON.parse(await readBody(req));
      const c = { id: 1000 + comments.length, body, html_url: `https://github.example/pr/${list[1]}#c${1000 + comments.length}` };
      comments.push(c);
      return json(201, c);
    }
    if (one && req.method === 'PATCH') {
      const c = comments.find((x) => x.id === Number(one[1]));
      if (!c) return json(404, { message: 'Not Found' });
      c.body = JSON.parse(await readBody(req)).body;
      return json(200, c);
    }
    return json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = mkdtempSync(path.join(tmpdir(), 'slipway-comment-'));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  // 150 comments by people: the sticky one must be found across pages.
  comments = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, body: `review comment ${i + 1}`, html_url: `https://github.example/c${i + 1}` }));
  log = [];
  authorizations = new Set();
  failures = [];
});

const post = async (body: string) => {
  const file = path.join(dir, 'body.md');
  writeFileSync(file, body);
  return runCli(['comment', '--pr', '42', '--body-file', file], { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'numbers/platform-gitops', GITHUB_API_URL: apiUrl, SLIPWAY_RETRY_BASE_MS: '1' });
};
const sticky = () => comments.filter((c) => c.body.includes('<!-- slipway:diff -->'));

describe('slipway comment', () => {
  it('creates the comment on the first run and updates the same one on the second: never a duplicate', async () => {
    const first = await post('<!-- slipway:diff -->\nfirst diff');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^Comment 1150 created on #42: /);
    expect(log.filter((l) => l.startsWith('GET'))).toEqual(['GET /repos/numbers/platform-gitops/issues/42/comments?per_page=100', 'GET /repos/numbers/platform-gitops/issues/42/comments?per_page=100&page=2']);
    const second = await post('<!-- slipway:diff -->\nsecond diff');
    expect(second.stdout).toMatch(/^Comment 1150 updated on #42/);
    expect(sticky()).toEqual([expect.objectContaining({ id: 1150, body: '<!-- slipway:diff -->\nsecond diff' })]);
    expect(comments).toHaveLength(151);
    const third = await post('<!-- slipway:diff -->\nsecond diff');
    expect(third.stdout).toMatch(/unchanged/);
    expect(log.filter((l) => l.startsWith('PATCH'))).toHaveLength(1);
  });

  it('adds the marker to a body without one', async () => {
    await post('plain markdown');
    expect(sticky()[0]!.body).toBe('<!-- slipway:diff -->\nplain markdown');
  });

  it('retries server errors and secondary rate limits', async () => {
    failures = [
      { status: 502, message: 'Bad Gateway' },
      { status: 403, headers: { 'retry-after': '0' }, message: 'You have exceeded a secondary rate limit.' },
    ];
    const run = await post('<!-- slipway:diff -->\nafter retries');
    expect(run.code).toBe(0);
    expect(sticky()).toHaveLength(1);
    expect(log.filter((l) => l === 'GET /repos/numbers/platform-gitops/issues/42/comments?per_page=100')).toHaveLength(3);
  });

  it('does not retry a plain permission error, and reports it without the token', async () => {
    failures = [{ status: 403, message: 'Resource not accessible by integration' }];
    const run = await post('body');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('GitHub answered 403');
    expect(log).toHaveLength(1);
  });

  it('keeps the body within GitHub\'s limit with a note', async () => {
    await post(`<!-- slipway:diff -->\n${'x'.repeat(COMMENT_LIMIT + 5000)}`);
    const body = sticky()[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/Truncated to fit GitHub's comment limit/);
  });

  it('sends the token only in the Authorization header and never prints it', async () => {
    const ok = await post('<!-- slipway:diff -->\nx');
    failures = [{ status: 500, message: `internal ${TOKEN}` }, { status: 500, message: `internal ${TOKEN}` }, { status: 500, message: `internal ${TOKEN}` }, { status: 500, message: `internal ${TOKEN}` }, { status: 500, message: `internal ${TOKEN}` }];
    const failed = await post('<!-- slipway:diff -->\ny');
    expect(authorizations).toEqual(new Set([`token ${TOKEN}`]));
    for (const run of [ok, failed]) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('internal ***');
  });

  it('explains missing settings as a usage error', async () => {
    const run = await runCli(['comment', '--pr', '42', '--body-file', path.join(dir, 'body.md')], { GITHUB_REPOSITORY: 'numbers/platform-gitops' });
    expect(run).toMatchObject({ code: 2 });
    expect(run.stderr).toContain('GITHUB_TOKEN is not set.');
  });
});
