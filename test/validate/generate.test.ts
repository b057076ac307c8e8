// generate's validation step end to end: embedded schemas by default (a fresh clone, no network),
// invalid output refused before anything is written, and a schema host that does not answer as an
// environment error (exit 2, one line) that leaves out/ as it was.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inWorkspace, runCli, snapshotTree } from '../helpers/workspace.ts';
import { writeSchemaFolder } from './kubeconform-layout.ts';

describe('generate validates the manifests it writes', () => {
  it('needs nothing outside the package by default, and refuses invalid output before writing', async () => {
    await inWorkspace(async (ws) => {
      expect((await runCli(['generate'])).code).toBe(0);
      const before = snapshotTree(path.join(ws, 'out'));
      // A folder in which HelmRelease demands a field Slipway never sets, before the embedded set.
      const strict = path.join(ws, 'strict-schemas');
      writeSchemaFolder(strict, ['helm.toolkit.fluxcd.io/v2/HelmRelease'], (_, schema) => ({ ...schema, required: ['status'] }));
      const run = await runCli(['generate', '--schema-location', strict, '--schema-location', 'embedded']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/out\/numbers-prod\/flux\/infrastructure\/controllers\/ingress-nginx-values\.yaml error MANIFEST_INVALID HelmRelease flux-system\/ingress-nginx: \/ must have required property 'status'/);
      expect(run.stderr).toContain('The rendered manifests are invalid; nothing was written to out/.');
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);
      // From no out/ the files go into a staging tree while the fleet renders: none of it is left.
      rmSync(path.join(ws, 'out'), { recursive: true });
      const fresh = await runCli(['generate', '--schema-location', strict, '--schema-location', 'embedded']);
      expect(fresh.code).toBe(1);
      expect(existsSync(path.join(ws, 'out'))).toBe(false);
      expect(readdirSync(ws).filter((n) => n.startsWith('.slipway-'))).toEqual([]);
    });
  });

  it('reads schema locations from SLIPWAY_SCHEMA_LOCATION; --ignore-missing-schemas turns a missing schema into a warning', async () => {
    await inWorkspace(async (ws) => {
      const nowhere = { SLIPWAY_SCHEMA_LOCATION: path.join(ws, 'nowhere') };
      const run = await runCli(['generate', '--check'], nowhere);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('MANIFEST_SCHEMA_MISSING');
      expect((await runCli(['generate', '--ignore-missing-schemas'], nowhere)).code).toBe(0);
    });
  });

  it('exits 2 with one line naming the host when a schema host refuses, and leaves out/ unchanged', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as { port: number }).port;
    await new Promise((resolve) => dead.close(resolve));
    const cache = mkdtempSync(path.join(tmpdir(), 'slipway-cache-'));
    try {
      await inWorkspace(async (ws) => {
        expect((await runCli(['generate'])).code).toBe(0);
        const before = snapshotTree(path.join(ws, 'out'));
        const run = await runCli(['generate', '--schema-location', `http://127.0.0.1:${port}/schemas`], { SLIPWAY_CACHE_DIR: cache });
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^slipway generate: Cannot download the schema of \\S+ \\S+ from http://127\\.0\\.0\\.1:${port}/schemas/\\S+: 127\\.0\\.0\\.1:${port} refused the connection, and no other schema location has it\\.`))]);
        expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);
      });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
