// Compares what the renderers produced with what is on disk, without changing anything.
// Both `generate` (to know what to write) and `generate --check` (to report drift) use it.
//
// I/O in batches: each folder of out/ that holds or would hold a rendered file is listed once
// (readdir with file types, instead of an lstat per file and per folder), each existing rendered
// file is read once into one reused buffer, and the manifest is read once. A rendered file's hash
// is computed once and serves both the next manifest and, when the bytes on disk are the same, the
// edited-by-hand check.
import { closeSync, constants, lstatSync, openSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { errnoCode, fsFailure } from './fs-errors.ts';
import { FileReader } from './file-reader.ts';
import { kindOf, treeIdentity, type Kind } from './out-paths.ts';
import { hashContent, hashOf, manifestMatches, MANIFEST_FILE, parseManifest, type Manifest } from './manifest.ts';

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

/** A rendered file held as its manifest hash alone: its bytes are on disk already. */
abstract class HashOnly {
  constructor(readonly hash: string) {}
}

/**
 * A rendered file that renderFleet's compareWith found on disk exactly as rendered: its bytes are
 * dropped once compared (most of a fleet's files, most of the time), so they cost neither memory
 * nor a copy between threads. Its manifest hash stands in for them.
 */
export class SameAsDisk extends HashOnly {}

/**
 * A rendered file the thread that rendered it wrote straight into the staging tree (renderFleet's
 * stageIn: a generate that found no out/): only emit() with that same tree may count it written.
 */
export class InStaging extends HashOnly {}

/** What planning and writing get for each rendered file: its text or bytes, or the hash of bytes already on disk. */
export type RenderedContent = string | Buffer | SameAsDisk | InStaging;

/** The manifest hash of a rendered file's content. */
export const contentHash = (content: RenderedContent): string =>
  content instanceof HashOnly ? content.hash : hashOf(typeof content === 'string' ? Buffer.from(content) : content);

/**
 * `inScope` limits the plan to part of out/ (generate --env); files outside it are left alone.
 * `comparedWith`: the treeIdentity of outDir when the render compared its files with it. While
 * outDir is still that tree, a SameAsDisk file is neither listed nor read again here; once it is
 * another tree, the file on disk is read and held to the hash.
 * A file that cannot be read (permissions, I/O) is an EnvironmentError naming it.
 */
export function planEmit(outDir: string, files: ReadonlyMap<string, RenderedContent>, inScope: (file: string) => boolean = () => true, comparedWith?: string): Plan {
  for (const file of files.keys()) assertSafePath(file);
  const trusted = comparedWith !== undefined && treeIdentity(outDir) === comparedWith;
  const manifestText = readText(outDir, MANIFEST_FILE);
  const previous = parseManifest(outDir, manifestText);
  if (manifestText === undefined && isMissing(outDir)) return allMissing(files);
  const changed: string[] = [];
  const missing: string[] = [];
  const conflicts: string[] = [];
  const editedByHand: string[] = [];
  const disk = new DiskView(outDir);
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
        const k = disk.kind(dir);
        ok = k === 'dir' || k === 'missing' || (k === 'file' && previous.has(dir) && inScope(dir) && !files.has(dir));
      }
      folderOk.set(dir, ok);
    }
    return ok;
  };

  const next = new Map([...previous].filter(([f]) => !inScope(f)));
  for (const [file, content] of files) {
    // generate hands over UTF-8 bytes (kept outside the JavaScript heap) or a hash; tests may hand strings.
    const bytes = content instanceof HashOnly ? undefined : typeof content === 'string' ? Buffer.from(content) : content;
    const hash = contentHash(bytes ?? content);
    next.set(file, hash);
    const same = trusted && content instanceof SameAsDisk;
    // A file found as rendered was reached through real folders: its folders need no listing.
    if (!same && !ancestorsOk(file)) {
      conflicts.push(file);
      continue;
    }
    const k = same ? 'file' : disk.kind(file);
    if (k === 'missing') {
      missing.push(file);
      continue;
    }
    if (k !== 'file') {
      conflicts.push(file);
      continue;
    }
    const onDisk = same ? undefined : disk.read(file);
    const equal = same || (bytes ? onDisk!.equals(bytes) : hashContent(onDisk!) === hash);
    const owned = previous.get(file);
    if (owned === undefined) {
      // A file we did not write: adopt it only if it already holds exactly our content.
      if (!equal) conflicts.push(file);
      continue;
    }
    if (owned !== (equal ? hash : hashContent(onDisk!))) editedByHand.push(file);
    if (!equal) changed.push(file);
  }

  // Only a regular file at an owned path is pruned: a folder or link put there since is not ours.
  const extra = [...previous.keys()].filter((f) => inScope(f) && !files.has(f) && disk.kind(f) === 'file').sort();
  const manifestChanged = !manifestMatches(manifestText, previous, next);

  return { changed, missing, extra, conflicts, editedByHand, manifestChanged, nextManifest: next, previousManifest: previous };
}

