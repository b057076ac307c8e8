// Compares what the renderers produced with what is on disk, without changing anything.
// Both `generate` (to know what to write) and `generate --check` (to report drift) use it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
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

/** `inScope` limits the plan to part of out/ (generate --env); files outside it are left alone. */
export function planEmit(outDir: string, files: ReadonlyMap<string, string>, inScope: (file: string) => boolean = () => true): Plan {
  for (const file of files.keys()) assertSafePath(file);
  const previous = readManifest(outDir);
  const changed: string[] = [];
  const missing: string[] = [];
  const conflicts: string[] = [];
  const editedByHand: string[] = [];

  for (const [file, content] of files) {
    const target = path.join(outDir, file);
    if (!existsSync(target)) {
      missing.push(file);
      continue;
    }
    if (!statSync(target).isFile()) {
      conflicts.push(file);
      continue;
    }
    const onDisk = readFileSync(target);
    const owned = previous.get(file);
    if (owned === undefined) {
      // A file we did not write: adopt it only if it already holds exactly our content.
      if (!onDisk.equals(Buffer.from(content))) conflicts.push(file);
      continue;
    }
    if (owned !== hashContent(onDisk)) editedByHand.push(file);
    if (!onDisk.equals(Buffer.from(content))) changed.push(file);
  }

  const extra = [...previous.keys()].filter((f) => inScope(f) && !files.has(f) && existsSync(path.join(outDir, f))).sort();
  const next = new Map([...previous].filter(([f]) => !inScope(f)));
  for (const [file, content] of files) next.set(file, hashContent(content));
  const manifestPath = path.join(outDir, MANIFEST_FILE);
  const manifestChanged = !existsSync(manifestPath) || readFileSync(manifestPath, 'utf8') !== serializeManifest(next);

  return { changed, missing, extra, conflicts, editedByHand, manifestChanged, nextManifest: next, previousManifest: previous };
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
