// Where out/ and the folders Slipway keeps beside it live. Everything Slipway puts next to out/ is
// named `.slipway-<out>.*` (matched by .gitignore's `.slipway-*`), on the same file system as out/,
// so that switching trees is a rename.
//   .slipway-out.staging    the new tree being built (complete once it holds its manifest)
//   .slipway-out.previous   the old tree, between the two renames of a switch and until removed
//   .slipway-out.carried    the folders a switch moves whole from the old tree into the new one
//   .slipway-out.lock       who is writing out/ (pid, host, start time)
import { lstatSync, type Stats } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../commands/command.ts';
import { MANIFEST_FILE } from './manifest.ts';

export interface OutPaths {
  /** out/ as the user named it (relative paths stay relative), for messages and file access. */
  readonly out: string;
  readonly parent: string;
  readonly staging: string;
  readonly previous: string;
  readonly carried: string;
  readonly lock: string;
  /** Prefix of the lock's temporary files (`.slipway-out.lock.<pid>.tmp`, `.slipway-out.lock.stale-<pid>`). */
  readonly lockTempPrefix: string;
}

export function outPaths(outDir: string): OutPaths {
  const out = path.normalize(outDir).replace(/(.)[\\/]+$/, '$1');
  const resolved = path.resolve(out);
  const cwd = process.cwd();
  if (resolved === path.parse(resolved).root || cwd === resolved || cwd.startsWith(`${resolved}${path.sep}`)) {
    throw new EnvironmentError(`Cannot use ${outDir} as the output folder: it contains the working directory, and Slipway replaces the output folder as a whole.`);
  }
  const parent = path.dirname(out);
  const base = path.basename(out);
  const sibling = (suffix: string) => path.join(parent, `.slipway-${base}.${suffix}`);
  return { out, parent, staging: sibling('staging'), previous: sibling('previous'), carried: sibling('carried'), lock: sibling('lock'), lockTempPrefix: `.slipway-${base}.lock.` };
}

export type Kind = 'missing' | 'dir' | 'file' | 'symlink' | 'other';

export function kindOf(stats: Stats | undefined): Kind {
  if (!stats) return 'missing';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isDirectory()) return 'dir';
  return stats.isFile() ? 'file' : 'other';
}

export const lstat = (p: string): Stats | undefined => lstatSync(p, { throwIfNoEntry: false });
export const kind = (p: string): Kind => kindOf(lstat(p));

/** Which tree is at a path: a rename puts another folder there, adding or removing an entry changes its ctime. */
export const treeIdentity = (p: string): string => {
  const s = lstat(p);
  return s ? `${s.dev}:${s.ino}:${s.ctimeMs}` : 'missing';
};

/** A tree is complete once its manifest is in it: the manifest is the last thing written. */
export const isCompleteTree = (dir: string) => kind(path.join(dir, MANIFEST_FILE)) === 'file';
