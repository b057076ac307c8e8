// A whole fleet's output as UTF-8 bytes, with its Kubernetes objects validated: what generate writes.
//
// renderAll over 500 environments holds about 70,000 rendered strings (most of them two bytes a
// character: the generated header has an em dash) and every Flux object at once, and the garbage
// collector walks all of it again and again. Here environments are rendered a slice at a time and
// each slice's files become bytes, which live outside the JavaScript heap; the slice's strings and
// objects are garbage as soon as it is done. A fleet of several slices is rendered by worker
// threads, one per core (render-worker.ts), the models sent to them as plain data (DESIGN.md: the
// model is plain, frozen data). The bytes are renderAll's whatever the route: the same renderers and
// files, in path order; test/render/fleet.test.ts holds the routes to the same bytes and issues.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EnvironmentError } from '../commands/command.ts';
import { hashContent, rememberHash } from '../emit/manifest.ts';
import type { Issue } from '../issues.ts';
import type { Environment } from '../model/environment.ts';
import { validateManifests } from '../validate/manifests.ts';
import { fluxObjects } from './flux/layout.ts';
import { RenderConflictError, renderAll } from './registry.ts';

/** Environments per slice: big enough that per-call work (schema locator, module copies) is shared, small enough to bound memory. */
export const SLICE = 25;

/** What validation of the rendered objects needs (generate's options; plain data, sent to workers). */
export interface FleetValidation {
  readonly locations: readonly string[];
  readonly ignoreMissingSchemas: boolean;
  readonly filePrefix: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface FleetRender {
  /** Every file, path relative to out/ -> UTF-8 bytes, in path order. */
  readonly files: Map<string, Buffer>;
  /** What validating the Kubernetes objects found, unsorted. */
  readonly issues: Issue[];
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
  for (const [i, content] of [...files.values()].entries()) {
    packed.write(content, offset, lengths[i]!, 'utf8');
    hashes.push(hashContent(packed.subarray(offset, offset + lengths[i]!)));
    offset += lengths[i]!;
  }
  return { names, lengths, hashes, bytes: packed.buffer.slice(packed.byteOffset, packed.byteOffset + total) as ArrayBuffer, issues };
}

/**
 * Workers to use: SLIPWAY_RENDER_WORKERS when set (0: none), else one per core for a fleet of
 * several slices; starting a worker costs about as much as rendering a slice.
 */
export function workerCount(environments: number, env: NodeJS.ProcessEnv): number {
  const slices = Math.ceil(environments / SLICE);
  const asked = env.SLIPWAY_RENDER_WORKERS;
  if (asked !== undefined && /^\d+$/.test(asked)) return Math.min(Number(asked), slices);
  return slices >= 2 ? Math.min(availableParallelism(), slices, 8) : 0;
}

export async function renderFleet(
  environments: readonly Environment[],
  validation: FleetValidation,
  options: { readonly pool?: RenderPool; readonly slice?: number; readonly onProgress?: (done: number, total: number) => void },
): Promise<FleetRender> {
  const slices: Array<readonly Environment[]> = [];
  const size = options.slice ?? SLICE;
  for (let start = 0; start < environments.length; start += size) slices.push(environments.slice(start, start + size));
  const files = new Map<string, Buffer>();
  const issues: Issue[] = [];
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
    }
    issues.push(...result.issues);
    options.onProgress?.((done += size), environments.length);
  };

  if (!options.pool || options.pool.size === 0) for (const slice of slices) take(await renderSlice(slice, validation), slice.length);
  else await inWorkers(slices, validation, options.pool, take);
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), issues };
}

/**
 * A worker's heap is bounded so that peak memory stays flat with the fleet (each worker would
 * otherwise grow its heap far beyond what one slice needs before collecting); a slice that does not
 * fit is rendered again in this thread.
 */
const WORKER_HEAP_MB = 128;

/**
 * Worker threads started before they have work: generate starts them before loading the
 * environments, so loading their modules (renderers, schema validators) overlaps the loading.
 * They hold nothing the process waits for (unref) and end when renderFleet is done with them.
 */
export class RenderPool {
  readonly workers: Worker[] = [];
  failure: Error | undefined;

  constructor(count: number) {
    // The worker runs the same kind of module as this one: bundled .js beside it in dist/, or .ts under tsx.
    const fromSource = import.meta.url.endsWith('.ts');
    const script = new URL(`./render-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);
    // From source (tests, npm run slipway) the worker registers tsx (a devDependency) first to load TypeScript, as this thread did.
    const entry = fromSource ? `import(${JSON.stringify('tsx/esm/api')}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });` : script;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(entry, { eval: fromSource, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
      worker.unref();
      // A worker that fails before it has work (its modules did not load) must not crash the process: renderFleet reports it.
      worker.once('error', (e) => (this.failure ??= e));
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}

/** Each worker takes the next slice when it is done with one; the first failure stops them all. */
async function inWorkers(slices: ReadonlyArray<readonly Environment[]>, validation: FleetValidation, pool: RenderPool, take: (r: SliceResult, size: number) => void): Promise<void> {
  const plain = { ...validation, env: { ...validation.env } }; // process.env itself cannot be cloned
  const tooBig: number[] = [];
  let next = 0;
  try {
    if (pool.failure) throw pool.failure;
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const stopped = () => {
        if (--running === 0) resolve();
      };
      const start = (worker: Worker) => {
        let current = -1;
        const feed = () => {
          if (next >= slices.length) return stopped();
          current = next++;
          worker.postMessage({ slice: slices[current], validation: plain });
        };
        worker.on('message', (message: { result?: SliceResult; error?: { name: string; message: string } }) => {
          if (message.error) return reject(message.error.name === 'EnvironmentError' ? new EnvironmentError(message.error.message) : new Error(message.error.message));
          try {
            take(message.result!, slices[current]!.length);
          } catch (e) {
            return reject(e);
          }
          feed();
        });
        worker.on('error', (e: Error & { code?: string }) => {
          if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY') return reject(e);
          tooBig.push(current);
          current = -2;
          stopped();
        });
        // Exits before the work is done are failures (after it, terminate() ends them: nothing to reject).
        worker.on('exit', (code) => {
          if (current !== -2) reject(new Error(`A render worker stopped (exit code ${code}) before its work was done.`));
        });
        running++;
        feed();
      };
      for (const worker of pool.workers) start(worker);
    });
  } finally {
    await pool.close();
  }
  // What did not fit in a worker, and what that worker would have taken next.
  for (const index of tooBig) take(await renderSlice(slices[index]!, validation), slices[index]!.length);
  if (tooBig.length > 0) for (; next < slices.length; next++) take(await renderSlice(slices[next]!, validation), slices[next]!.length);
}
