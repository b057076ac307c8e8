// Settles what a killed generate left beside out/, and gives generate and generate --check a plan
// read from one consistent tree.
//
// A generate killed before its first rename leaves out/ untouched (and maybe a staging folder); one
// killed after the second leaves the new out/ (and maybe part of the previous tree). Killed between
// the two renames it leaves no out/, the old tree at .slipway-out.previous and the new one at
// .slipway-out.staging, with the folders carried whole (carried.ts) in one or the other: the staging
// tree is complete exactly when its manifest is in it (the manifest is written after the carried
// folders), so recovery finishes the switch if it is, and otherwise moves the carried folders back
// and restores the old tree. Either way out/ is a whole tree whose manifest describes its own
// files, so nothing is reported as edited by hand unless its bytes differ from what that manifest
// records.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../commands/command.ts';
import { carryBack, missingFromPrevious } from './carried.ts';
import { LEGACY_STAGING_PREFIX } from './emit.ts';
import { errnoCode, fsFailure } from './fs-errors.ts';
import { acquireLock, LockHeldError } from './lock.ts';
import { isCompleteTree, kind, outPaths, treeIdentity, type OutPaths } from './out-paths.ts';
import { planEmit, type Plan, type RenderedContent } from './plan.ts';

export type Recovery = 'finished' | 'restored' | undefined;

/** Run only while holding the lock. Silent: returns what it did, for tests. */
export function recover(p: OutPaths): Recovery {
  assertFolderOrMissing(p);
  let done: Recovery;
  try {
    if (kind(p.out) === 'missing') {
      if (kind(p.staging) === 'dir' && isCompleteTree(p.staging)) {
        renameSync(p.staging, p.out);
        done = 'finished';
      } else if (kind(p.previous) === 'dir') {
        carryBack(p);
        renameSync(p.previous, p.out);
        done = 'restored';
      }
    }
  } catch (e) {
    throw fsFailure(e, `Cannot restore ${p.out}/ after an interrupted generate (from ${p.staging} or ${p.previous})`);
  }
  removeLeftovers(p);
  return done;
}

function removeLeftovers(p: OutPaths): void {
  const remove = (target: string) => {
    try {
      rmSync(target, { recursive: true, force: true });
    } catch (e) {
      throw fsFailure(e, `Cannot remove ${target}, left by an interrupted generate`);
    }
  };
  remove(p.staging);
  remove(p.previous);
  remove(p.carried);
  if (kind(p.out) === 'dir') {
    let names: string[] = [];
    try {
      names = readdirSync(p.out);
    } catch {
      // unreadable out/: planning reports it
    }
    for (const name of names) if (name.startsWith(LEGACY_STAGING_PREFIX)) remove(path.join(p.out, name));
  }
}

function assertFolderOrMissing(p: OutPaths): void {
  const k = kind(p.out);
  if (k === 'file' || k === 'symlink' || k === 'other') {
    throw new EnvironmentError(`${p.out} is a ${k === 'symlink' ? 'symbolic link' : 'file'}, not a folder: Slipway writes ${p.out}/ as a plain folder (move it away, then run again).`);
  }
}

const interrupted = (p: OutPaths) => kind(p.out) === 'missing' && (kind(p.staging) !== 'missing' || kind(p.previous) !== 'missing');

const WAIT_FOR_SWITCH_MS = 10_000;
const ATTEMPTS = 5;

export interface CheckOptions {
  readonly note: (line: string) => void;
  /** Test hook: runs between reading out/'s identity and planning (to switch the tree meanwhile). */
  readonly beforePlan?: (attempt: number) => void;
  /** The identity of out/ when the renderers compared their files with it (renderFleet's compareWith). */
  readonly comparedWith?: string;
}

/**
 * The plan generate --check reports, without taking the lock for the read. A switch left half done
 * by a killed generate is settled first (under the lock, renames only, exactly as the next generate
 * would); if the lock cannot be created (a read-only checkout) the complete tree is read where it
 * is. The plan is accepted only if out/ is the same folder, unchanged, before and after reading it,
 * so a generate switching out/ meanwhile makes it read again rather than report a mix.
 */
export function planForCheck(outDir: string, files: ReadonlyMap<string, RenderedContent>, inScope: (file: string) => boolean, options: CheckOptions): Plan {
  const p = outPaths(outDir);
  for (let attempt = 1; ; attempt++) {
    assertFolderOrMissing(p);
    let readDir = p.out;
    if (interrupted(p)) readDir = settleForCheck(p, options.note);
    const before = treeIdentity(readDir);
    options.beforePlan?.(attempt);
    let plan: Plan | undefined;
    try {
      plan = planEmit(readDir, files, inScope, options.comparedWith);
    } catch (e) {
      const code = errnoCode((e as Error).cause);
      if (attempt >= ATTEMPTS || (code !== 'ENOENT' && code !== 'ENOTDIR')) throw e;
    }
    if (plan && treeIdentity(readDir) === before && !(readDir === p.out && before === 'missing' && interrupted(p))) return plan;
    if (attempt >= ATTEMPTS) throw new EnvironmentError(`${p.out}/ kept changing while generate --check read it (another slipway generate is writing it): run the check again when it is done.`);
  }
}

/** Returns the folder to read: out/ once settled, or the complete tree itself when it cannot be settled. */
function settleForCheck(p: OutPaths, note: (line: string) => void): string {
  const deadline = Date.now() + WAIT_FOR_SWITCH_MS;
  for (;;) {
    try {
      const lock = acquireLock(p, note, 'generate --check');
      try {
        recover(p);
      } finally {
        lock.release();
      }
      return p.out;
    } catch (e) {
      if (e instanceof LockHeldError) {
        // A live generate holds the lock: it settles or switches out/ within moments.
        if (!interrupted(p)) return p.out;
        if (Date.now() > deadline) throw e;
        sleep(20);
        continue;
      }
      const code = errnoCode((e as Error).cause);
      if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
        // Read-only here: read the tree recovery would choose, where it is.
        if (kind(p.staging) === 'dir' && isCompleteTree(p.staging)) return p.staging;
        if (kind(p.previous) === 'dir') {
          const away = missingFromPrevious(p);
          if (away.length > 0) throw new EnvironmentError(`${p.out}/ is missing: an interrupted generate had moved ${away.length} of its folders from ${p.previous} to ${p.staging}, and this checkout cannot be written to move them back: run slipway generate where it can write.`);
          return p.previous;
        }
        return p.out;
      }
      throw e;
    }
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export interface Writer {
  readonly paths: OutPaths;
  release(): void;
}

/**
 * Before generate plans anything: the folder out/ lives in exists, this process holds the lock of
 * out/, and whatever a killed generate left beside out/ is settled.
 */
export function beginWrite(outDir: string, note: (line: string) => void): Writer {
  const p = outPaths(outDir);
  assertFolderOrMissing(p);
  try {
    mkdirSync(p.parent, { recursive: true });
  } catch (e) {
    throw fsFailure(e, `Cannot create ${p.parent}/ to write ${p.out}/ in`);
  }
  const lock = acquireLock(p, note);
  try {
    recover(p);
  } catch (e) {
    lock.release();
    throw e;
  }
  return { paths: p, release: () => lock.release() };
}
