// One environment, one file, and a name that is not a folder of out/ every environment shares.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEnvironmentFiles, loadEnvironments, loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { inWorkspace, repoRoot, runCli } from '../helpers/workspace.ts';

const minimal = readFileSync(path.join(repoRoot, 'test/fixtures/valid/minimal.yaml'), 'utf8');

describe('environment files', () => {
  it('refuses x.yml next to x.yaml, naming both files, and renders neither twice', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-env-files-'));
    try {
      writeFileSync(path.join(dir, 'minimal.yaml'), minimal);
      writeFileSync(path.join(dir, 'minimal.yml'), minimal.replaceAll('retro.example.com', 'other.example.com'));
      const files = listEnvironmentFiles(dir);
      const { issues, environments } = loadEnvironments(files);
      const errors = issues.filter((i) => i.severity === 'error');
      expect(errors).toMatchObject([{ code: 'ENV_DUPLICATE_FILE', file: files[1], path: 'name', line: 2, column: 7 }]);
      expect(errors[0]!.message).toBe(`Environment minimal has two files, ${files[0]} and ${files[1]}; one environment is one file.`);
      expect(environments.map((e) => e.source)).toEqual([files[0]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a symbolic link, without reading or quoting what it points to', async () => {
    await inWorkspace(async (ws) => {
      // What a pull request could point a link at: a file outside the repository with something worth reading.
      const outside = path.join(ws, '..', `${path.basename(ws)}-outside.yaml`);
      writeFileSync(outside, minimal.replace('name: minimal', 'name: outside-value-7f3a').replace('zone: retro.example.com', 'zone: INSIDE-THE-TARGET'));
      try {
        symlinkSync(outside, path.join(ws, 'environments/linked.yaml'));
        const { issues } = loadEnvironments(['environments/linked.yaml']);
        expect(issues).toMatchObject([{ code: 'ENV_FILE_SYMLINK', file: 'environments/linked.yaml', line: 0 }]);
        const run = await runCli(['validate', '--format', 'json']);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain('"code": "ENV_FILE_SYMLINK"');
        expect(run.stdout).not.toMatch(/outside-value-7f3a|INSIDE-THE-TARGET/);
      } finally {
        rmSync(outside, { force: true });
      }
    });
  });

  it.each(['base', 'modules'])('refuses the environment name %s, a folder of out/', (name) => {
    const { issues, environments } = loadEnvironmentTexts([{ file: `environments/${name}.yaml`, text: minimal.replace('name: minimal', `name: ${name}`) }]);
    expect(issues.filter((i) => i.severity === 'error')).toMatchObject([{ code: 'ENV_NAME_RESERVED', path: 'name', line: 2, column: 7 }]);
    expect(environments).toEqual([]);
  });
});
