// URL locations against real loopback servers through real undici: serving, caching, 404s,
// failing hosts asked once, a host that never answers, HTTP(S)_PROXY through a CONNECT proxy and
// NO_PROXY around it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../generator/commands/command.ts';
import { fluxObjects } from '../../generator/render/flux/layout.ts';
import { validateManifests, type Manifest, type ValidateOptions } from '../../generator/validate/manifests.ts';
import { examples } from '../helpers/render.ts';
import { layout, standaloneSchema } from './kubeconform-layout.ts';

const { environments } = examples();
const manifests: Manifest[] = environments.flatMap((env) => fluxObjects(env));
const kindCount = new Set(manifests.map((m) => m.object.kind)).size;

const caches: string[] = [];
const freshCache = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-cache-'));
  caches.push(dir);
  return dir;
};
afterAll(() => caches.forEach((d) => rmSync(d, { recursive: true, force: true })));

const listen = async <T extends Server | TcpServer>(server: T): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
};

/** Serves every embedded kind in kubeconform layout under /schemas/, or answers `status` to everything. */
function schemaServer() {
  const paths = layout();
  const state = { requests: [] as string[], status: undefined as number | undefined };
  const server = createServer((req, res) => {
    state.requests.push(req.url!);
    if (state.status) return void res.writeHead(state.status).end();
    const key = paths.get(decodeURIComponent(req.url!.replace(/^\/schemas\//, '')));
    if (!key) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(standaloneSchema(key)));
  });
  return { server, state };
}

/** An HTTP proxy that only tunnels (CONNECT), always to 127.0.0.1 whatever host was asked: schemas.invalid resolves only through it. */
function connectProxy() {
  const state = { connects: [] as string[], refuse: false };
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    state.connects.push(req.url!);
    if (state.refuse) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = connect(Number(req.url!.split(':').at(-1)), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { server, state };
}

/** Accepts connections, reads requests and never answers. */
function silentServer() {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('data', (data) => requests.push(data.toString('latin1').split('\r\n')[0]!));
    socket.on('error', () => {});
  });
  return { server, sockets, requests };
}

const schemas = schemaServer();
const proxy = connectProxy();
const silent = silentServer();
let schemaPort: number;
let proxyPort: number;
let silentPort: number;
let base: string;

beforeAll(async () => {
  schemaPort = await listen(schemas.server);
  proxyPort = await listen(proxy.server);
  silentPort = await listen(silent.server);
  base = `http://127.0.0.1:${schemaPort}/schemas`;
});
afterAll(async () => {
  for (const s of silent.sockets) s.destroy();
  for (const server of [schemas.server, proxy.server]) server.closeAllConnections();
  await Promise.all([schemas.server, proxy.server, silent.server].map((s) => new Promise((resolve) => s.close(resolve))));
});
afterEach(() => {
  schemas.state.requests.length = 0;
  schemas.state.status = undefined;
  proxy.state.connects.length = 0;
  proxy.state.refuse = false;
});

const options = (locations: string[], extra: Partial<ValidateOptions> = {}): ValidateOptions => ({ locations, cacheDir: freshCache(), env: {}, ...extra });

describe('URL locations', () => {
  it('validates every example object from a loopback server, downloading each schema once', async () => {
    const opts = options([base]);
    expect(await validateManifests(manifests, opts)).toEqual([]);
    // Each kind once; built-in kinds first miss the custom-resource layout (404, remembered).
    const downloads = schemas.state.requests.filter((r) => layout().has(r.replace('/schemas/', '')));
    expect(downloads).toHaveLength(kindCount);
    expect(downloads).toContain('/schemas/helm.toolkit.fluxcd.io/helmrelease_v2.json');

    const broken = manifests.find((m) => m.object.kind === 'HelmRelease')!;
    const issues = await validateManifests([{ ...broken, object: { ...broken.object, spec: { ...(broken.object.spec as object), chartt: {} } } }], opts);
    expect(issues).toMatchObject([{ code: 'MANIFEST_INVALID', path: '/spec/chartt' }]);
  });

  it('answers a second run from the cache: no request at all, 404s included', async () => {
    const opts = options([base]);
    await validateManifests(manifests, opts);
    schemas.state.requests.length = 0;
    expect(await validateManifests(manifests, opts)).toEqual([]);
    expect(schemas.state.requests).toEqual([]);
  });

  it('reports a kind no location has (404 everywhere) as a missing schema, not a network failure', async () => {
    const issues = await validateManifests([{ object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, file: 'w.yaml' }], options([base]));
    expect(issues).toMatchObject([{ code: 'MANIFEST_SCHEMA_MISSING', severity: 'error' }]);
    expect(issues[0]!.message).toContain(`${base}/example.com/widget_v1.json`);
  });

  it('throws an EnvironmentError naming host, URL and cause when a 5xx leaves a kind without schema', async () => {
    schemas.state.status = 503;
    const failure = await validateManifests(manifests, options([base])).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EnvironmentError);
    expect((failure as Error).message).toMatch(new RegExp(`^Cannot download the schema of \\S+ \\S+ from ${base}/\\S+\\.json: 127\\.0\\.0\\.1:${schemaPort} answered HTTP 503, and no other schema location has it\\. Check the network and the proxy settings`));
    expect((failure as Error).message).not.toContain('\n');
    expect(schemas.state.requests).toHaveLength(1);
  });

  it('asks a failing host once for all kinds when a later location has them', async () => {
    schemas.state.status = 500;
    expect(await validateManifests(manifests, options([base, 'embedded']))).toEqual([]);
    expect(schemas.state.requests).toHaveLength(1);
  });

  it('gives up on a host that accepts and never answers within the bound, once for the run', async () => {
    const started = Date.now();
    const silentBase = `http://127.0.0.1:${silentPort}/schemas`;
    expect(await validateManifests(manifests, options([silentBase, 'embedded'], { timeoutMs: 300 }))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(silent.requests).toEqual([expect.stringMatching(/^GET \/schemas\/\S+\.json HTTP\/1\.1$/)]);

    const failure = await validateManifests(manifests.slice(0, 1), options([silentBase], { timeoutMs: 300 })).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(EnvironmentError);
    expect((failure as Error).message).toContain(`127.0.0.1:${silentPort} did not answer within 0.3 s`);
  });

  it('names a refused connection', async () => {
    const dead = createServer();
    const port = await listen(dead);
    await new Promise((resolve) => dead.close(resolve));
    const failure = await validateManifests(manifests.slice(0, 1), options([`http://127.0.0.1:${port}/schemas`])).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(EnvironmentError);
    expect((failure as Error).message).toContain(`127.0.0.1:${port} refused the connection`);
  });
});

describe('proxies', () => {
  const proxyUrl = () => `http://127.0.0.1:${proxyPort}`;
  const namespace = manifests.filter((m) => m.object.kind === 'Namespace').slice(0, 1);

  it('downloads through HTTP_PROXY (a host only the proxy can reach)', async () => {
    const unreachable = `http://schemas.invalid:${schemaPort}/schemas`;
    expect(await validateManifests(manifests, options([unreachable], { env: { HTTP_PROXY: proxyUrl() } }))).toEqual([]);
    expect(proxy.state.connects).toContain(`schemas.invalid:${schemaPort}`);
    expect(schemas.state.requests.length).toBeGreaterThan(0);
  });

  it('asks HTTPS_PROXY for https URLs and reports its refusal as the failure', async () => {
    proxy.state.refuse = true;
    const failure = await validateManifests(namespace, options(['https://schemas.invalid/schemas'], { env: { HTTPS_PROXY: proxyUrl() } })).catch((e: Error) => e);
    expect(proxy.state.connects).toEqual(['schemas.invalid:443']);
    expect(failure).toBeInstanceOf(EnvironmentError);
    expect((failure as Error).message).toMatch(/ from https:\/\/schemas\.invalid\/schemas\/\S+\.json: schemas\.invalid could not be reached through the proxy \(it answered HTTP 403 to CONNECT\), /);
  });

  it('goes around the proxy for hosts in NO_PROXY, and through it otherwise', async () => {
    expect(await validateManifests(namespace, options([base], { env: { HTTP_PROXY: proxyUrl(), NO_PROXY: '127.0.0.1' } }))).toEqual([]);
    expect(proxy.state.connects).toEqual([]);
    expect(await validateManifests(namespace, options([base], { env: { http_proxy: proxyUrl() } }))).toEqual([]);
    expect(new Set(proxy.state.connects)).toEqual(new Set([`127.0.0.1:${schemaPort}`]));
  });
});
