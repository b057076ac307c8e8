// A whole fleet's output as UTF-8 bytes, with its Kubernetes objects validated: what generate writes.
//
// renderAll over 500 environments holds about 70,000 rendered strings and every Flux object at
// once, and the garbage collector walks all of it again and again. Here environments are rendered
// a slice at a time and each slice's files become bytes, which live outside the JavaScript heap;
// the slice's strings and objects are garbage as soon as it is done. A fleet of several slices is
// rendered by worker threads, one per core (workers/pool.ts), the models sent to them as plain data
// (DESIGN.md: the model is plain, frozen data). The bytes are renderAll's whatever the route: the
// same renderers and files, in path order; test/render/fleet.test.ts holds the routes to the same
// bytes and issues.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { FileReader, RealFolders } from '../emit/file-reader.ts';
import { StagingTree } from '../emit/emit.ts';
import { contentHash, InStaging, SameAsDisk } from '../emit/plan.ts';
import { hashContent, rememberHash } from '../emit/manifest.ts';
import { outPaths, treeIdentity } from '../emit/out-paths.ts';
import type { Issue } from '../issues.ts';
import type { Environment } from '../model/environment.ts';
import { validateManifests } from '../validate/manifests.ts';
import { defaultCacheDir } from '../validate/schema-downloads.ts';
import { SchemaLocator } from '../validate/schema-locations.ts';
import { slicesFor, type WorkerPool } from '../workers/pool.ts';
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
  /**
   * out/, when there is none and this process has made its staging tree (and holds the lock): each
   * environment's own files are written into that tree by the thread that rendered them, and come
   * back as InStaging (their hash); the files environments share come back as bytes (onBytes).
   */
  readonly stageIn?: string;
  /** One renderFleet call: the threads that render its slices share a schema locator per run (locatorFor). */
  readonly run?: string;
}

export interface FleetRender {
  /** Every file, path relative to out/ -> UTF-8 bytes (SameAsDisk where compareWith found it so, InStaging where stageIn wrote it), in path order. */
  readonly files: Map<string, Buffer | SameAsDisk | InStaging>;
  /** What validating the Kubernetes objects found, unsorted. */
  readonly issues: Issue[];
  /** With compareWith: out/'s treeIdentity before the comparing began (planning trusts SameAsDisk only for that tree). */
  readonly comparedWith?: string;
}

/** A worker's render job. */
export interface RenderJob {
  readonly slice: readonly Environment[];
  readonly validation: FleetValidation;
}

/** Where a file's bytes are once its slice is done: sent back, found on disk as rendered, or written into the staging tree. */
export type Held = 'sent' | 'same' | 'staged';

/** One slice's result as it crosses from a worker: the bytes of the files it sends, in one transferred buffer. */
export interface SliceResult {
  readonly names: string[];
  /** The manifest hash of each file (hashing is a fifth of planning's work: done here, in parallel). */
  readonly hashes: string[];
  /** Where each file's bytes are (compareWith: 'same' where on disk as rendered, under real folders only; stageIn: 'staged'). */
  readonly held: Held[];
  /** Byte length of each file sent, in the order of names. */
  readonly lengths: number[];
  /** The bytes of the files sent, one after another. */
  readonly bytes: ArrayBuffer;
  readonly issues: Issue[];
}

/**
 * Renders and validates one slice, packed for the trip back (the worker's whole job). One
 * environment at a time: its strings and objects are garbage once its bytes are packed or written,
 * so the collector never copies a whole slice's worth of live strings from young space to old.
 */
