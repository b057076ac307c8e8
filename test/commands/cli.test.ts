// The CLI contract CI and hooks depend on: commands, --help, exit codes, formats, colour.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inWorkspace, repoRoot, runCli } from '../helpers/workspace.ts';

const bin = path.join(repoRoot, 'bin/slipway.js');
const invalid = path.join(repoRoot, 'test/fixtures/invalid/zone-out-of-range.yaml');

describe('slipway (real process)', () => {
  it('validates the shipped examples with exit 0', () => {
    const run = spawnSync(process.execPath, [bin, 'validate'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 environment files valid (0 errors, 2 warnings).');
  });

  it('exits 1 with a located message on invalid input', () => {
    const run = spawnSync(process.execPath, [bin, 'validate', invalid], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('test/fixtures/invalid/zone-out-of-range.yaml:15:14 error AKS_ZONES Zone 4 does not exist');
    expect(run.stdout).toContain('  hint: Use zones between 1 and 3');
  });

  it('exits 2 on an unknown command', () => {
    const run = spawnSync(process.execPath, [bin, 'deploy'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command "deploy"');
  });
});

describe('slipway (in-process)', () => {
  it.each(['validate', 'generate', 'diff', 'comment', 'schema'])('%s --help prints usage and exits 0', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: slipway ${command}`);
  });

  it('lists every command in the top-level help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const c of ['validate', 'generate', 'diff', 'comment', 'schema']) expect(run.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect((await runCli([])).code).toBe(2);
  });

  it('prints the version from package.json', async () => {
    const run = await runCli(['--version']);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['validate', '--format', 'yaml'], '--format must be one of text, json, not "yaml".'],
    [['generate', '--bogus'], "Unknown option '--bogus'"],
    [['schema', 'extra'], 'Unexpected argument'],
    [['diff'], '--base REF is required.'],
    [['diff', '--base', 'no-such-ref-anywhere'], 'cannot read revision "no-such-ref-anywhere"'],
    [['comment', '--pr', 'x', '--body-file', 'f'], '--pr must be a pull request number.'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('--help');
  });

  it('writes one JSON report with --format json', async () => {
    const run = await runCli(['validate', '--format', 'json', invalid]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: false, files: 1, errors: 1 });
    expect(report.issues).toContainEqual(expect.objectContaining({ code: 'AKS_ZONES', line: 15, column: 14, path: 'aks.zones.1', severity: 'error' }));
  });

  it('colours output only on a terminal, and never with NO_COLOR', async () => {
    const esc = '\u001b[';
    expect((await runCli(['validate', invalid], {}, true)).stdout).toContain(esc);
    expect((await runCli(['validate', invalid], { NO_COLOR: '1' }, true)).stdout).not.toContain(esc);
    expect((await runCli(['validate', invalid], {}, false)).stdout).not.toContain(esc);
  });

  it('exits 1 when there are no environment files', async () => {
    await inWorkspace(
      async () => {
        const run = await runCli(['validate']);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain('No environment files found in environments/');
      },
      { environments: false },
    );
  });

  it('schema writes the file, then --check passes; a stale file fails --check', async () => {
    await inWorkspace(async () => {
      expect((await runCli(['schema', '--check'])).code).toBe(0);
      const fs = await import('node:fs');
      fs.writeFileSync('schema/environment.schema.json', '{}\n');
      const stale = await runCli(['schema', '--check']);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('schema/environment.schema.json is out of date.');
      expect((await runCli(['schema'])).stdout).toContain('Wrote schema/environment.schema.json.');
      expect((await runCli(['schema', '--check'])).code).toBe(0);
    });
  });
});
