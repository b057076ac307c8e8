// Writes a plan to disk, all or nothing. The new tree is built beside out/ in
// `.slipway-out.staging` (same file system): in each folder with something to write or prune under
// it, every file of out/ that stays as it is, Slipway's or anyone else's, is hard-linked (copied
// where links are refused), the new and changed files are written, and pruned files are left out.
// Then out/ is renamed to .slipway-out.previous, the folders with nothing to change under them are
// renamed from it into the staging tree whole (carried.ts), the manifest is written last, inside
// the tree it describes, staging is renamed to out/, and the rest of the previous tree is removed.
// Where there is no out/ yet, the staging tree is filled while the fleet still renders
// (StagingTree), and only the rest is written here. Killed at any moment, this leaves out/ as the
// old tree or as the complete new one, or (between the two renames) no out/ and both trees beside
// it, which recover() settles.
// Files in out/ are never opened for writing: the old tree stays intact until out/ is moved aside.
// out/ stays a plain directory of plain files: no symlink is created at out/ or inside it.
//
// The guarantee is against the process dying (kill -9, a crash, an error): nothing is fsync'ed, so
// a power cut may still lose the last writes, as it would for any other file the user saves.
import { accessSync, chmodSync, chownSync, constants, copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OnProgress } from '../format/progress.ts';
import { EnvironmentError } from '../commands/command.ts';
import { describeCause, errnoCode, fsFailure } from './fs-errors.ts';
import { carryBack, forgetCarried, recordCarried } from './carried.ts';
import { MANIFEST_FILE, serializeManifest } from './manifest.ts';
import { kind, lstat, outPaths, type OutPaths } from './out-paths.ts';
import { assertSafePath, InStaging, isClean, SameAsDisk, type Plan, type RenderedContent } from './plan.ts';

/** Staging folders that Slipway before 0.3 made inside out/; never part of the tree, dropped on the next write. */
export const LEGACY_STAGING_PREFIX = '.slipway-staging-';

export interface EmitReport {
  readonly written: readonly string[];
  readonly pruned: readonly string[];
  readonly unchanged: number;
  /** One-line notes for the user (a previous tree that could not be removed). */
  readonly notes: readonly string[];
}

/** Test hook: called at each point where a kill leaves a different state on disk. */
export type OnStep = (step: EmitStep) => void;
export type EmitStep = 'staging-created' | 'linking' | 'linked' | 'writing' | 'written' | 'built' | 'out-moved-aside' | 'carrying' | 'carried' | 'manifest-temporary' | 'complete' | 'switched' | 'done';

export class EmitConflictError extends Error {
  constructor(readonly files: readonly string[]) {
    super(`Refusing to overwrite ${files.length} file(s) in out/ that Slipway did not generate: ${files.join(', ')}.`);
  }
}

/**
 * The staging tree being built: each rendered file is written once, its folder made once. emit()
 * writes through one; a generate that found no out/ makes its own before rendering and fills it as
 * each slice comes back, so that writing overlaps rendering. Nothing is visible until emit()
 * switches the tree in, after the whole plan; a run that stops before that (invalid output, a
 * conflict, a kill) leaves only a staging tree without its manifest, never switched in. Needs the
 * lock of out/ (recover() removes a staging tree it finds).
 */
export class StagingTree {
  private readonly written = new Set<string>();
  private readonly made = new Set<string>();

  /** `create`: a new, empty tree; else the one this process made (a render worker writing its environments' own files into it). */
  constructor(
    private readonly p: OutPaths,
    create = true,
  ) {
    if (!create) return;
    try {
      rmSync(p.staging, { recursive: true, force: true });
      mkdirSync(p.staging);
    } catch (e) {
      throw this.failure(e);
    }
  }

  /** Writes a rendered file into the tree, once (files every environment shares come with each slice); InStaging ones are in it. */
  write(file: string, content: string | Buffer | InStaging): void {
    if (content instanceof InStaging || this.written.has(file)) return;
    assertSafePath(file);
    // A safe path is relative and normalized: joined as text, without path.join's work per file.
    try {
      const dir = path.posix.dirname(file);
      if (!this.made.has(dir)) {
        mkdirSync(`${this.p.staging}/${dir}`, { recursive: true });
        this.made.add(dir);
      }
      writeFile(`${this.p.staging}/${file}`, content);
    } catch (e) {
      throw this.failure(e);
    }
    this.written.add(file);
  }