export async function renderSlice(slice: readonly Environment[], validation: FleetValidation): Promise<SliceResult> {
  const result: Omit<SliceResult, 'bytes'> = { names: [], hashes: [], held: [], lengths: [], issues: [] };
  /** The bytes to send back. */
  const kept: Buffer[] = [];
  /** Files outside an environment's folder (out/base, the module copies), by path: every environment must render them alike. */
  const shared = new Map<string, string>();
  const reader = new FileReader();
  const folders = validation.compareWith === undefined ? undefined : new RealFolders(validation.compareWith);
  // An environment's own folder is its alone: written here, by whichever thread rendered it.
  const staging = validation.stageIn === undefined ? undefined : new StagingTree(outPaths(validation.stageIn), false);
  const { ignoreMissingSchemas, filePrefix } = validation;
  const locator = locatorFor(validation);
  try {
    for (const env of slice) {
      result.issues.push(...(await validateManifests(fluxObjects(env), { ignoreMissingSchemas, filePrefix, env: validation.env, locator })));
      const own = `${env.name}/`;
      const files: Array<[string, string, number]> = [];
      let total = 0;
      for (const [name, content] of renderAll([env])) {
        if (!name.startsWith(own)) {
          const earlier = shared.get(name);
          if (earlier !== undefined) {
            if (earlier !== content) throw new RenderConflictError(`${name} differs between environments: a shared file may only hold what every environment shares.`);
            continue;
          }
          shared.set(name, content);
        } else if (staging) {
          staging.write(name, content);
          result.names.push(name);
          result.hashes.push(hashContent(content));
          result.held.push('staged');
          continue;
        }
        const length = Buffer.byteLength(content);
        files.push([name, content, length]);
        total += length;
      }
      const packed = Buffer.allocUnsafeSlow(total);
      let offset = 0;
      for (const [name, content, length] of files) {
        packed.write(content, offset, length, 'utf8');
        const bytes = packed.subarray(offset, offset + length);
        result.names.push(name);
        result.hashes.push(hashContent(bytes));
        const same = folders !== undefined && folders.has(path.posix.dirname(name)) && reader.holds(path.join(validation.compareWith!, name), bytes);
        result.held.push(same ? 'same' : 'sent');
        if (!same) {
          kept.push(bytes);
          result.lengths.push(length);
        }
        offset += length;
      }
    }
  } finally {
    await locator.close();
  }
  // One buffer of its own (not the shared pool small buffers come from): it can be transferred.
  const bytes = new ArrayBuffer(kept.reduce((sum, b) => sum + b.length, 0));
  let offset = 0;
  for (const b of kept) {
    new Uint8Array(bytes, offset, b.length).set(b);
    offset += b.length;
  }
  return { ...result, bytes };
}

/**
 * The schema locator for a slice. Every environment of a run is held to the same schemas, so a
 * thread keeps one locator per run and each schema is read and compiled once, not once per
 * environment (with a folder of schemas that was most of a generate: 6.5 s against 0.8 s for 50
 * environments). A new run gets a new one, as the schemas may have changed in between; a slice
 * without a run gets its own. Its connections are closed after each slice.
 */
function locatorFor(validation: FleetValidation): SchemaLocator {
  const make = () => new SchemaLocator(validation.locations, { cacheDir: defaultCacheDir(validation.env), env: validation.env });
  if (validation.run === undefined) return make();
  if (runLocator?.run !== validation.run) runLocator = { run: validation.run, locator: make() };
  return runLocator.locator;
}
let runLocator: { run: string; locator: SchemaLocator } | undefined;

export async function renderFleet(
  environments: readonly Environment[],
  validation: FleetValidation,
  options: {
    readonly pool?: WorkerPool;
    readonly slice?: number;
    readonly onProgress?: (done: number, total: number) => void;
    /** Each file's bytes as its slice comes back (once per path), while later slices still render. */
    readonly onBytes?: (file: string, bytes: Buffer) => void;
  },
): Promise<FleetRender> {
  const slices: Array<readonly Environment[]> = [];
  if (options.slice === undefined) slices.push(...slicesFor(environments, (options.pool?.size ?? 0) + 1));
  else for (let start = 0; start < environments.length; start += options.slice) slices.push(environments.slice(start, start + options.slice));
  const files = new Map<string, Buffer | SameAsDisk | InStaging>();
  const issues: Issue[] = [];
  const identity = validation.compareWith === undefined ? undefined : treeIdentity(validation.compareWith);
  let done = 0;
  const take = (result: SliceResult, size: number) => {
    let offset = 0;
    let sent = 0;
    for (const [i, name] of result.names.entries()) {
      const hash = result.hashes[i]!;
      const held = result.held[i]!;
      if (held === 'staged') {
        files.set(name, new InStaging(hash));
        continue;
      }
      const earlier = files.get(name);
      // Files every environment shares (out/base, the module copies) come once per slice: they must agree.
      if (earlier !== undefined && contentHash(earlier) !== hash) throw new RenderConflictError(`${name} differs between environments: a shared file may only hold what every environment shares.`);
      if (held === 'same') {
        if (earlier === undefined) files.set(name, new SameAsDisk(hash));
        continue;
      }
      const length = result.lengths[sent++]!;
      const data = Buffer.from(result.bytes, offset, length);
      offset += length;
      rememberHash(data, hash);
      files.set(name, data);
      if (earlier === undefined) options.onBytes?.(name, data);
    }
    issues.push(...result.issues);
    options.onProgress?.((done += size), environments.length);
  };

  const run = { ...validation, run: randomUUID() };
  const sent = { ...run, env: { ...validation.env } }; // process.env itself cannot be cloned to a worker
  const rest = options.pool
    ? await options.pool.run<SliceResult>(
        'render',
        slices.map((slice) => ({ slice, validation: sent })),
        (r, i) => take(r, slices[i]!.length),
        (job) => renderSlice((job as RenderJob).slice, run),
      )
    : slices.keys();
  for (const i of rest) take(await renderSlice(slices[i]!, run), slices[i]!.length);
  const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, issues, ...(identity !== undefined && { comparedWith: identity }) };
}
