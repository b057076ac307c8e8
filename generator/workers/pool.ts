// Worker threads for a fleet: the same few workers load the environment files, then render them,
// a slice at a time (worker.ts runs the jobs). Each command starts them before its own work so that
// loading their modules overlaps it; a command that has no fleet starts none.
//
// The jobs cross as plain data (the model is plain, frozen data: DESIGN.md). A job that would take
// a worker past its heap bound comes back undone, with the jobs nobody had taken yet, for the
// calling thread to run itself.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EnvironmentError } from '../commands/command.ts';

/** Files or environments per job: big enough to share per-call work, small enough to bound memory. */
export const SLICE = 25;

/**
 * Jobs sent to each worker at a time (the one it runs and two queued, run in order), so that it
 * never waits for the calling thread, busy with a job of its own, to hand it the next; no more, as
 * a worker's last jobs are the run's tail.
 */
const AHEAD = 3;

/**
 * Items cut into jobs of SLICE, smaller toward the end (down to one item) so that the threads
 * finish together. A worker holds AHEAD jobs, so the last jobs it was sent are what the others may
 * wait for: each job is at most a share of what is left for AHEAD + 1 jobs a thread (with a
 * quarter a thread, one worker held about half of the last environments and the calling thread
 * waited 130 ms for it at 500).
 */
export function slicesFor<T>(items: readonly T[], threads: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < items.length; ) {
    const size = Math.max(1, Math.min(SLICE, Math.ceil((items.length - start) / ((AHEAD + 1) * threads))));
    slices.push(items.slice(start, start + size));
    start += size;
  }
  return slices;
}

/**
 * A worker's heap is bounded so that peak memory stays flat with the fleet (each worker would
 * otherwise grow its heap far beyond what one slice needs before collecting).
 */
const WORKER_HEAP_MB = 128;

/**
 * Workers to use for a fleet of `items` files or environments: SLIPWAY_RENDER_WORKERS when set (0:
 * none), else one per core beside the calling thread's (at most 7) once there are two slices;
 * starting a worker costs about as much as rendering a slice.
 */
export function workerCount(items: number, env: NodeJS.ProcessEnv): number {
  const slices = Math.ceil(items / SLICE);
  const asked = env.SLIPWAY_RENDER_WORKERS;
  if (asked !== undefined && /^\d+$/.test(asked)) return Math.min(Number(asked), slices);
  return slices >= 2 ? Math.max(1, Math.min(availableParallelism() - 1, slices - 1, 7)) : 0;
}

export type JobKind = 'load' | 'render';

interface Reply {
  readonly result?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private failure: Error | undefined;

  constructor(count: number) {
    // The worker runs the same kind of module as this one: bundled .js beside it in dist/generator/, or .ts under tsx.
    const fromSource = import.meta.url.endsWith('.ts');
    const script = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
    // From source (tests, npm run slipway) the worker registers tsx (a devDependency) first to load TypeScript, as this thread did.
    const entry = fromSource ? `import(${JSON.stringify('tsx/esm/api')}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });` : script;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(entry, { eval: fromSource, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
      // They hold nothing the process waits for; close() ends them.
      worker.unref();
      // A worker that fails between jobs (its modules did not load) must not crash the process: run() reports it.
      worker.on('error', (e: Error & { code?: string }) => {
        if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY') this.failure ??= e;
      });
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs the jobs; the workers and, with `local`, the calling thread each take the next job when
   * they are done with one. `take` gets each result with its job's index, in completion order.
   * Returns the indexes of the jobs left undone because a worker ran out of heap (that worker is
   * gone): the caller runs those itself. The first failure ends the pool and is thrown.
   */
  async run<R>(kind: JobKind, jobs: readonly unknown[], take: (result: R, index: number) => void, local?: (job: unknown) => R | Promise<R>): Promise<number[]> {
    if (this.failure) throw this.failure;
    const undone: number[] = [];
    const detachers: Array<() => void> = [];
    let next = 0;
    const claim = () => (next < jobs.length ? next++ : -1);
    let localRun: Promise<void> = Promise.resolve();
    try {
      await new Promise<void>((resolve, reject) => {
        let open = 0;
        const finish = () => {
          if (--open === 0) resolve();
        };
        let failed = false;
        const fail = (e: unknown) => {
          // Nothing more is taken (a slice may be writing into a staging tree the caller is about to remove).
          failed = true;
          next = jobs.length;
          for (const detach of detachers) detach();
          reject(e);
        };
        for (const worker of [...this.workers]) {
          const inFlight: number[] = [];
          const feed = () => {
            for (let i; inFlight.length < AHEAD && (i = claim()) >= 0; inFlight.push(i)) worker.postMessage({ kind, job: jobs[i] });
            if (inFlight.length === 0) {
              detach();
              finish();
            }
          };
          const onMessage = (reply: Reply) => {
            if (reply.error) return fail(reply.error.name === 'EnvironmentError' ? new EnvironmentError(reply.error.message) : new Error(reply.error.message));
            try {
              take(reply.result as R, inFlight.shift()!);
            } catch (e) {
              return fail(e);
            }
            feed();
          };
          const onError = (e: Error & { code?: string }) => {
            if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY') return fail(e);
            undone.push(...inFlight.splice(0));
            this.workers.splice(this.workers.indexOf(worker), 1);
            detach();
            finish();
          };
          const onExit = (code: number) => fail(new Error(`A worker stopped (exit code ${code}) before its work was done.`));
          const detach = () => {
            worker.off('message', onMessage).off('error', onError).off('exit', onExit);
          };
          worker.on('message', onMessage).on('error', onError).on('exit', onExit);
          detachers.push(detach);
          open++;
          feed();
        }
        if (local) {
          open++;
          localRun = (async () => {
            for (let i; (i = claim()) >= 0; ) {
              // Between its own jobs the calling thread hands the workers theirs.
              await new Promise((r) => setImmediate(r));
              const result = await local(jobs[i]);
              if (failed) break;
              take(result, i);
            }
            finish();
          })().catch(fail);
        }
        if (open === 0) resolve();
      });
    } catch (e) {
      // The calling thread's own job ends too: nothing is rendered or written once the caller hears of the failure.
      await Promise.all([this.close(), localRun]);
      throw e;
    }
    // What a worker that ran out of heap would have taken next is the caller's too.
    for (let i; (i = claim()) >= 0; ) undone.push(i);
    return undone;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}
