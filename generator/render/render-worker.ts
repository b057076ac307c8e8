// A worker thread of renderFleet (fleet.ts): renders and validates the slices it is sent, one at a
// time, and sends each back as one transferred buffer of bytes. Failures go back as a message
// (name and text), so the command reports them as it would have in one thread.
import { parentPort } from 'node:worker_threads';
import type { Environment } from '../model/environment.ts';
import { renderSlice, type FleetValidation } from './fleet.ts';

parentPort!.on('message', async ({ slice, validation }: { slice: Environment[]; validation: FleetValidation }) => {
  try {
    const result = await renderSlice(slice, validation);
    parentPort!.postMessage({ result }, [result.bytes]);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    parentPort!.postMessage({ error: { name: error.constructor.name, message: error.message } });
  }
});