  /** A full disk, a folder that cannot be written: one line naming the path (exit 2). */
  private failure(e: unknown): EnvironmentError {
    return fsFailure(e, `Cannot build the new ${this.p.out}/ (at ${failedPath(e) ?? this.p.staging})`, `; ${this.p.out}/ is unchanged.`);
  }

  /** For emit(): this tree, filled early, while out/ is still missing; once out/ is there after all, nothing (the tree is removed). */
  takeIf(outKind: string): StagingTree | undefined {
    if (outKind === 'missing') return this;
    this.discard();
    return undefined;
  }

  /** Removes the tree (nothing to do once emit() has switched it in or removed it itself). */
  discard(): void {
    this.written.clear();
    try {
      rmSync(this.p.staging, { recursive: true, force: true });
    } catch {
      // recover() removes it next time
    }
  }
}

export function emit(outDir: string, files: ReadonlyMap<string, RenderedContent>, plan: Plan, onProgress?: OnProgress, onStep?: OnStep, early?: StagingTree): EmitReport {
  if (plan.conflicts.length > 0) throw new EmitConflictError(plan.conflicts);
  const toWrite = [...plan.missing, ...plan.changed].sort();
  const p = outPaths(outDir);
  const outKind = kind(p.out);
  // Bytes held nowhere but on disk: found in out/ as rendered (SameAsDisk), yet changed or removed
  // since, or written into the early staging tree (InStaging), yet out/ is there after all (the
  // early tree is then dropped): out/ was replaced meanwhile.
  const inEarlyTree = early !== undefined && outKind === 'missing';
  const gone = toWrite.filter((file) => {
    const content = files.get(file);
    return content instanceof SameAsDisk || (content instanceof InStaging && !inEarlyTree);
  });
  if (gone.length > 0) throw new EnvironmentError(`${outDir}/ changed while Slipway was generating it (${gone.slice(0, 3).join(', ')}${gone.length > 3 ? ', …' : ''}); ${outDir}/ is unchanged: run slipway generate again.`);
  const report = { written: toWrite, pruned: plan.extra, unchanged: files.size - toWrite.length, notes: [] as string[] };
  if (isClean(plan)) return report;

  if (outKind !== 'dir' && outKind !== 'missing') throw notAFolder(p, outKind);
  const unchanged = `; ${p.out}/ is unchanged.`;
  if (outKind === 'dir') {
    // The switch renames out/ and removes the old tree: out/ itself must be writable, not a mount point.
    try {
      accessSync(p.out, constants.W_OK);
    } catch (e) {
      throw fsFailure(e, `Cannot write ${p.out}/`, unchanged);
    }
  }

  let carried: readonly string[] = [];
  try {
    const staging = early?.takeIf(outKind) ?? new StagingTree(p);
    onStep?.('staging-created');
    carried = build(p, staging, outKind === 'dir', files, toWrite, plan, onProgress, onStep);
    if (outKind === 'dir') {
      assertNoMountInside(p);
      recordCarried(p, carried);
    }
  } catch (e) {
    discard(p.staging);
    forgetCarried(p);
    throw e instanceof EnvironmentError ? e : fsFailure(e, `Cannot build the new ${p.out}/ (at ${failedPath(e) ?? p.staging})`, unchanged);
  }
  onStep?.('built');

  if (outKind === 'dir') {
    try {
      renameSync(p.out, p.previous);
    } catch (e) {
      discard(p.staging);
      forgetCarried(p);
      throw fsFailure(e, `Cannot move ${p.out}/ aside to ${p.previous}`, unchanged);
    }
    onStep?.('out-moved-aside');
  }
  try {
    for (const [index, folder] of carried.entries()) {
      renameSync(path.join(p.previous, folder), path.join(p.staging, folder));
      if (index === (carried.length - 1) >> 1) onStep?.('carrying');
    }
    onStep?.('carried');
    writeManifest(p.staging, plan, onStep);
    renameSync(p.staging, p.out);
  } catch (e) {
    // Put the old tree back; if even that fails, the next run's recovery finishes or undoes the switch.
    let after = unchanged;
    try {
      if (outKind === 'dir') {
        carryBack(p);
        renameSync(p.previous, p.out);
        forgetCarried(p);
      }
      discard(p.staging);
    } catch {
      after = `; the next slipway generate restores ${p.out}/ (the old tree is ${p.previous}).`;
    }
    throw fsFailure(e, `Cannot switch ${p.out}/ to the new tree (at ${failedPath(e) ?? p.staging})`, after);
  }
  onStep?.('switched');
  try {
    forgetCarried(p);
    if (outKind === 'dir') removeTree(p.previous);
  } catch (e) {
    report.notes.push(`note: could not remove the previous tree ${p.previous} (${describeCause(e)}); the next generate removes it.`);
  }
  onStep?.('done');
  return report;
}

