// Git repositories for the diff tests: the examples committed on main with the out/ generate writes.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { runCli } from '../helpers/workspace.ts';

export const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
export const PROD = 'environments/numbers-prod.yaml';
export const edit = (file: string, from: string | RegExp, to: string) => {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  expect(next, `edit ${file}: ${String(from)}`).not.toBe(text);
  writeFileSync(file, next);
};

/** main = the examples and the out/ generate writes for them; `older` then edits out/ as another generator would have written it. */
export async function commitBase(older?: () => void): Promise<void> {
  git('init', '-q', '-b', 'main');
  const generated = await runCli(['generate']);
  expect(generated.code, generated.stderr).toBe(0);
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  if (older) {
    older();
    git('commit', '-q', '-am', 'out/ as another generator wrote it');
  }
}

