// The pull request workflow's diff step, run with bash against a stand-in for npx: the report is
// posted whenever it exists, and a diff that fails before writing still leaves one under the
// marker, so the sticky comment is replaced rather than left stale.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DIFF_MARKER } from '../../generator/diff/markdown.ts';
import { repoRoot } from '../helpers/workspace.ts';

type Step = { name?: string; run?: string; if?: string };
const workflow = parse(readFileSync(path.join(repoRoot, '.github/workflows/pull-request.yml'), 'utf8')) as { jobs: { diff: { steps: Step[] } } };
const steps = workflow.jobs.diff.steps;
const diffStep = steps.find((s) => s.run?.includes('npx slipway diff'))!;
const commentStep = steps.find((s) => s.run?.includes('npx slipway comment'))!;

/** Runs the diff step in a temporary folder; the stand-in npx writes `report` (unless empty) and exits with `code`. */
function runDiffStep(code: number, report: string): { status: number | null; diff: string | undefined; summary: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-workflow-'));
  try {
    writeFileSync(path.join(dir, 'npx'), `#!/usr/bin/env bash\n${report ? `printf '%s' '${report}' > diff.md\n` : ''}exit ${code}\n`);
    chmodSync(path.join(dir, 'npx'), 0o755);
    writeFileSync(path.join(dir, 'summary.md'), '');
    const run = spawnSync('bash', ['-e', '-c', diffStep.run!], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `${dir}:${process.env.PATH}`, BASE_REF: 'main', GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') },
    });
    const file = path.join(dir, 'diff.md');
    return { status: run.status, diff: existsSync(file) ? readFileSync(file, 'utf8') : undefined, summary: readFileSync(path.join(dir, 'summary.md'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('pull request workflow: diff and sticky comment', () => {
  it('posts the comment whenever diff.md exists, also after a failed step', () => {
    expect(commentStep.if).toMatch(/^always\(\) && hashFiles\('diff\.md'\) != ''/);
    expect(commentStep.run).toContain('--body-file diff.md');
  });

  it('keeps the report of invalid environment files and fails the step with its exit code', () => {
    const report = `${DIFF_MARKER}\nerrors`;
    const result = runDiffStep(1, report);
    expect(result.status).toBe(1);
    expect(result.diff).toBe(report);
    expect(result.summary).toBe(report);
  });

  it('writes a note under the marker when diff fails before writing a report', () => {
    const result = runDiffStep(2, '');
    expect(result.status).toBe(2);
    expect(result.diff!.startsWith(`${DIFF_MARKER}\n`)).toBe(true);
    expect(result.diff).toContain('slipway diff failed (exit 2) before writing its report');
  });

  it('passes a successful diff through unchanged', () => {
    const result = runDiffStep(0, `${DIFF_MARKER}\nok`);
    expect(result).toEqual({ status: 0, diff: `${DIFF_MARKER}\nok`, summary: `${DIFF_MARKER}\nok` });
  });
});
