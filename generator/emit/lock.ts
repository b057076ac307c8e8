// One writer of out/ at a time: `.slipway-out.lock` next to out/ holds the writer's pid, host and
// start time. A second writer does not wait: it stops at once (exit 2) with one line naming the
// holder, because a generate of a large fleet takes seconds and a silent wait looks like a hang.
//
// The lock is created exclusively without ever showing a half-written record: the record is written
// to a temporary file that is then hard-linked to the lock's name, which like O_EXCL fails if the
// lock exists (file systems without hard links fall back to an O_EXCL create). A lock whose pid is
// not running on this host is stale (its process was killed) and is taken over with a note; a lock
// from another host is never presumed stale.
import { closeSync, linkSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../commands/command.ts';
import { errnoCode, fsFailure } from './fs-errors.ts';
import type { OutPaths } from './out-paths.ts';

export interface LockRecord {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly command: string;
}

/** A lock record that does not parse is given this long to be a lock being created (fallback path only). */
const UNREADABLE_GRACE_MS = 5_000;

export class LockHeldError extends EnvironmentError {
  constructor(
    readonly lockFile: string,
    readonly holder: LockRecord | undefined,
    out: string,
  ) {
    super(
      holder
        ? `${out}/ is being written by another slipway ${holder.command} (pid ${holder.pid} on ${holder.host}, started ${holder.started}): wait for it to finish, or delete ${lockFile} if that process is gone.`
        : `${out}/ is locked by ${lockFile}, which does not name its holder: delete it if no slipway generate is running.`,
    );
  }
}

export interface OutLock {
  readonly record: LockRecord;
  release(): void;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** Takes the lock of out/ or throws LockHeldError (exit 2). `note` receives the one-line stale-lock notice. */
export function acquireLock(p: OutPaths, note: (line: string) => void, command = 'generate'): OutLock {
  const record: LockRecord = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), command };
  const text = `${JSON.stringify(record)}\n`;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (create(p, text)) {
      removeDeadTemporaries(p);
      return { record, release: () => release(p.lock, text) };
    }
    const held = readHolder(p.lock);
    if (held === undefined) continue; // released while we looked
    if (!isStale(held)) throw new LockHeldError(p.lock, held.record, p.out);
    // Move the stale lock aside (atomic), then make sure it is the record judged stale and not a
    // fresh lock another process created meanwhile; a fresh one is put back where it was.
    const aside = path.join(p.parent, `${p.lockTempPrefix}stale-${process.pid}`);
    try {
      renameSync(p.lock, aside);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') continue;
      throw fsFailure(e, `Cannot take over the stale lock ${p.lock}`);
    }
    const moved = readText(aside);
    if (moved === held.text) {
      rmSync(aside, { force: true });
      const who = held.record ? `pid ${held.record.pid} on ${held.record.host}, started ${held.record.started}` : 'an unreadable record';
      note(`note: took over the lock ${p.lock} left by ${who}, which is no longer running.`);
    } else {
      try {
        linkSync(aside, p.lock);
      } catch {
        // Another writer holds the lock now; the next attempt reports it.
      }
      rmSync(aside, { force: true });
    }
  }
  const held = readHolder(p.lock);
  throw new LockHeldError(p.lock, held?.record, p.out);
}

function create(p: OutPaths, text: string): boolean {
  const tmp = path.join(p.parent, `${p.lockTempPrefix}${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    try {
      linkSync(tmp, p.lock);
      return true;
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    }
    // No hard links on this file system: an O_EXCL create (a reader may see it empty for a moment).
    let fd: number;
    try {
      fd = openSync(p.lock, 'wx');
    } catch (e) {
      if (errnoCode(e) === 'EEXIST') return false;
      throw e;
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    throw fsFailure(e, `Cannot create the lock file ${p.lock} next to ${p.out}/`, `; ${p.out}/ is unchanged.`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

interface Held {
  readonly text: string;
  readonly record: LockRecord | undefined;
  readonly mtimeMs: number;
}

function readHolder(lock: string): Held | undefined {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lock).mtimeMs;
    text = readFileSync(lock, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw fsFailure(e, `Cannot read the lock file ${lock}`);
  }
  return { text, record: parseRecord(text), mtimeMs };
}

export function parseRecord(text: string): LockRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    if (typeof r.pid === 'number' && typeof r.host === 'string' && typeof r.started === 'string') return { pid: r.pid, host: r.host, started: r.started, command: typeof r.command === 'string' ? r.command : 'generate' };
  } catch {
    // not a record
  }
  return undefined;
}

function isStale(held: Held): boolean {
  if (!held.record) return Date.now() - held.mtimeMs > UNREADABLE_GRACE_MS;
  return held.record.host === os.hostname() && held.record.pid !== process.pid && !isAlive(held.record.pid);
}

const readText = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

function release(lock: string, text: string): void {
  // Only our own record is removed (a lock taken over after we were presumed dead is not ours).
  if (readText(lock) === text) {
    try {
      unlinkSync(lock);
    } catch {
      // Already gone, or the folder became read-only: the next run finds a stale lock and says so.
    }
  }
}

/** Temporary files of lock attempts whose process is gone (`.slipway-out.lock.<pid>.tmp`, `...stale-<pid>`). */
function removeDeadTemporaries(p: OutPaths): void {
  let names: string[];
  try {
    names = readdirSync(p.parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(p.lockTempPrefix)) continue;
    const pid = Number(/^(?:stale-)?(\d+)/.exec(name.slice(p.lockTempPrefix.length))?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) rmSync(path.join(p.parent, name), { force: true });
  }
}
