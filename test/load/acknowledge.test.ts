// Acknowledged warnings: reported once with their reason, counted apart, never hiding an error;
// the acknowledge entries themselves are checked.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentTexts, loadEnvironments } from '../../generator/load/load-environments.ts';
import { acknowledgeableCodes } from '../../schema/acknowledge.ts';
import { repoRoot, runCli } from '../helpers/workspace.ts';

const fixture = path.relative(process.cwd(), path.join(repoRoot, 'test/fixtures/valid/acknowledged.yaml')).split(path.sep).join('/');
const minimal = readFileSync(path.join(repoRoot, 'test/fixtures/valid/minimal.yaml'), 'utf8');

/** minimal.yaml with an acknowledge list (and optionally more YAML), loaded as environments/minimal.yaml. */
const withAcknowledge = (entries: Array<[string, string]>, extra = '') =>
  loadEnvironmentTexts([
    { file: 'environments/minimal.yaml', text: `${minimal}${extra}acknowledge:\n${entries.map(([code, reason]) => `  - code: ${code}\n    reason: ${reason}\n`).join('')}` },
  ]);

describe('acknowledged warnings', () => {
  it('moves an acknowledged warning out of the issues, with its reason and location', () => {
    const { issues, acknowledged, environments } = loadEnvironments([fixture]);
    expect(issues).toEqual([]);
    expect(environments).toHaveLength(1);
    expect(acknowledged).toMatchObject([{ code: 'INGRESS_NGINX_RETIRED', severity: 'warning', reason: 'Gateway API migration planned for Q3', file: fixture, path: 'releases.ingressNginx' }]);
    expect(acknowledged[0]!.line).toBeGreaterThan(0);
  });

  it('prints it once as "acknowledged: CODE (reason)" and counts it apart in text output', async () => {
    const run = await runCli(['validate', fixture], { NO_COLOR: '1' });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('warning INGRESS_NGINX_RETIRED');
    expect(run.stdout).not.toContain('hint:');
    expect(run.stdout.match(/acknowledged: INGRESS_NGINX_RETIRED \(Gateway API migration planned for Q3\)/g)).toHaveLength(1);
    expect(run.stdout).toMatch(new RegExp(`^${fixture}:\\d+:\\d+ acknowledged: INGRESS_NGINX_RETIRED`, 'm'));
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('1 environment file valid (0 errors, 0 warnings, 1 acknowledged).');
  });

  it('groups acknowledged lines with their file, after its issues', async () => {
    const examples = ['environments/numbers-prod.yaml', 'environments/numbers-test.yaml'].map((f) => path.relative(process.cwd(), path.join(repoRoot, f)));
    const run = await runCli(['validate', ...examples, fixture], { NO_COLOR: '1' });
    const files = run.stdout.split('\n').filter((l) => /^\S+:\d+:\d+ /.test(l)).map((l) => l.split(':')[0]);
    expect(files).toEqual([...files].sort());
    expect(run.stdout).toContain('3 environment files valid (0 errors, 1 warning, 2 acknowledged).');
  });

  it('marks it acknowledged with the reason in JSON output and counts it apart', async () => {
    const run = await runCli(['validate', '--format', 'json', fixture]);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, errors: 0, warnings: 0, acknowledged: 1 });
    expect(report.issues).toEqual([expect.objectContaining({ code: 'INGRESS_NGINX_RETIRED', severity: 'warning', acknowledged: true, reason: 'Gateway API migration planned for Q3' })]);
  });

  it('acknowledges only the file that lists it', () => {
    const examples = ['environments/numbers-prod.yaml'].map((f) => path.join(repoRoot, f));
    const { issues, acknowledged } = loadEnvironments([...examples, fixture]);
    expect(issues.filter((i) => i.code === 'INGRESS_NGINX_RETIRED').map((i) => path.basename(i.file))).toEqual(['numbers-prod.yaml']);
    expect(acknowledged.map((i) => path.basename(i.file))).toEqual(['acknowledged.yaml']);
  });

  it('reports an entry whose warning no longer fires as a stale warning at the entry', () => {
    const { issues, acknowledged, environments } = withAcknowledge([
      ['INGRESS_NGINX_RETIRED', 'planned'],
      ['PG_ZONES', 'one zone in test'],
    ]);
    expect(environments).toHaveLength(1);
    expect(acknowledged.map((i) => i.code)).toEqual(['INGRESS_NGINX_RETIRED']);
    // minimal.yaml's lines, then "acknowledge:", entry 0 (two lines), entry 1.
    const entryLine = minimal.split('\n').length - 1 + 4;
    expect(issues).toMatchObject([{ code: 'ACKNOWLEDGE_STALE', severity: 'warning', path: 'acknowledge.1', line: entryLine, column: 5 }]);
    expect(issues[0]!.message).toContain('PG_ZONES');
  });

  it('acknowledges every warning it names, including one about the file itself', () => {
    const text = minimal.split('\n').slice(1).join('\n');
    const { issues, acknowledged } = loadEnvironmentTexts([
      { file: 'environments/minimal.yaml', text: `${text}acknowledge:\n  - code: ENV_SCHEMA_COMMENT\n    reason: generated files\n  - code: INGRESS_NGINX_RETIRED\n    reason: planned\n` },
    ]);
    expect(issues).toEqual([]);
    expect(acknowledged.map((i) => i.code).sort()).toEqual(['ENV_SCHEMA_COMMENT', 'INGRESS_NGINX_RETIRED']);
  });

  it('never waives an error: an error code is refused and the error still reported', () => {
    const prod = minimal.replace('stage: test', 'stage: prod').replace('gitops:', 'postgresql:\n  highAvailability: Disabled\ngitops:');
    const { issues, environments } = loadEnvironmentTexts([{ file: 'environments/minimal.yaml', text: `${prod}acknowledge:\n  - code: PROD_DB_HA\n    reason: cost\n` }]);
    expect(environments).toEqual([]);
    expect(issues.filter((i) => i.severity === 'error').map((i) => i.code).sort()).toEqual(['ACKNOWLEDGE_ERROR_CODE', 'PROD_DB_HA']);
    expect(issues.find((i) => i.code === 'ACKNOWLEDGE_ERROR_CODE')).toMatchObject({ path: 'acknowledge.0.code', hint: expect.stringContaining('Fix what PROD_DB_HA reports') });
  });

  it('suggests the code meant, or lists the codes that can be acknowledged', () => {
    const { issues } = withAcknowledge([
      ['INGRESS_NGINX_RETIERD', 'planned'],
      ['SOMETHING_ELSE', 'why not'],
      ['ACKNOWLEDGE_STALE', 'keep it'],
    ]);
    const unknown = issues.filter((i) => i.code === 'ACKNOWLEDGE_UNKNOWN_CODE');
    const all = `Warnings that can be acknowledged: ${acknowledgeableCodes.join(', ')}.`;
    expect(acknowledgeableCodes).toContain('INGRESS_NGINX_RETIRED');
    expect(unknown.map((i) => i.hint)).toEqual(['Did you mean "INGRESS_NGINX_RETIRED"?', all, all]);
    expect(unknown[2]!.message).toContain('cannot itself be acknowledged');
    // The misspelt entry acknowledges nothing: the warning is still reported.
    expect(issues.some((i) => i.code === 'INGRESS_NGINX_RETIRED' && i.severity === 'warning')).toBe(true);
  });

  it('requires a reason', () => {
    const missing = loadEnvironmentTexts([{ file: 'environments/minimal.yaml', text: `${minimal}acknowledge:\n  - code: INGRESS_NGINX_RETIRED\n` }]);
    expect(missing.issues).toMatchObject([{ code: 'SCHEMA_REQUIRED', path: 'acknowledge.0.reason' }]);
    expect(missing.acknowledged).toEqual([]);
  });
});