/** Only a plain "no such file": anything else (a file above it, no permission) goes the way that reports it. */
function isMissing(outDir: string): boolean {
  try {
    return lstatSync(outDir, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

/** With no out/ (a fresh checkout, or a first generate) every file is missing and nothing else is found: the plan without a look per file. */
function allMissing(files: ReadonlyMap<string, RenderedContent>): Plan {
  const next = new Map<string, string>();
  for (const [file, content] of files) next.set(file, contentHash(content));
  return { changed: [], missing: [...files.keys()], extra: [], conflicts: [], editedByHand: [], manifestChanged: true, nextManifest: next, previousManifest: new Map() };
}

/** The manifest's text, or undefined where there is none (no out/, or no manifest in it). */
function readText(outDir: string, file: string): string | undefined {
  try {
    return readFileSync(path.join(outDir, file), 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return undefined;
    throw fsFailure(e, `Cannot read ${path.join(outDir, file)}`);
  }
}

/**
 * What is in out/, one readdir per folder. A folder that cannot be listed (no read permission but
 * search permission) falls back to an lstat per path, as before; any other failure names the path.
 */
class DiskView {
  private readonly listings = new Map<string, Map<string, Kind> | undefined>();
  private readonly reader = new FileReader();

  constructor(private readonly outDir: string) {}

  kind(file: string): Kind {
    const dir = path.posix.dirname(file);
    const listing = this.listing(dir === '.' ? '' : dir);
    if (listing === undefined) return this.lstatKind(file);
    return listing.get(path.posix.basename(file)) ?? 'missing';
  }

  /** The bytes of a file, valid until the next read. */
  read(file: string): Buffer {
    const full = path.join(this.outDir, file);
    let fd: number;
    try {
      fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      throw fsFailure(e, `Cannot read ${full}`);
    }
    try {
      return this.reader.readAll(fd);
    } catch (e) {
      throw fsFailure(e, `Cannot read ${full}`);
    } finally {
      closeSync(fd);
    }
  }

  /** The kinds of a folder's entries; empty when the folder (or a folder above it) is not there. */
  private listing(dir: string): Map<string, Kind> | undefined {
    if (this.listings.has(dir)) return this.listings.get(dir);
    let listing: Map<string, Kind> | undefined;
    // A folder is listed only when it is a folder: under a missing folder, a file or a link, nothing is.
    const self = dir === '' ? 'dir' : this.kind(dir);
    if (self !== 'dir') listing = new Map();
    else {
      const full = dir === '' ? this.outDir : path.join(this.outDir, dir);
      let entries: Dirent[] | undefined;
      try {
        entries = readdirSync(full, { withFileTypes: true });
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'ENOENT' || code === 'ENOTDIR') listing = new Map();
        else if (code !== 'EACCES') throw fsFailure(e, `Cannot read ${full}`);
      }
      if (entries) listing = new Map(entries.map((entry) => [entry.name, direntKind(entry)]));
    }
    this.listings.set(dir, listing);
    return listing;
  }

  private lstatKind(file: string): Kind {
    const full = path.join(this.outDir, file);
    try {
      return kindOf(lstatSync(full, { throwIfNoEntry: false }));
    } catch (e) {
      throw fsFailure(e, `Cannot read ${full}`);
    }
  }
}

function direntKind(entry: Dirent): Kind {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'dir';
  return entry.isFile() ? 'file' : 'other';
}

export const isClean = (p: Plan) => p.changed.length + p.missing.length + p.extra.length + p.conflicts.length === 0 && !p.manifestChanged;

export class UnsafePathError extends Error {}

/** A backslash, or an empty, `.` or `..` segment (an absolute path starts with an empty one). */
const UNSAFE = /\\|(?:^|\/)\.{0,2}(?:\/|$)/;
const FLUX_SYSTEM = /(?:^|\/)flux-system(?:\/|$)/;

/** Renderers return relative POSIX paths inside out/; Flux's own flux-system/ folder is never ours (checked for every file: one pass each). */
export function assertSafePath(file: string): void {
  if (UNSAFE.test(file)) throw new UnsafePathError(`Renderer produced an unsafe path: ${JSON.stringify(file)}.`);
  if (FLUX_SYSTEM.test(file)) throw new UnsafePathError(`Renderer tried to write into a flux-system/ folder (${file}); Flux bootstrap owns it.`);
  if (file === MANIFEST_FILE) throw new UnsafePathError(`Renderer tried to write the manifest ${MANIFEST_FILE}.`);
}
