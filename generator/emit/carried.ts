// Folders of out/ that a switch carries whole into the new tree. A folder with nothing to write or
// prune under it is not copied file by file into the staging tree: once out/ has been moved aside,
// it is renamed from the previous tree into the staging tree (one rename instead of a link per
// file, and one removal less afterwards). So that a kill in that window never loses one, the list
// is written beside out/ (`.slipway-out.carried`) before out/ is moved aside, and removed once the
// new tree is in place; putting the previous tree back first moves each listed folder back into it.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../commands/command.ts';
import { errnoCode, fsFailure } from './fs-errors.ts';
import { kind, type OutPaths } from './out-paths.ts';

/** Written before out/ is moved aside (a kill while writing it leaves out/ in place: the list is then a leftover). */
export function recordCarried(p: OutPaths, folders: readonly string[]): void {
  writeFileSync(p.carried, `${JSON.stringify(folders)}\n`);
}

/** The folders a switch carries or carried ([] when there is no list: nothing was carried). */
export function readCarried(p: OutPaths): string[] {
  let text: string;
  try {
    text = readFileSync(p.carried, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return [];
    throw fsFailure(e, `Cannot read ${p.carried}, the folders an interrupted generate was moving from ${p.previous} to ${p.staging}`);
  }
  try {
    const folders = JSON.parse(text) as unknown;
    if (Array.isArray(folders) && folders.every((f) => typeof f === 'string')) return folders;
  } catch {
    // reported below
  }
  throw new EnvironmentError(`${p.carried} is damaged: an interrupted generate was moving folders from ${p.previous} to ${p.staging}; move the folders ${p.previous} lacks back from ${p.staging}, rename ${p.previous} to ${p.out}, then remove ${p.carried}.`);
}

/** Moves every listed folder still in the staging tree back into the previous tree, which is then whole again. */
export function carryBack(p: OutPaths): void {
  for (const folder of readCarried(p)) {
    const from = path.join(p.staging, folder);
    const to = path.join(p.previous, folder);
    if (kind(from) === 'dir' && kind(to) === 'missing') renameSync(from, to);
  }
}

/** Once the new tree is out/ (or the old one back), the list is of no use; one that resists is removed by the next run's recovery. */
export function forgetCarried(p: OutPaths): void {
  try {
    rmSync(p.carried, { force: true });
  } catch {
    // recover() removes it
  }
}

/** Folders the read of the previous tree would miss (for a reader that cannot carry them back). */
export const missingFromPrevious = (p: OutPaths): string[] => readCarried(p).filter((folder) => kind(path.join(p.previous, folder)) !== 'dir');
