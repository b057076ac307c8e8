// The package as users get it: `npm pack` of this checkout (which builds dist/ through the prepare
// script, as a publish or a git install would), and a process that runs without network when the
// machine allows it (unshare -n as root), so nothing at run time can reach for the internet.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/workspace.ts';

/** Packs this checkout once per test file; returns the tarball's path. */
export function packTarball(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-pack-'));
  const name = execFileSync('npm', ['pack', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1)!;
  return path.join(dir, name);
}

const canUnshare = spawnSync('unshare', ['-n', 'true']).status === 0;

/** Runs a command with no network interface at all where possible (a user's laptop on a plane). */
export function offline(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const [cmd, argv] = canUnshare ? ['unshare', ['-n', command, ...args]] : [command, [...args]];
  return spawnSync(cmd as string, argv as string[], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, encoding: 'utf8' });
}

export const isolatedNetwork = canUnshare;
