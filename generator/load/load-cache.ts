// What loading each environment file gave, kept between runs, so that a file unchanged since is
// not parsed and checked again: validate in a pre-commit hook, generate --check in CI and generate
// itself then pay only for the files that changed. The rules between environments always run.
//
// An entry is keyed by the file's path and sha256 of its text; the whole cache by the build of
// Slipway (scripts/build.ts hashes every bundled source into SLIPWAY_BUILD_ID), the package's place
// and the stage policy (today's date decides Kubernetes end-of-life warnings). Anything else misses.
// Only the published bundle has a build id: run from source (tests, npm run slipway) nothing is
// cached. Entries are structured-clone data (v8.serialize), the same data the workers send, frozen
// again when read. The folder is the user's cache (XDG_CACHE_HOME, else ~/.cache)/slipway/load;
// SLIPWAY_LOAD_CACHE=off turns it off, any other value names the folder. A cache that cannot be read
// or written is ignored: it only ever saves time.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { deepFreeze } from '../model/freeze.ts';
import type { Policy } from '../model/kubernetes-versions.ts';
import { packageRoot } from '../package-root.ts';
import type { LoadedFile } from './load-environments.ts';

declare const SLIPWAY_BUILD_ID: string | undefined;
/** Set by scripts/build.ts in the bundle; absent from source. */
export const BUILD_ID = typeof SLIPWAY_BUILD_ID === 'string' ? SLIPWAY_BUILD_ID : undefined;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Stored {
  readonly scope: string;
  readonly entries: Map<string, LoadedFile>;
}

export class LoadCache {
  private readonly used = new Map<string, LoadedFile>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly scope: string,
    private readonly stored: ReadonlyMap<string, LoadedFile>,
  ) {}

  /** The cache of this build, package place and policy; undefined when off or run from source. */
  static open(policy: Policy, env: NodeJS.ProcessEnv, buildId = BUILD_ID): LoadCache | undefined {
    const setting = env.SLIPWAY_LOAD_CACHE;
    if (buildId === undefined || setting === 'off' || setting === '0') return undefined;
    const dir = setting || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'slipway', 'load');
    // One file per working directory: file paths in entries are relative to it.
    const file = path.join(dir, `${sha256(process.cwd()).slice(0, 16)}.bin`);
    const scope = sha256(JSON.stringify({ buildId, packageRoot, policy }));
    let stored = new Map<string, LoadedFile>();
    try {
      const read = deserialize(readFileSync(file)) as Stored;
      if (read.scope === scope && read.entries instanceof Map) stored = read.entries;
    } catch {
      // no cache yet, or one this build cannot read: start empty
    }
    return new LoadCache(file, scope, stored);
  }

  private static key = (file: string, text: string) => sha256(`${file}\0${text}`);

  /** The result loading `file` with this text gave before, frozen as a fresh one. */
  get(file: string, text: string): LoadedFile | undefined {
    const key = LoadCache.key(file, text);
    const hit = this.stored.get(key);
    if (hit) this.used.set(key, hit);
    return hit && deepFreeze(hit);
  }

  /** Keeps a result for the next run, unless it depends on more than the file's text. */
  set(file: string, text: string, result: LoadedFile): void {
    if (result.readOtherFiles) return;
    const { source: _source, ...plain } = result;
    this.used.set(LoadCache.key(file, text), { ...plain, readable: true });
    this.changed = true;
  }

  /**
   * Keeps this run's entries only (files gone or changed are dropped), when anything changed; the
   * caches of working directories not used for a month (temporary checkouts) are removed.
   */
  save(): void {
    if (!this.changed && this.used.size === this.stored.size) return;
    try {
      const dir = path.dirname(this.file);
      mkdirSync(dir, { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, serialize({ scope: this.scope, entries: this.used } satisfies Stored));
      renameSync(temporary, this.file);
      const monthAgo = Date.now() - 30 * 86_400_000;
      for (const name of readdirSync(dir)) {
        const other = path.join(dir, name);
        if (name.endsWith('.bin') && statSync(other).mtimeMs < monthAgo) rmSync(other, { force: true });
      }
    } catch {
      // a read-only home or a full disk: the next run loads again
    }
  }
}
