// The pull request workflow's diff step, run with bash against stand-ins for npx and git: the base
// branch's Slipway (its worktree) compares the head's commit, the report is posted whenever it
// exists, and a diff that fails before writing still leaves one under the marker, so the sticky
// comment is replaced rather than left stale.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * Runs the diff step in a temporary workspace with the base's worktree beside it; the stand-in npx
 * answers --help (with or without --head, as a base before it would), records where and how it ran,
 * writes `report` to --output (unless empty) and exits with `code`.
 */
function runDiffStep(code: number, report: string, baseKnowsHead = true): { status: number | null; diff: string | undefined; summary: string; calls: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-workflow-'));
  const workspace = path.join(dir, 'workspace');
  const bin = path.join(dir, 'bin');
  try {
    for (const d of [workspace, bin, path.join(dir, 'base')]) mkdirSync(d, { recursive: true });
    writeFileSync(
      path.join(bin, 'npx'),
      `#!/usr/bin/env bash
echo "$PWD $*" >> ${JSON.stringify(path.join(dir, 'calls'))}
if [ "$3" = "--help" ]; then echo 'Usage: slipway diff --base REF ${baseKnowsHead ? '[--head REF] ' : ''}[--format markdown|json]'; exit 0; fi
out=""; while [ $# -gt 0 ]; do if [ "$1" = "--output" ]; then out="$2"; fi; shift; done
${report ? `printf '%s' '${report}' > "$out"` : ''}
exit ${code}
`,
    );
    writeFileSync(path.join(bin, 'git'), '#!/usr/bin/env bash\necho 0123456789abcdef0123456789abcdef01234567\n');
    writeFileSync(path.join(bin, 'npm'), '#!/usr/bin/env bash\nexit 0\n');
    for (const f of ['npx', 'git', 'npm']) chmodSync(path.join(bin, f), 0o755);
    writeFileSync(path.join(dir, 'summary.md'), '');
    const run = spawnSync('bash', ['-e', '-c', diffStep.run!], {
      cwd: workspace,
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, BASE_REF: 'main', GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), GITHUB_WORKSPACE: workspace, RUNNER_TEMP: dir },
    });
    const file = path.join(workspace, 'diff.md');
    return {
      status: run.status,
      diff: existsSync(file) ? readFileSync(file, 'utf8') : undefined,
      summary: readFileSync(path.join(dir, 'summary.md'), 'utf8'),
      calls: readFileSync(path.join(dir, 'calls'), 'utf8').replaceAll(dir, '<tmp>'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('pull request workflow: diff and sticky comment', () => {
  it('posts the comment whenever diff.md exists, also after a failed step', () => {
    expect(commentStep.if).toMatch(/^always\(\) && hashFiles\('diff\.md'\) != ''/);
    expect(commentStep.run).toContain('--body-file "$GITHUB_WORKSPACE/diff.md"');
    // The base branch's Slipway posts it, from its worktree.
    expect((commentStep as { 'working-directory'?: string })['working-directory']).toBe('${{ runner.temp }}/base');
  });

  it("runs the base branch's Slipway in its worktree against the head commit", () => {
    const result = runDiffStep(0, `${DIFF_MARKER}\nok`);
    expect(result.calls).toBe('<tmp>/base slipway diff --help\n<tmp>/base slipway diff --base origin/main --head 0123456789abcdef0123456789abcdef01234567 --output <tmp>/workspace/diff.md\n');
  });

  it("falls back to the pull request's own Slipway for a base from before --head, and says so", () => {
    const result = runDiffStep(0, `${DIFF_MARKER}\nok`, false);
    expect(result.calls).toContain('<tmp>/workspace slipway diff --base origin/main --output <tmp>/workspace/diff.md');
    expect(result.diff).toContain("this one comes from the pull request's");
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
    expect(result).toMatchObject({ status: 0, diff: `${DIFF_MARKER}\nok`, summary: `${DIFF_MARKER}\nok` });
  });
});
