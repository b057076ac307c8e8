// Every invalid fixture ends with "# expect: CODE line:column" lines: exactly those errors must be
// reported, at exactly those places, and generating with the fixture present must leave out/ alone.
import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../generator/load/load-environments.ts';
import { inWorkspace, repoRoot, runCli, snapshotTree } from '../helpers/workspace.ts';

const dir = path.join(repoRoot, 'test/fixtures/invalid');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function expectations(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^# expect: (\S+) (\d+:\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
}

describe('invalid fixtures', () => {
  it('has at least 30 fixtures, each with an expectation', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    for (const f of fixtures) expect(expectations(path.join(dir, f)), f).not.toHaveLength(0);
  });

  it.each(fixtures)('%s reports its code at its location', (fixture) => {
    const file = path.relative(process.cwd(), path.join(dir, fixture)).split(path.sep).join('/');
    const { issues, environments } = loadEnvironments([file]);
    const errors = issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => `${i.code} ${i.line}:${i.column}`).sort()).toEqual(expectations(path.join(dir, fixture)));
    for (const e of errors) {
      expect(e.file).toBe(file);
      expect(e.message).toMatch(/\.$/);
      expect(e.hint, `${e.code} needs a hint`).toBeTruthy();
    }
    expect(environments).toHaveLength(0);
  });

  it('every fixture makes generate exit 1 with the located message and leaves out/ byte-identical', async () => {
    await inWorkspace(async (ws) => {
      expect((await runCli(['generate'])).code).toBe(0);
      const before = snapshotTree(path.join(ws, 'out'));
      for (const fixture of fixtures) {
        const target = path.join(ws, 'environments', fixture);
        copyFileSync(path.join(dir, fixture), target);
        const run = await runCli(['generate']);
        expect(run.code, fixture).toBe(1);
        for (const e of expectations(target)) {
          const [code, pos] = e.split(' ');
          expect(run.stderr, fixture).toContain(`environments/${fixture}:${pos} error ${code} `);
        }
        expect(run.stderr).toContain('Nothing was written to out/.');
        expect(snapshotTree(path.join(ws, 'out')), fixture).toEqual(before);
        rmSync(target);
      }
    });
  });
});
