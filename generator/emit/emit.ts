// Writes a plan to disk: every new file is first written in a staging folder inside out/, then
// moved into place with rename (atomic per file on one file system). The manifest is written
// before the swap listing old and new files, so a crash at any point leaves every file Slipway
// wrote listed as owned, and written again after pruning.
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OnProgress } from '../format/progress.ts';
import { MANIFEST_FILE, serializeManifest, type Manifest } from './manifest.ts';
import type { Plan } from './plan.ts';

const STAGING_PREFIX = '.slipway-staging-';

export interface EmitReport {
  readonly written: readonly string[];
  readonly pruned: readonly string[];
  readonly unchanged: number;
}

export class EmitConflictError extends Error {
  constructor(readonly files: readonly string[]) {
    super(`Refusing to overwrite ${files.length} file(s) in out/ that Slipway did not generate: ${files.join(', ')}.`);
  }
}

export function emit(outDir: string, files: ReadonlyMap<string, string>, plan: Plan, onProgress?: OnProgress): EmitReport {
  if (plan.conflicts.length > 0) throw new EmitConflictError(plan.conflicts);
  const toWrite = [...plan.missing, ...plan.changed].sort();
  mkdirSync(outDir, { recursive: true });
  removeStaleStaging(outDir);

  const staging = mkdtempSync(path.join(outDir, STAGING_PREFIX));
  try {
    for (const [index, file] of toWrite.entries()) {
      onProgress?.(index + 1, toWrite.length);
      const staged = path.join(staging, file);
      mkdirSync(path.dirname(staged), { recursive: true });
      writeFileSync(staged, files.get(file)!);
    }
    writeManifest(outDir, staging, new Map([...plan.previousManifest, ...plan.nextManifest]));
    for (const file of toWrite) {
      const target = path.join(outDir, file);
      mkdirSync(path.dirname(target), { recursive: true });
      renameSync(path.join(staging, file), target);
    }
    for (const file of plan.extra) {
      rmSync(path.join(outDir, file), { force: true });
      removeEmptyParents(outDir, path.dirname(file));
    }
    if (plan.manifestChanged || toWrite.length > 0 || plan.extra.length > 0) writeManifest(outDir, staging, plan.nextManifest);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { written: toWrite, pruned: plan.extra, unchanged: files.size - toWrite.length };
}

function writeManifest(outDir: string, staging: string, manifest: Manifest): void {
  const tmp = path.join(staging, MANIFEST_FILE);
  writeFileSync(tmp, serializeManifest(manifest));
  renameSync(tmp, path.join(outDir, MANIFEST_FILE));
}

/** Staging folders are Slipway's by name; one left behind by a crashed run is removed. */
function removeStaleStaging(outDir: string): void {
  for (const entry of readdirSync(outDir)) {
    if (entry.startsWith(STAGING_PREFIX)) rmSync(path.join(outDir, entry), { recursive: true, force: true });
  }
}

/** Removes folders emptied by pruning, up to out/ itself; a folder with anything left in it stays. */
function removeEmptyParents(outDir: string, relDir: string): void {
  let dir = relDir;
  while (dir !== '.' && dir !== '') {
    const abs = path.join(outDir, dir);
    try {
      if (readdirSync(abs).length > 0) return;
      rmdirSync(abs);
    } catch {
      return;
    }
    dir = path.dirname(dir);
  }
}
