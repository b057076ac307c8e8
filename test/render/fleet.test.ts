// generate renders the fleet a slice at a time, in worker threads for a fleet of several slices
// (generator/render/fleet.ts): whatever the route, the bytes must be renderAll's, file for file and
// in path order, and the validation issues the same.
import { describe, expect, it, vi } from 'vitest';
import { renderFleet, type SliceResult } from '../../generator/render/fleet.ts';
import { SLICE, WorkerPool, workerCount } from '../../generator/workers/pool.ts';
import { validateManifests } from '../../generator/validate/manifests.ts';
import { fluxObjects } from '../../generator/render/flux/layout.ts';
import { examples } from '../helpers/render.ts';
import { hashContent } from '../../generator/emit/manifest.ts';
import { contentHash, InStaging, type SameAsDisk } from '../../generator/emit/plan.ts';
import { StagingTree } from '../../generator/emit/emit.ts';
import { outPaths } from '../../generator/emit/out-paths.ts';
import { inWorkspace, snapshotTree } from '../helpers/workspace.ts';
import path from 'node:path';
import { SchemaLocator } from '../../generator/validate/schema-locations.ts';
import { writeSchemaFolder } from '../validate/kubeconform-layout.ts';

const { environments, files } = examples();
const validation = { locations: ['embedded'], ignoreMissingSchemas: false, filePrefix: 'out/', env: {} };
const asText = (m: ReadonlyMap<string, Buffer | SameAsDisk | InStaging>) => [...m].map(([f, b]) => [f, b instanceof Buffer ? b.toString('utf8') : b]);

describe('renderFleet', () => {
  // With a folder of schemas (or URLs), finding a kind's schema means reading and compiling it: done
  // once per run and thread, not once per environment (it was 6.5 s against 0.8 s at 50).
  it('compiles each schema of a folder location once per run, whatever the number of environments and slices', async () => {
    await inWorkspace(async (ws) => {
      const kinds = [...new Set(environments.flatMap((e) => fluxObjects(e)).map((m) => `${m.object.apiVersion}/${m.object.kind}`))];
      writeSchemaFolder(path.join(ws, 'schemas'), kinds);
      const compile = vi.spyOn(SchemaLocator.prototype as unknown as { compile: () => unknown }, 'compile');
      try {
        const withFolder = { ...validation, locations: [path.join(ws, 'schemas')] };
        const fleet = await renderFleet([...environments, ...environments.map((e) => ({ ...e, name: `${e.name}-copy` }))], withFolder, { slice: 1 });
        expect(fleet.issues).toEqual([]);
        expect(compile).toHaveBeenCalledTimes(kinds.length);
        // A new run reads the folder again: its schemas may have changed in between.
        await renderFleet(environments, withFolder, { slice: 1 });
        expect(compile).toHaveBeenCalledTimes(2 * kinds.length);
      } finally {
        compile.mockRestore();
      }
    });
  });

  it('gives renderAll bytes in one thread, one environment a slice (shared files agree across slices)', async () => {
    const fleet = await renderFleet(environments, validation, { slice: 1 });
    expect(asText(fleet.files)).toEqual([...files]);
    expect(fleet.issues).toEqual(await validateManifests(environments.flatMap((e) => fluxObjects(e)), validation));
  });

  it('gives the same bytes from worker threads, in path order whatever order the slices come back in', async () => {
    const pool = new WorkerPool(2);
    const fleet = await renderFleet(environments, validation, { pool, slice: 1 }).finally(() => pool.close());
    expect(asText(fleet.files)).toEqual([...files]);
    expect(fleet.issues).toEqual([]);
    // The manifest hashes the workers worked out are those of the bytes.
    for (const [file, bytes] of fleet.files) expect(contentHash(bytes), file).toBe(hashContent(Buffer.from(files.get(file)!)));
  }, 60_000);

  // A generate that found no out/: whichever thread renders an environment writes its own files into
  // the staging tree; the files environments share come back as bytes, once each (onBytes).
  it('writes each environment\'s own files into the staging tree from every thread (stageIn), the shared ones through onBytes', async () => {
    await inWorkspace(async (ws) => {
      const p = outPaths('out');
      const staging = new StagingTree(p);
      const pool = new WorkerPool(2);
      const sent: string[] = [];
      const fleet = await renderFleet(environments, { ...validation, stageIn: 'out' }, { pool, slice: 1, onBytes: (file, bytes) => (sent.push(file), staging.write(file, bytes)) }).finally(() => pool.close());
      const own = (file: string) => environments.some((e) => file.startsWith(`${e.name}/`));
      expect([...fleet.files.keys()]).toEqual([...files.keys()]);
      for (const [file, content] of fleet.files) {
        expect(content instanceof InStaging, file).toBe(own(file));
        expect(contentHash(content), file).toBe(hashContent(Buffer.from(files.get(file)!)));
      }
      expect(sent.sort()).toEqual([...files.keys()].filter((f) => !own(f)));
      expect(snapshotTree(path.join(ws, p.staging))).toEqual(new Map([...files].map(([f, text]) => [f, Buffer.from(text).toString('latin1')])));
    });
  }, 60_000);

  // A render awaits (validation loads its validators as it meets each kind): a worker that handled
  // each job as it arrived would interleave the jobs sent ahead, and a short job sent second would
  // come back first, taken as the first job's result. One at a time, each result is its own job's.
  it('runs the jobs sent ahead to a worker one at a time, in order', async () => {
    const pool = new WorkerPool(1);
    const taken: Array<[number, number]> = [];
    const jobs = [{ slice: environments, validation }, { slice: environments.slice(0, 1), validation }];
    await pool.run<SliceResult>('render', jobs, (result, index) => taken.push([index, new Set(result.names.map((n) => n.split('/')[0])).size])).finally(() => pool.close());
    const ownFolders = (n: number) => n + new Set([...files.keys()].map((f) => f.split('/')[0]).filter((d) => !environments.some((e) => e.name === d))).size;
    expect(taken).toEqual([
      [0, ownFolders(environments.length)],
      [1, ownFolders(1)],
    ]);
  }, 60_000);

  it('reports progress per slice up to the fleet size', async () => {
    const seen: Array<[number, number]> = [];
    await renderFleet(environments, validation, { slice: 2, onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.at(-1)).toEqual([environments.length, environments.length]);
    expect(seen).toHaveLength(Math.ceil(environments.length / 2));
  });

  it('uses workers only for a fleet of several slices, unless SLIPWAY_RENDER_WORKERS says otherwise', () => {
    expect(workerCount(SLICE, {})).toBe(0);
    expect(workerCount(SLICE * 4, {})).toBeGreaterThan(0);
    expect(workerCount(SLICE * 4, { SLIPWAY_RENDER_WORKERS: '0' })).toBe(0);
    expect(workerCount(SLICE * 4, { SLIPWAY_RENDER_WORKERS: '3' })).toBe(3);
    expect(workerCount(SLICE, { SLIPWAY_RENDER_WORKERS: '3' })).toBe(1);
  });
});
