// Slipway's cache folder (the extracted helm binary, pulled charts): SLIPWAY_CACHE_DIR, else
// $XDG_CACHE_HOME/slipway, else ~/.cache/slipway. Everything in it can be rebuilt, and every file
// appears in one rename, so a run that dies half-way or two runs side by side never see half a file.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv, override?: string): string {
  if (override) return path.resolve(override);
  if (env.SLIPWAY_CACHE_DIR) return path.resolve(env.SLIPWAY_CACHE_DIR);
  // The XDG spec ignores a relative XDG_CACHE_HOME.
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(xdg, 'slipway');
}

/** A name next to `file` that no other process picks. */
export const temporaryName = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);

/** Writes through a temporary file in the same folder and a rename. */
export function writeFileAtomic(file: string, data: Uint8Array | string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = temporaryName(file);
  try {
    writeFileSync(temporary, data, { mode });
    chmodSync(temporary, mode); // the umask may have removed bits
    renameSync(temporary, file);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}
