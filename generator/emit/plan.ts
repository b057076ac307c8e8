// Compares what the renderers produced with what is on disk, without changing anything.
// Both `generate` (to know what to write) and `generate --check` (to report drift) use it.
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fsFailure } from './fs-errors.ts';
import { kindOf } from './out-paths.ts';
import { hashContent, MANIFEST_FILE, readManifest, serializeManifest, type Manifest } from './manifest.ts';

export interface Plan {
  /** Rendered files whose content differs on disk. */
  readonly changed: string[];
  /** Rendered files not on disk. */
  readonly missing: string[];
  /** Owned files on disk that the renderers no longer produce: pruned on generate. */
  readonly extra: string[];
  /** Rendered paths held by a file Slipway did not generate (never overwritten). */
  readonly conflicts: string[];
  /** Owned files whose content no longer matches the manifest hash: edited by hand. */
  readonly editedByHand: string[];
  readonly manifestChanged: boolean;
  readonly nextManifest: Manifest;
  readonly previousManifest: Manifest;
}

/**
 * `inScope` limits the plan to part of out/ (generate --env); files outside it are left alone.
 * A file that cannot be read (permissions, I/O) is an EnvironmentError naming it.
 */
export function planEmit(outDir: string, files: ReadonlyMap<string, string>, inScope: (file: string) => boolean = () => true): Plan {
  for (const file of files.keys()) assertSafePath(file);
  const previous = readManifest(outDir);
  const changed: string[] = [];
  const missing: string[] = [];
  const conflicts: string[] = [];
  const editedByHand: string[] = [];
  const onDiskKind = (file: string) => kindOf(read(() => lstatSync(path.join(outDir, file), { throwIfNoEntry: false }), outDir, file));
  // A rendered file needs every folder above it to be a folder (or absent): a file there (other than
  // an owned one about to be pruned) or a symbolic link is someone else's, so the path is refused.
  const folderOk = new Map<string, boolean>();
  const ancestorsOk = (file: string): boolean => {
    const dir = path.posix.dirname(file);
    if (dir === '.') return true;
    let ok = folderOk.get(dir);
    if (ok === undefined) {
      ok = ancestorsOk(dir);
      if (ok) {
        const k = onDiskKind(dir);
        ok = k === 'dir' || k === 'missing' || (k === 'file' && previous.has(dir) && inScope(dir) && !files.has(dir));
      }
      folderOk.set(dir, ok);
    }
    return ok;
  };

  for (const [file, content] of files) {
    if (!ancestorsOk(file)) {
      conflicts.push(file);
      continue;
    }
    const k = onDiskKind(file);
    if (k === 'missing') {
      missing.push(file);
      continue;
    }
    if (k !== 'file') {
      conflicts.push(file);
      continue;
    }
    const onDisk = read(() => readFileSync(path.join(outDir, file)), outDir, file);
    const owned = previous.get(file);
    if (owned === undefined) {
      // A file we did not write: adopt it only if it already holds exactly our content.
      if (!onDisk.equals(Buffer.from(content))) conflicts.push(file);
      continue;
    }
    if (owned !== hashContent(onDisk)) editedByHand.push(file);
    if (!onDisk.equals(Buffer.from(content))) changed.push(file);
  }

  // Only a regular file at an owned path is pruned: a folder or link put there since is not ours.
  const extra = [...previous.keys()].filter((f) => inScope(f) && !files.has(f) && onDiskKind(f) === 'file').sort();
  const next = new Map([...previous].filter(([f]) => !inScope(f)));
  for (const [file, content] of files) next.set(file, hashContent(content));
  const manifestPath = path.join(outDir, MANIFEST_FILE);
  const manifestChanged = !existsSync(manifestPath) || read(() => readFileSync(manifestPath, 'utf8'), outDir, MANIFEST_FILE) !== serializeManifest(next);

  return { changed, missing, extra, conflicts, editedByHand, manifestChanged, nextManifest: next, previousManifest: previous };
}

function read<T>(fn: () => T, outDir: string, file: string): T {
  try {
    return fn();
  } catch (e) {
    throw fsFailure(e, `Cannot read ${path.join(outDir, file)}`);
  }
}

export const isClean = (p: Plan) => p.changed.length + p.missing.length + p.extra.length + p.conflicts.length === 0 && !p.manifestChanged;

export class UnsafePathError extends Error {}

/** Renderers return relative POSIX paths inside out/; Flux's own flux-system/ folder is never ours. */
export function assertSafePath(file: string): void {
  const parts = file.split('/');
  if (path.posix.isAbsolute(file) || file.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new UnsafePathError(`Renderer produced an unsafe path: ${JSON.stringify(file)}.`);
  }
  if (parts.includes('flux-system')) throw new UnsafePathError(`Renderer tried to write into a flux-system/ folder (${file}); Flux bootstrap owns it.`);
  if (file === MANIFEST_FILE) throw new UnsafePathError(`Renderer tried to write the manifest ${MANIFEST_FILE}.`);
}