/**
 * rmSync(dir, { recursive: true }) for a tree of plain folders, files and links, from the folder
 * listings alone: rmSync also stats every entry and first tries each folder as if it were empty,
 * which for a fleet's previous tree (70,000 entries at 500 environments) is a quarter of the time.
 */
function removeTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) removeTree(child);
    else unlinkSync(child);
  }
  rmdirSync(dir);
}

/** Removes a half-built tree on the way out of a failure; one that resists is removed by the next run. */
function discard(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // recover() removes it next time
  }
}

function notAFolder(p: OutPaths, k: string): EnvironmentError {
  return new EnvironmentError(`${p.out} is a ${k === 'symlink' ? 'symbolic link' : 'file'}, not a folder: Slipway writes ${p.out}/ as a plain folder (move it away, then run again).`);
}

const failedPath = (e: unknown) => (e as { dest?: string }).dest ?? (e as NodeJS.ErrnoException).path;

/**
 * The new tree in staging, but for the folders carried whole (returned: see carried.ts): one pass
 * over out/ linking what stays in each folder that has something to write or prune under it, then
 * the new files, pruning's emptied folders removed, and folder modes (and, as root, owners) restored.
 */
function build(p: OutPaths, staging: StagingTree, hadOut: boolean, files: ReadonlyMap<string, RenderedContent>, toWrite: readonly string[], plan: Plan, onProgress?: OnProgress, onStep?: OnStep): string[] {
  // What not to link, and the folders with something to write or prune under them (none without an out/).
  const skip = new Set<string>(hadOut ? [...toWrite, ...plan.extra] : []);
  const touched = new Set<string>(['']);
  for (const file of skip) for (let dir = path.posix.dirname(file); dir !== '.' && !touched.has(dir); dir = path.posix.dirname(dir)) touched.add(dir);
  const carried: string[] = [];
  const folders: Array<{ rel: string; mode: number; uid: number; gid: number }> = [];
  const root = process.getuid?.() === 0;
  let linked = 0;

  // Every old folder met is replaced by the switch (emptied and removed with the old tree, or moved
  // to a new parent, which rewrites its "..": Linux's vfs_rename asks for write permission on it).
  const assertWritable = (rel: string) => {
    try {
      accessSync(path.join(p.out, rel), constants.W_OK);
    } catch (e) {
      throw fsFailure(e, `Cannot write ${path.join(p.out, rel)}/`, `; ${p.out}/ is unchanged.`);
    }
  };
  const copyFolder = (rel: string) => {
    const from = path.join(p.out, rel);
    if (rel !== '') assertWritable(rel);
    const stats = lstat(from)!;
    folders.push({ rel, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (rel === '' && (entry.name === MANIFEST_FILE || entry.name.startsWith(LEGACY_STAGING_PREFIX))) continue;
      if (skip.has(child)) continue;
      const source = path.join(p.out, child);
      const target = path.join(p.staging, child);
      if (entry.isDirectory()) {
        if (touched.has(child)) {
          mkdirSync(target);
          copyFolder(child);
        } else {
          assertWritable(child);
          carried.push(child);
        }
      } else if (entry.isSymbolicLink()) {
        // Not Slipway's (it never makes one): kept as it is.
        symlinkSync(readlinkSync(source), target);
      } else {
        linkOrCopy(source, target);
        if (++linked % 1000 === 0) onStep?.('linking');
      }
    }
  };
  if (hadOut) copyFolder('');
  onStep?.('linked');

  for (const [index, file] of toWrite.entries()) {
    onProgress?.(index + 1, toWrite.length);
    staging.write(file, files.get(file) as string | Buffer | InStaging);
    if (index === toWrite.length >> 1) onStep?.('writing');
  }
  onStep?.('written');
  const holdsCarried = new Set(carried.map((folder) => path.posix.dirname(folder)));
  for (const file of plan.extra) removeEmptyParents(p.staging, path.posix.dirname(file), holdsCarried);

  // A new folder gets this process's default mode and owner; only folders that differ are changed.
  const fresh = lstat(p.staging)!;
  const defaults = { mode: fresh.mode & 0o7777, uid: fresh.uid, gid: fresh.gid };
  for (const folder of folders.reverse()) {
    const target = path.join(p.staging, folder.rel);
    try {
      if (folder.mode !== defaults.mode) chmodSync(target, folder.mode);
      if (root && (folder.uid !== defaults.uid || folder.gid !== defaults.gid)) chownSync(target, folder.uid, folder.gid);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e; // ENOENT: emptied by pruning and removed
    }
  }
  return carried;
}

/** The manifest, last: a staging tree is complete (recovery switches it in) exactly when it holds one. */
function writeManifest(dir: string, plan: Plan, onStep?: OnStep): void {
  const manifest = path.join(dir, MANIFEST_FILE);
  writeFile(`${manifest}.tmp`, serializeManifest(plan.nextManifest));
  onStep?.('manifest-temporary');
  renameSync(`${manifest}.tmp`, manifest);
  onStep?.('complete');
}

/** writeFileSync, with the path on the error even when the write (not the open) failed, e.g. ENOSPC. */
function writeFile(target: string, content: string | Buffer): void {
  try {
    writeFileSync(target, content);
  } catch (e) {
    if (e instanceof Error && (e as NodeJS.ErrnoException).path === undefined) (e as NodeJS.ErrnoException).path = target;
    throw e;
  }
}

function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
    return;
  } catch (e) {
    const code = errnoCode(e);
    if (code !== 'EPERM' && code !== 'EMLINK' && code !== 'EXDEV' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    if (code === 'EPERM' && isImmutable(source)) throw new EnvironmentError(`Cannot replace ${source}: ${describeCause(e)}; it could not be removed with the old tree.`, { cause: e });
  }
  copyFileSync(source, target, constants.COPYFILE_FICLONE);
}

