// The GitHub workflows: pinned actions, least privilege, commands that exist, shell that passes
// shellcheck; and their local equivalents pass here.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findOnPath } from '../generator/find-on-path.ts';
import { repoRoot, runCli } from './helpers/workspace.ts';

const dir = path.join(repoRoot, '.github/workflows');
const workflows = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.yml')).sort().map((f) => [f, { text: readFileSync(path.join(dir, f), 'utf8'), doc: parse(readFileSync(path.join(dir, f), 'utf8')) }]));
type Step = { uses?: string; run?: string; name?: string };
type Job = { permissions?: Record<string, string>; steps?: Step[]; uses?: string };
const jobs = Object.entries(workflows).flatMap(([file, w]) => Object.entries(w.doc.jobs as Record<string, Job>).map(([name, job]) => ({ file, name, job })));
const steps = jobs.flatMap((j) => (j.job.steps ?? []).map((s) => ({ ...j, step: s })));

describe('GitHub workflows', () => {
  it('has checks for pull requests and main, and the diff comment on pull requests', () => {
    expect(Object.keys(workflows)).toEqual(['checks.yml', 'main.yml', 'pull-request.yml']);
    expect(workflows['pull-request.yml']!.doc.on).toHaveProperty('pull_request');
    expect(workflows['main.yml']!.doc.on.push.branches).toEqual(['main']);
    for (const f of ['main.yml', 'pull-request.yml']) expect(workflows[f]!.doc.jobs.checks.uses).toBe('./.github/workflows/checks.yml');
  });

  it('pins every action to a full commit SHA with its version', () => {
    const uses = steps.filter((s) => s.step.uses).map((s) => s.step.uses!);
    expect(uses.length).toBeGreaterThan(4);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const [file, w] of Object.entries(workflows)) for (const line of w.text.split('\n').filter((l) => /uses: [\w.-]+\/[\w.-]+@/.test(l))) expect(line, file).toMatch(/# v\d/);
  });

  it('grants read-only access by default and pull-requests: write only where the comment is posted', () => {
    for (const [file, w] of Object.entries(workflows)) expect(w.doc.permissions, file).toEqual({ contents: 'read' });
    const writers = jobs.filter((j) => Object.values(j.job.permissions ?? {}).includes('write'));
    expect(writers.map((j) => [j.file, j.name, j.job.permissions])).toEqual([['pull-request.yml', 'diff', { contents: 'read', 'pull-requests': 'write' }]]);
    expect(writers[0]!.job.steps!.some((s) => s.run?.includes('slipway comment'))).toBe(true);
    expect(Object.values(workflows).some((w) => /write-all|pull_request_target/.test(w.text))).toBe(false);
  });

  it('runs the required checks', () => {
    const runs = steps.map((s) => s.step.run ?? '').join('\n');
    for (const command of ['npm ci', 'npx slipway validate', 'npx slipway verify', 'npx slipway schema --check', 'npx slipway generate --check', 'npx slipway diff --base', 'kubeconform -strict', 'kubectl kustomize', 'terraform fmt -check', 'init -backend=false', 'validate', 'npm test', 'GITHUB_STEP_SUMMARY']) {
      expect(runs, command).toContain(command);
    }
  });

  it('only calls slipway commands that exist', async () => {
    const commands = [...new Set(steps.flatMap((s) => [...(s.step.run ?? '').matchAll(/npx slipway (\w+)/g)].map((m) => m[1]!)))];
    for (const c of commands) expect((await runCli([c, '--help'])).code, c).toBe(0);
  });

  it('every run block passes shellcheck', () => {
    const shellcheck = findOnPath('shellcheck');
    expect(shellcheck, 'shellcheck must be installed (apt-get install shellcheck; .ci/run does)').toBeDefined();
    for (const { file, name, step } of steps.filter((s) => s.step.run)) {
      // GitHub expressions are substituted before the shell runs; stand in a plain word.
      const script = `#!/usr/bin/env bash\nset -euo pipefail\n${step.run!.replace(/\$\{\{[^}]*\}\}/g, 'x')}`;
      expect(() => execFileSync(shellcheck!, ['-s', 'bash', '-'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] }), `${file} ${name}: ${step.name ?? step.run}`).not.toThrow();
    }
  });
});

describe("the workflows' local equivalents", () => {
  it.each([['validate'], ['schema', '--check'], ['generate', '--check']])('slipway %s passes on this repository', async (...args) => {
    const previous = process.cwd();
    process.chdir(repoRoot);
    try {
      const run = await runCli(args);
      expect(run.code, run.stdout + run.stderr).toBe(0);
    } finally {
      process.chdir(previous);
    }
  });
});
