// A whole fleet's output as UTF-8 bytes, with its Kubernetes objects validated: what generate writes.
//
// renderAll over 500 environments holds about 70,000 rendered strings (most of them two bytes a
// character: the generated header has an em dash) and every Flux object at once, and the garbage
// collector walks all of it again and again. Here environments are rendered a slice at a time and
// each slice's files become bytes, which live outside the JavaScript heap; the slice's strings and
// objects are garbage as soon as it is done. A fleet of several slices is rendered by worker
// threads, one per core (workers/pool.ts), the models sent to them as plain data (DESIGN.md: the
// model is plain, frozen data). The bytes are renderAll's whatever the route: the same renderers and
// files, in path order; test/render/fleet.test.ts holds the routes to the same bytes and issues.
import path from 'node:path';
import { FileReader, RealFolders } from '../emit/file-reader.ts';
import type { SameOnDisk } from '../emit/plan.ts';
import { hashContent, rememberHash } from '../emit/manifest.ts';
import { treeIdentity } from '../emit/out-paths.ts';
import type { Issue } from '../issues.ts';
import type { Environment } from '../model/environment.ts';
import { validateManifests } from '../validate/manifests.ts';
import { SLICE, type WorkerPool } from '../workers/pool.ts';
import { fluxObjects } from './flux/layout.ts';
import { RenderConflictError, renderAll } from './registry.ts';

/** What validation of the rendered objects needs (generate's options; plain data, sent to workers). */
export interface FleetValidation {
  readonly locations: readonly string[];
  readonly ignoreMissingSchemas: boolean;
  readonly filePrefix: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** out/: each file is compared with what is there while the slice is in hand (in parallel, in workers). */
  readonly compareWith?: string;
}

export interface FleetRender {
  /** Every file, path relative to out/ -> UTF-8 bytes, in path order. */
  readonly files: Map<string, Buffer>;
  /** What validating the Kubernetes objects found, unsorted. */
  readonly issues: Issue[];
  /** With compareWith: the files already there as rendered, and out/'s identity before the comparing began. */
  readonly sameOnDisk?: SameOnDisk;
}

/** A worker's render job. */
export interface RenderJob {
  readonly slice: readonly Environment[];
  readonly validation: FleetValidation;
}

/** One slice's result as it crosses from a worker: every file's bytes in one transferred buffer. */
export interface SliceResult {
  readonly names: string[];
  /** Byte length of each file, in the order of names. */
  readonly lengths: number[];
  /** The manifest hash of each file (hashing is a fifth of planning's work: done here, in parallel). */
  readonly hashes: string[];
  readonly bytes: ArrayBuffer;
  readonly issues: Issue[];
  /** With compareWith: whether each file is already on disk as it is, under real folders only. */
  readonly same?: boolean[];
}

/** Renders and validates one slice, packed for the trip back (the worker's whole job). */
export async function renderSlice(slice: readonly Environment[], validation: FleetValidation): Promise<SliceResult> {
  const issues = await validateManifests(
    slice.flatMap((env) => fluxObjects(env)),
    { locations: validation.locations, ignoreMissingSchemas: validation.ignoreMissingSchemas, filePrefix: validation.filePrefix, env: validation.env },
  );
  const files = renderAll(slice);
  const names: string[] = [];
  const lengths: number[] = [];
  let total = 0;
  for (const [name, content] of files) {
    const length = Buffer.byteLength(content);
    names.push(name);
    lengths.push(length);
    total += length;
  }
  // One buffer of its own (not the shared pool small buffers come from): it can be transferred.
  const packed = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  const hashes: string[] = [];
  const same: boolean[] = [];
  const reader = new FileReader();
  const folders = validation.compareWith === undefined ? undefined : new RealFolders(validation.compareWith);
  for (const [i, content] of [...files.values()].entries()) {
    packed.write(content, offset, lengths[i]!, 'utf8');
    const bytes = packed.subarray(offset, offset + lengths[i]!);
    hashes.push(hashContent(bytes));
    if (folders) same.push(folders.has(path.posix.dirname(names[i]!)) && reader.holds(path.join(validation.compareWith!, names[i]!), bytes));
    offset += lengths[i]!;
  }
  return { names, lengths, hashes, bytes: packed.buffer.slice(packed.byteOffset, packed.byteOffset + total) as ArrayBuffer, issues, ...(validation.compareWith !== undefined && { same }) };
}

export async function renderFleet(
  environments: readonly Environment[],
  validation: FleetValidation,
  options: { readonly pool?: WorkerPool; readonly slice?: number; readonly onProgress?: (done: number, total: number) => void },
): Promise<FleetRender> {
  const slices: Array<readonly Environment[]> = [];
  const size = options.slice ?? SLICE;
  for (let start = 0; start < environments.length; start += size) slices.push(environments.slice(start, start + size));
  const files = new Map<string, Buffer>();
  const issues: Issue[] = [];
  const identity = validation.compareWith === undefined ? undefined : treeIdentity(validation.compareWith);
  const same = new Set<string>();
  let done = 0;
  const take = (result: SliceResult, size: number) => {
    let offset = 0;
    for (const [i, name] of result.names.entries()) {
      const data = Buffer.from(result.bytes, offset, result.lengths[i]!);
      offset += result.lengths[i]!;
      const earlier = files.get(name);
      // Files every environment shares (out/base, the module copies) come once per slice: they must agree.
      if (earlier !== undefined && !earlier.equals(data)) throw new RenderConflictError(`${name} differs between environments: a shared file may only hold what every environment shares.`);
      rememberHash(data, result.hashes[i]!);
      files.set(name, data);
      if (result.same?.[i]) same.add(name);
    }
    issues.push(...result.issues);
    options.onProgress?.((done += size), environments.length);
  };

  const sent = { ...validation, env: { ...validation.env } }; // process.env itself cannot be cloned to a worker
  const rest = options.pool
    ? await options.pool.run<SliceResult>('render', slices.map((slice) => ({ slice, validation: sent })), (r, i) => take(r, slices[i]!.length), (job) => renderSlice((job as RenderJob).slice, validation))
    : slices.keys();
  for (const i of rest) take(await renderSlice(slices[i]!, validation), slices[i]!.length);
  const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, issues, ...(identity !== undefined && { sameOnDisk: { identity, files: same } }) };
}