/** An immutable file refuses links and writes even to root; a file refused only by protected_hardlinks is writable. */
function isImmutable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return false;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** Removes folders emptied by pruning, up to the tree's root; a folder with anything left in it, or still to come (a carried folder), stays. */
function removeEmptyParents(treeDir: string, relDir: string, holdsCarried: ReadonlySet<string>): void {
  let dir = relDir;
  while (dir !== '.' && dir !== '' && !holdsCarried.has(dir)) {
    const abs = path.join(treeDir, dir);
    try {
      if (readdirSync(abs).length > 0) return;
      rmdirSync(abs);
    } catch {
      return;
    }
    dir = path.posix.dirname(dir);
  }
}

/**
 * A file system mounted at out/ or inside it cannot be renamed away with the old tree. Linux lists
 * mounts in /proc/self/mountinfo (field 5, octal escapes); elsewhere this check is skipped.
 */
function assertNoMountInside(p: OutPaths): void {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return;
  }
  const out = path.resolve(p.out);
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (!field) continue;
    const mount = field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mount === out || mount.startsWith(`${out}/`)) {
      throw new EnvironmentError(`Cannot write ${p.out}/: ${mount === out ? `${p.out} is` : `${path.relative(process.cwd(), mount) || mount} inside it is`} a mount point, and Slipway replaces ${p.out}/ as a whole by renaming; ${p.out}/ is unchanged.`);
    }
  }
}

