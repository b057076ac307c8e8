// The CLI contract CI and hooks depend on: commands, --help, exit codes, formats, colour.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliFromSource, inWorkspace, repoRoot, runCli } from '../helpers/workspace.ts';

const invalid = path.join(repoRoot, 'test/fixtures/invalid/zone-out-of-range.yaml');

describe('slipway (real process)', () => {
  it('validates the shipped examples with exit 0', () => {
    const run = spawnSync(process.execPath, [...cliFromSource, 'validate'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(0);
    // Every example but numbers-prod acknowledges INGRESS_NGINX_RETIRED.
    const count = readdirSync(path.join(repoRoot, 'environments')).filter((f) => f.endsWith('.yaml')).length;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(run.stdout).toContain(`${count} environment files valid (0 errors, 1 warning, ${count - 1} acknowledged).`);
  });

  it('exits 1 with a located message on invalid input', () => {
    const run = spawnSync(process.execPath, [...cliFromSource, 'validate', invalid], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('test/fixtures/invalid/zone-out-of-range.yaml:15:14 error AKS_ZONES Zone 4 does not exist');
    expect(run.stdout).toContain('  hint: Use zones between 1 and 3');
  });

  it('exits 2 on an unknown command', () => {
    const run = spawnSync(process.execPath, [...cliFromSource, 'deploy'], { cwd: repoRoot, encoding: 'utf8' });
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

  it('prints the version from package.json with --version and -v', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) expect(await runCli([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('help <command> prints that command\'s usage; no arguments prints the usage to stderr with exit 2', async () => {
    const help = await runCli(['help', 'generate']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: slipway generate');
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: slipway <command>');
  });

  it.each([
    [['genrate'], 'unknown command "genrate". Did you mean "generate"?'],
    [['help', 'valdiate'], 'unknown command "valdiate". Did you mean "validate"?'],
    [['generate', '--chek'], 'hint: Did you mean "--check"?'],
    [['validate', '--format', 'jsno'], 'hint: Did you mean "json"?'],
  ])('%j suggests what was meant (exit 2)', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
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

  it.each([
    ['{\n  "schemaLocation": ["embedded"]\n}\n', 'slipway.config.json:2:3 error SCHEMA_UNKNOWN_KEY', 'Did you mean "schemaLocations"?'],
    ['{\n  "chartDir": 3\n}\n', 'slipway.config.json:2:15 error SCHEMA_TYPE', '"chartDir" must be a string'],
    ['{ "chartDir": "x", }\n', 'slipway.config.json:1:20 error CONFIG_SYNTAX', 'is not valid JSON'],
  ])('a bad slipway.config.json is a located problem with exit 2, not a stack trace (%#)', async (text, where, message) => {
    await inWorkspace(async () => {
      writeFileSync('slipway.config.json', text);
      const run = await runCli(['generate', '--check']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(where);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('slipway.config.json is invalid, so nothing was done.');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  });
});
