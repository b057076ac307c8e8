// A worker thread of WorkerPool (pool.ts): runs the jobs it is sent, one at a time, and sends each
// result back (a render's bytes as one transferred buffer). A job's module is loaded on its first
// job, so `validate`'s workers never load the renderers. Failures go back as a message (name and
// text), so the command reports them as it would have in one thread.
import { parentPort } from 'node:worker_threads';
import type { LoadJob } from '../load/load-environments.ts';
import type { RenderJob } from '../render/fleet.ts';
import type { JobKind } from './pool.ts';

// One job at a time, in the order sent: the pool sends a few ahead, and a render awaits (validation),
// so handling each message as it comes would interleave them, and they would all finish together.
let queue = Promise.resolve();
parentPort!.on('message', (message: { kind: JobKind; job: unknown }) => {
  queue = queue.then(() => runJob(message));
});

async function runJob({ kind, job }: { kind: JobKind; job: unknown }): Promise<void> {
  try {
    if (kind === 'load') {
      const { loadSlice } = await import('../load/load-environments.ts');
      parentPort!.postMessage({ result: loadSlice(job as LoadJob) });
    } else {
      const { renderSlice } = await import('../render/fleet.ts');
      const { slice, validation } = job as RenderJob;
      const result = await renderSlice(slice, validation);
      parentPort!.postMessage({ result }, [result.bytes]);
    }
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    parentPort!.postMessage({ error: { name: error.constructor.name, message: error.message } });
  }
}
