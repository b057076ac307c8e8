// The lock next to out/: one writer at a time, stale locks taken over, --check not blocked.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inWorkspace, runCli, snapshotTree } from '../helpers/workspace.ts';

const LOCK = '.slipway-out.lock';
const record = (pid: number, host = os.hostname(), started = '2026-01-02T03:04:05.000Z') => `${JSON.stringify({ pid, host, started, command: 'generate' })}\n`;
/** A pid that was running a moment ago and is not any more. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('the lock of out/', () => {
  // Guarantee: while another generate holds the lock (its pid runs on this host), generate stops at
  // once with exit 2 and one line naming the holder (pid, host, start time) and the lock file, and
  // changes nothing.
  it('refuses a second writer with one line naming the holder', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      await inWorkspace(async (ws) => {
        await runCli(['generate']);
        writeFileSync('environments/numbers-prod.yaml', readFileSync('environments/numbers-prod.yaml', 'utf8').replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${Number(n) + 1}`));
        const before = snapshotTree(path.join(ws, 'out'));
        writeFileSync(LOCK, record(holder.pid!));
        const run = await runCli(['generate']);
        expect(run.code).toBe(2);
        expect(run.stderr.trimEnd().split('\n')).toEqual([
          `slipway generate: out/ is being written by another slipway generate (pid ${holder.pid} on ${os.hostname()}, started 2026-01-02T03:04:05.000Z): wait for it to finish, or delete ${LOCK} if that process is gone.`,
        ]);
        expect(snapshotTree(path.join(ws, 'out'))).toEqual(before);
        expect(readFileSync(LOCK, 'utf8')).toBe(record(holder.pid!));

        // Guarantee: generate --check does not need the lock: it reads out/ while a writer holds it.
        const check = await runCli(['generate', '--check']);
        expect(check.code).toBe(1);
        expect(check.stdout).toContain('changed  out/numbers-prod/environment.resolved.yaml');
      });
    } finally {
      holder.kill();
    }
  });

  // Guarantee: a lock whose pid no longer runs on this host is stale (its generate was killed): it
  // is taken over with a one-line note, and generate then writes normally and removes its own lock.
  it('takes over a stale lock with a note', async () => {
    await inWorkspace(async () => {
      const pid = deadPid();
      writeFileSync(LOCK, record(pid));
      const run = await runCli(['generate']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(`note: took over the lock ${LOCK} left by pid ${pid} on ${os.hostname()}, started 2026-01-02T03:04:05.000Z, which is no longer running.\n`);
      expect(existsSync(LOCK)).toBe(false);
    });
  });

  // Guarantee: a lock from another host is never presumed stale (its pid means nothing here).
  it('never presumes a lock from another host stale', async () => {
    await inWorkspace(async () => {
      writeFileSync(LOCK, record(deadPid(), 'build-agent-7'));
      const run = await runCli(['generate']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('on build-agent-7');
      expect(existsSync('out')).toBe(false);
    });
  });

  // Guarantee: the lock is released however generate ends (written, refused for a conflict).
  it('releases the lock after a success and after a refusal', async () => {
    await inWorkspace(async () => {
      expect((await runCli(['generate'])).code).toBe(0);
      expect(existsSync(LOCK)).toBe(false);
      writeFileSync('environments/numbers-prod.yaml', readFileSync('environments/numbers-prod.yaml', 'utf8').replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${Number(n) + 1}`));
      writeFileSync('out/.slipway-manifest.json', '{ not json');
      expect((await runCli(['generate'])).code).toBe(1);
      expect(existsSync(LOCK)).toBe(false);
    });
  });
});
