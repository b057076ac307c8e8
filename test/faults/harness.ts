// Fault injection for generate, shared by test/faults/*.test.ts (modest counts, in `npm test`) and
// scripts/faults.ts (full counts). Nothing here imports vitest: a broken guarantee throws an Error
// that says which trial broke what, and each run returns counts for the report.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliFromSource, repoRoot, runCli, snapshotTree, type Run } from '../helpers/workspace.ts';
import { random } from '../helpers/random.ts';

// ---------------------------------------------------------------------------------------------
// A fleet: N environments like numbers-test (as bench/run.ts makes them), in a workspace folder.

const template = readFileSync(path.join(repoRoot, 'environments/numbers-test.yaml'), 'utf8');

export const envName = (i: number) => `fleet-${String(i).padStart(4, '0')}`;

export function environment(i: number, replicas = 1): string {
  const name = envName(i);
  return template
    .replace('name: numbers-test', `name: ${name}`)
    .replace('storageAccount: stnumberstesttfstate', `storageAccount: st${name.replace('-', '')}tf`)
    .replace('zone: test.retro.numbers.example.com', `zone: ${name}.retro.numbers.example.com`)
    .replace('host: retro.test.retro.numbers.example.com', `host: retro.${name}.retro.numbers.example.com`)
    .replace('  ingressNginx:\n    replicas: 1', `  ingressNginx:\n    replicas: ${replicas}`);
}

/** Environments 1..n ("old"), or 2..n+1 with two ingress replicas ("new": one pruned, one added, all changed). */
export function writeEnvironments(ws: string, n: number, which: 'old' | 'new'): void {
  const dir = path.join(ws, 'environments');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [from, to, replicas] = which === 'old' ? [1, n, 1] : [2, n + 1, 2];
  for (let i = from; i <= to; i++) writeFileSync(path.join(dir, `${envName(i)}.yaml`), environment(i, replicas));
}

/** Files in out/ that are not Slipway's: they must survive every generate, killed or not. */
export function addForeignFiles(out: string): void {
  writeFileSync(path.join(out, 'README.md'), 'written by a person, not by slipway\n');
  writeFileSync(path.join(out, envName(2), 'notes.txt'), 'hand-written notes\n');
  mkdirSync(path.join(out, 'scratch'), { recursive: true });
}

export interface Fleet {
  readonly root: string;
  readonly ws: string;
  readonly out: string;
  /** out/ as generated from the old environments (with foreign files), and as generated from the new ones. */
  readonly oldTree: Map<string, string>;
  readonly newTree: Map<string, string>;
  /** A pristine copy of the old out/, restored before every trial. */
  readonly oldCopy: string;
  cleanup(): void;
}

/** Workspace with the old render in out/ and the new environments in environments/. */
export async function makeFleet(n: number): Promise<Fleet> {
  const root = mkdtempSync(path.join(tmpdir(), 'slipway-faults-'));
  try {
    const ws = path.join(root, 'ws');
    mkdirSync(ws);
    cpSync(path.join(repoRoot, 'schema'), path.join(ws, 'schema'), { recursive: true });
    writeEnvironments(ws, n, 'old');
    const first = await runIn(ws, ['generate']);
    if (first.code !== 0) throw new Error(`The old render failed: ${first.stderr}`);
    const out = path.join(ws, 'out');
    addForeignFiles(out);
    const oldCopy = path.join(root, 'old-out');
    cpSync(out, oldCopy, { recursive: true });
    const oldTree = snapshotTree(out);
    writeEnvironments(ws, n, 'new');
    const second = await runIn(ws, ['generate']);
    if (second.code !== 0) throw new Error(`The new render failed: ${second.stderr}`);
    const fleet: Fleet = { root, ws, out, oldTree, newTree: snapshotTree(out), oldCopy, cleanup: () => rmSync(root, { recursive: true, force: true }) };
    resetToOld(fleet);
    return fleet;
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** out/ back to the old render, nothing of Slipway's beside it; environments stay "new". */
export function resetToOld(fleet: Fleet): void {
  for (const name of readdirSync(fleet.ws)) if (name.startsWith('.slipway-')) rmSync(path.join(fleet.ws, name), { recursive: true, force: true });
  rmSync(fleet.out, { recursive: true, force: true });
  cpSync(fleet.oldCopy, fleet.out, { recursive: true });
}

/** The CLI in this process, in `ws` (chdir for the call). */
export async function runIn(ws: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const previous = process.cwd();
  process.chdir(ws);
  try {
    return await runCli(args, { NO_COLOR: '1', ...env });
  } finally {
    process.chdir(previous);
  }
}

export interface Spawned {
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;
  readonly started: number;
  kill(): void;
}

/** The CLI as a real process (node with the tsx loader, as test/helpers/workspace.ts cliFromSource). */
export function spawnCli(ws: string, args: string[], options: { uid?: number; gid?: number } = {}): Spawned {
  const started = performance.now();
  const child = spawn(process.execPath, [...cliFromSource, ...args], { cwd: ws, env: { ...process.env, NO_COLOR: '1', SLIPWAY_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started }));
  });
  return { done, started, kill: () => child.kill('SIGKILL') };
}

// ---------------------------------------------------------------------------------------------
// Checks every fault run shares.

/** Slipway's entries beside out/ and its legacy staging folders inside it. */
export function leftovers(ws: string): string[] {
  const beside = readdirSync(ws).filter((n) => n.startsWith('.slipway-'));
  const inside = existsSync(path.join(ws, 'out')) ? readdirSync(path.join(ws, 'out')).filter((n) => n.startsWith('.slipway-staging-')) : [];
  return [...beside, ...inside.map((n) => `out/${n}`)];
}

export const hasStackTrace = (text: string) => /^\s+at .+[(:]\d+/m.test(text) || text.includes('internal error');

export function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export function treeDiff(actual: Map<string, string>, expected: Map<string, string>): string {
  const missing = [...expected.keys()].filter((k) => !actual.has(k));
  const extra = [...actual.keys()].filter((k) => !expected.has(k));
  const differ = [...expected.keys()].filter((k) => actual.has(k) && actual.get(k) !== expected.get(k));
  return `missing ${missing.slice(0, 5).join(', ') || '-'}; extra ${extra.slice(0, 5).join(', ') || '-'}; different ${differ.slice(0, 5).join(', ') || '-'} (${missing.length}/${extra.length}/${differ.length})`;
}

function fail(trial: string, message: string): never {
  throw new Error(`${trial}: ${message}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The next generate after a fault: succeeds, notes nothing edited by hand, writes the new tree, leaves nothing beside it. */
async function generateCleanly(fleet: Fleet, trial: string): Promise<void> {
  const run = await runIn(fleet.ws, ['generate']);
  if (run.code !== 0) fail(trial, `the next generate exited ${run.code}: ${run.stderr}`);
  if (run.stderr.includes('edited by hand')) fail(trial, `the next generate reported hand edits that never happened:\n${run.stderr}`);
  if (hasStackTrace(run.stderr)) fail(trial, `the next generate printed a stack trace:\n${run.stderr}`);
  const tree = snapshotTree(fleet.out);
  if (!sameTree(tree, fleet.newTree)) fail(trial, `after the next generate out/ is not the new render: ${treeDiff(tree, fleet.newTree)}`);
  const left = leftovers(fleet.ws);
  if (left.length) fail(trial, `the next generate left ${left.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// kill -9 at random moments.

export type KillOutcome = 'old tree' | 'old tree + staging' | 'no out/ (between the renames)' | 'new tree + leftovers' | 'new tree' | 'finished before the kill';

export interface KillReport {
  readonly kills: number;
  readonly outcomes: Record<string, number>;
  readonly calibration: { totalMs: number; lockMs: number | undefined };
}

/**
 * `kills` generate processes (old out/ → new environments) killed with SIGKILL at random moments
 * (fixed seed): a quarter anywhere in the run, the rest in the writing phase (after the lock file
 * appears, where a kill can break something). After each: out/ is the old render or the new render
 * byte for byte, or absent with both trees beside it; generate --check then leaves out/ as one of
 * the two; the next generate succeeds with no "edited by hand" note and leaves nothing behind.
 */
export async function killRuns(fleet: Fleet, kills: number, seed: number, log: (line: string) => void = () => {}): Promise<KillReport> {
  const rand = random(seed);
  const lockFile = path.join(fleet.ws, '.slipway-out.lock');

  // Calibration: one whole run, timing when the lock appears (writing starts) and when it ends.
  resetToOld(fleet);
  const calibration = spawnCli(fleet.ws, ['generate']);
  let lockMs: number | undefined;
  const watch = (async () => {
    let finished = false;
    void calibration.done.then(() => (finished = true));
    while (!finished && lockMs === undefined) {
      if (existsSync(lockFile)) lockMs = performance.now() - calibration.started;
      await sleep(1);
    }
  })();
  const whole = await calibration.done;
  await watch;
  if (whole.code !== 0) throw new Error(`calibration run failed: ${whole.stderr}`);
  if (!sameTree(snapshotTree(fleet.out), fleet.newTree)) throw new Error(`calibration run did not write the new render: ${treeDiff(snapshotTree(fleet.out), fleet.newTree)}`);
  const totalMs = whole.ms;
  const writeMs = Math.max(20, totalMs - (lockMs ?? totalMs * 0.8));
  log(`calibration: ${totalMs.toFixed(0)} ms per generate, lock taken at ${lockMs?.toFixed(0) ?? '?'} ms, writing phase ~${writeMs.toFixed(0)} ms`);

  const outcomes: Record<string, number> = {};
  for (let k = 1; k <= kills; k++) {
    const trial = `kill ${k}/${kills} (seed ${seed})`;
    resetToOld(fleet);
    const anywhere = rand() < 0.25;
    const delay = rand() * (anywhere ? totalMs * 1.05 : writeMs * 1.2);
    const child = spawnCli(fleet.ws, ['generate']);
    let exited = false;
    void child.done.then(() => (exited = true));
    if (!anywhere) while (!exited && !existsSync(lockFile)) await sleep(1);
    await sleep(delay);
    child.kill();
    const result = await child.done;

    let outcome: KillOutcome;
    const besides = leftovers(fleet.ws).filter((n) => n !== '.slipway-out.lock');
    if (result.signal !== 'SIGKILL') {
      if (result.code !== 0) fail(trial, `generate exited ${result.code} before the kill: ${result.stderr}`);
      outcome = 'finished before the kill';
    } else if (!existsSync(fleet.out)) {
      if (!existsSync(path.join(fleet.ws, '.slipway-out.previous')) || !existsSync(path.join(fleet.ws, '.slipway-out.staging'))) fail(trial, `out/ is gone but the trees beside it are ${besides.join(', ') || 'absent'}`);
      outcome = 'no out/ (between the renames)';
    } else {
      const tree = snapshotTree(fleet.out);
      if (sameTree(tree, fleet.oldTree)) outcome = besides.length ? 'old tree + staging' : 'old tree';
      else if (sameTree(tree, fleet.newTree)) outcome = besides.length ? 'new tree + leftovers' : 'new tree';
      else fail(trial, `killed after ${delay.toFixed(0)} ms${anywhere ? '' : ' of writing'}, out/ is a mix: against the old render ${treeDiff(tree, fleet.oldTree)}; against the new ${treeDiff(tree, fleet.newTree)}`);
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;

    // --check settles an interrupted switch and reads one whole tree.
    const check = await runIn(fleet.ws, ['generate', '--check']);
    if (check.code !== 0 && check.code !== 1) fail(trial, `generate --check exited ${check.code}: ${check.stderr}`);
    if (hasStackTrace(check.stderr)) fail(trial, `generate --check printed a stack trace:\n${check.stderr}`);
    const settled = snapshotTree(fleet.out);
    const isOld = sameTree(settled, fleet.oldTree);
    if (!isOld && !sameTree(settled, fleet.newTree)) fail(trial, `after generate --check out/ is neither render: ${treeDiff(settled, fleet.newTree)}`);
    if ((check.code === 0) === isOld) fail(trial, `generate --check exited ${check.code} on the ${isOld ? 'old' : 'new'} tree`);

    await generateCleanly(fleet, trial);
  }
  return { kills, outcomes, calibration: { totalMs, lockMs } };
}

/**
 * `kills` generate processes writing out/ where there is none, killed with SIGKILL at random
 * moments after the lock appears (fixed seed). Such a generate fills its staging tree while the fleet
 * is still rendering (StagingTree in emit.ts). After each kill: out/ is absent or the whole render,
 * never a part of it; generate --check reports it missing (exit 1) or up to date (exit 0); the next
 * generate writes it whole and leaves nothing beside it. Leaves the fleet at its old out/.
 */
export async function freshKillRuns(fleet: Fleet, kills: number, seed: number): Promise<Record<string, number>> {
  const rand = random(seed);
  const lockFile = path.join(fleet.ws, '.slipway-out.lock');
  const clear = () => {
    for (const name of readdirSync(fleet.ws)) if (name.startsWith('.slipway-')) rmSync(path.join(fleet.ws, name), { recursive: true, force: true });
    rmSync(fleet.out, { recursive: true, force: true });
  };
  const outcomes: Record<string, number> = {};
  try {
    clear();
    const whole = await spawnCli(fleet.ws, ['generate']).done;
    if (whole.code !== 0) throw new Error(`the fresh render failed: ${whole.stderr}`);
    const fresh = snapshotTree(fleet.out);
    for (let k = 1; k <= kills; k++) {
      const trial = `fresh kill ${k}/${kills} (seed ${seed})`;
      clear();
      const child = spawnCli(fleet.ws, ['generate']);
      let exited = false;
      void child.done.then(() => (exited = true));
      while (!exited && !existsSync(lockFile)) await sleep(1);
      const lockedAt = performance.now();
      await sleep(rand() * whole.ms);
      child.kill();
      const result = await child.done;
      let outcome: string;
      if (result.signal !== 'SIGKILL') {
        if (result.code !== 0) fail(trial, `generate exited ${result.code} before the kill: ${result.stderr}`);
        outcome = 'finished before the kill';
      } else if (!existsSync(fleet.out)) outcome = 'no out/';
      else if (sameTree(snapshotTree(fleet.out), fresh)) outcome = 'the whole render';
      else fail(trial, `killed ${(performance.now() - lockedAt).toFixed(0)} ms after the lock, out/ is part of the render: ${treeDiff(snapshotTree(fleet.out), fresh)}`);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      const check = await runIn(fleet.ws, ['generate', '--check']);
      if (hasStackTrace(check.stderr)) fail(trial, `generate --check printed a stack trace:\n${check.stderr}`);
      if (check.code !== (existsSync(fleet.out) ? 0 : 1)) fail(trial, `generate --check exited ${check.code} with ${existsSync(fleet.out) ? 'the whole render' : 'no out/'}: ${check.stderr}`);
      const next = await runIn(fleet.ws, ['generate']);
      if (next.code !== 0 || hasStackTrace(next.stderr)) fail(trial, `the next generate exited ${next.code}: ${next.stderr}`);
      if (!sameTree(snapshotTree(fleet.out), fresh)) fail(trial, `after the next generate out/ is not the render: ${treeDiff(snapshotTree(fleet.out), fresh)}`);
      const left = leftovers(fleet.ws);
      if (left.length) fail(trial, `the next generate left ${left.join(', ')}`);
    }
  } finally {
    resetToOld(fleet);
  }
  return outcomes;
}

// ---------------------------------------------------------------------------------------------
// Two generates at once.

export interface ConcurrencyReport {
  readonly trials: number;
  readonly outcomes: Record<string, number>;
}

/**
 * `trials` times: two generate processes started together on the old out/. Each exits 0 or 2; at
 * least one writes; one that exits 2 printed exactly one line naming the lock's holder; neither
 * printed a stack trace; out/ (manifest included) is the new render, nothing is left beside it.
 */
export async function concurrentRuns(fleet: Fleet, trials: number): Promise<ConcurrencyReport> {
  const outcomes: Record<string, number> = {};
  for (let t = 1; t <= trials; t++) {
    const trial = `concurrent trial ${t}/${trials}`;
    resetToOld(fleet);
    const runs = await Promise.all([spawnCli(fleet.ws, ['generate']), spawnCli(fleet.ws, ['generate'])].map((s) => s.done));
    for (const r of runs) {
      if (hasStackTrace(r.stderr)) fail(trial, `a generate printed a stack trace:\n${r.stderr}`);
      if (r.code === 2) {
        const lines = r.stderr.trimEnd().split('\n');
        if (lines.length !== 1 || !/^slipway generate: out\/ is being written by another slipway generate \(pid \d+ on \S+, started \S+\): wait for it to finish, or delete \.slipway-out\.lock if that process is gone\.$/.test(lines[0]!)) {
          fail(trial, `the refused generate did not print the one-line lock message:\n${r.stderr}`);
        }
      } else if (r.code !== 0) fail(trial, `a generate exited ${r.code}:\n${r.stderr}`);
    }
    const codes = runs.map((r) => r.code).sort();
    if (!codes.includes(0)) fail(trial, 'neither generate wrote out/');
    const written = runs.filter((r) => r.code === 0).map((r) => /(\d+) written/.exec(r.stdout)?.[1]);
    const outcome = codes.join('+') === '0+2' ? 'one wrote, the other was refused (exit 2)' : written.includes('0') ? 'serialized (the second found out/ up to date)' : 'both wrote';
    if (outcome === 'both wrote') fail(trial, `both generates wrote out/ (${runs.map((r) => r.stdout.trim()).join(' / ')})`);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const tree = snapshotTree(fleet.out);
    if (!sameTree(tree, fleet.newTree)) fail(trial, `out/ is not the new render: ${treeDiff(tree, fleet.newTree)}`);
    const left = leftovers(fleet.ws);
    if (left.length) fail(trial, `left ${left.join(', ')}`);
  }
  return { trials, outcomes };
}

// ---------------------------------------------------------------------------------------------
// Read-only folders, a full disk, an unreadable environments/ folder.

export interface ReadOnly {
  /** How the folder was made read-only, for the report. */
  readonly how: string;
  /** The cause generate must name. */
  readonly cause: string;
  undo(): void;
}

const isRoot = () => process.getuid?.() === 0;
const quietly = (file: string, args: string[]) => execFileSync(file, args, { stdio: 'ignore' });

function writeFails(dir: string): boolean {
  const probe = path.join(dir, '.slipway-probe');
  try {
    writeFileSync(probe, 'x');
  } catch {
    return true;
  }
  rmSync(probe, { force: true });
  return false;
}

/**
 * Makes `dir` read-only for the generate this process runs, or says why it cannot. chmod is what a
 * user does, but these tests run as root here, and root writes through any mode; so as root the
 * folder becomes a read-only bind mount of itself (mount --bind, then remount,bind,ro: needs
 * CAP_SYS_ADMIN, which a plain container lacks), else immutable (chattr +i: needs a file system
 * with the attribute, e.g. ext4, xfs, btrfs, tmpfs); each is checked by a write that must fail.
 */
export function makeReadOnly(dir: string): ReadOnly | string {
  // FAULT_READONLY=mount or chattr tries only that method (to check each works where it can).
  const only = process.env.FAULT_READONLY;
  if (!isRoot()) {
    const mode = statSync(dir).mode & 0o7777;
    chmodSync(dir, 0o555);
    if (writeFails(dir)) return { how: 'chmod 555', cause: 'permission denied (EACCES)', undo: () => chmodSync(dir, mode) };
    chmodSync(dir, mode);
    return `chmod 555 does not stop this user writing to ${dir}`;
  }
  if (only !== 'chattr') {
    try {
      quietly('mount', ['--bind', dir, dir]);
      try {
        quietly('mount', ['-o', 'remount,bind,ro', dir]);
        if (writeFails(dir)) return { how: 'read-only bind mount (root ignores chmod)', cause: 'read-only file system (EROFS)', undo: () => quietly('umount', [dir]) };
      } catch {
        // fall through to umount and the next method
      }
      quietly('umount', [dir]);
    } catch {
      // no mount here
    }
  }
  if (only !== 'mount') {
    try {
      quietly('chattr', ['+i', dir]);
      if (writeFails(dir)) return { how: 'chattr +i (root ignores chmod; no mount here)', cause: 'operation not permitted', undo: () => quietly('chattr', ['-i', dir]) };
      quietly('chattr', ['-i', dir]);
    } catch {
      // no chattr, or a file system without the attribute
    }
  }
  return 'running as root, where chmod does not stop writes, and neither a read-only bind mount nor chattr +i works here';
}

export interface FaultResult {
  /** Why the fault could not be made here (the caller skips or, under CI, fails). */
  readonly skipped?: string;
  /** The one line generate printed, and how the fault was made. */
  readonly line?: string;
  readonly how?: string;
}

/** A workspace of the two example environments with out/ generated, a foreign file in it, and a change pending. */
async function smallWorkspace(ws: string): Promise<void> {
  cpSync(path.join(repoRoot, 'environments'), path.join(ws, 'environments'), { recursive: true });
  const first = await runIn(ws, ['generate']);
  if (first.code !== 0) throw new Error(`generate failed: ${first.stderr}`);
  writeFileSync(path.join(ws, 'out/README.md'), 'foreign\n');
  writeFileSync(path.join(ws, 'environments', `${envName(1)}.yaml`), environment(1));
}

/** generate fails as it must: exit 2, one line naming `names` and `cause`, out/ byte-identical, nothing beside it. */
async function failsCleanly(ws: string, trial: string, names: string, cause: string, before: Map<string, string>, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const run = await runIn(ws, ['generate'], env);
  const lines = run.stderr.trimEnd().split('\n');
  if (run.code !== 2) fail(trial, `generate exited ${run.code}, not 2:\n${run.stdout}${run.stderr}`);
  if (lines.length !== 1 || hasStackTrace(run.stderr)) fail(trial, `generate printed more than one line:\n${run.stderr}`);
  if (!lines[0]!.includes(names) || !lines[0]!.includes(cause)) fail(trial, `the message does not name ${names} and ${cause}: ${lines[0]}`);
  const after = snapshotTree(path.join(ws, 'out'));
  if (!sameTree(after, before)) fail(trial, `out/ changed: ${treeDiff(after, before)}`);
  const left = leftovers(ws);
  if (left.length) fail(trial, `left ${left.join(', ')}`);
  return lines[0]!;
}

/**
 * out/ itself (`where` 'out'), a folder in it ('out/<path>') or the folder holding it ('.') made
 * read-only: generate fails cleanly naming that folder; writable again, it succeeds.
 */
export async function readOnlyRun(where: string): Promise<FaultResult> {
  const ws = mkdtempSync(path.join(tmpdir(), 'slipway-readonly-'));
  try {
    await smallWorkspace(ws);
    const target = path.join(ws, where);
    const before = snapshotTree(path.join(ws, 'out'));
    const readOnly = makeReadOnly(target);
    if (typeof readOnly === 'string') return { skipped: readOnly };
    const names = where === '.' ? 'Cannot create the lock file .slipway-out.lock next to out/:' : `Cannot write ${where}/:`;
    let line: string;
    try {
      line = await failsCleanly(ws, `read-only ${where} (${readOnly.how})`, names, readOnly.cause, before);
    } finally {
      readOnly.undo();
    }
    const again = await runIn(ws, ['generate']);
    if (again.code !== 0) throw new Error(`generate failed once ${where} was writable again: ${again.stderr}`);
    return { line, how: readOnly.how };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

/**
 * generate --check after a kill between the renames that left a carried folder (carried.ts) in the
 * staging tree, in a checkout it cannot write (the folder holding out/ read-only: no lock, so
 * nothing can be moved back): one line saying so, exit 2, nothing moved. Writable again, --check
 * settles the switch (the old tree back, whole) and reports the pending change (exit 1).
 */
export async function readOnlyCheckRun(): Promise<FaultResult> {
  const ws = mkdtempSync(path.join(tmpdir(), 'slipway-readonly-check-'));
  try {
    await smallWorkspace(ws);
    const before = snapshotTree(path.join(ws, 'out'));
    const at = (name: string) => path.join(ws, name);
    renameSync(at('out'), at('.slipway-out.previous'));
    mkdirSync(at('.slipway-out.staging'));
    renameSync(at('.slipway-out.previous/base'), at('.slipway-out.staging/base'));
    writeFileSync(at('.slipway-out.carried'), '["base"]\n');
    const readOnly = makeReadOnly(ws);
    if (typeof readOnly === 'string') return { skipped: readOnly };
    const trial = `generate --check, read-only checkout, killed while carrying (${readOnly.how})`;
    let line: string;
    try {
      const run = await runIn(ws, ['generate', '--check']);
      const lines = run.stderr.trimEnd().split('\n');
      if (run.code !== 2 || lines.length !== 1 || hasStackTrace(run.stderr)) fail(trial, `exited ${run.code}, not 2 with one line:\n${run.stderr}`);
      line = lines[0]!;
      if (!line.includes('out/ is missing') || !line.includes('moved 1 of its folders')) fail(trial, `the line does not say what is wrong: ${line}`);
      if (existsSync(at('out')) || !existsSync(at('.slipway-out.staging/base'))) fail(trial, 'something was moved');
    } finally {
      readOnly.undo();
    }
    const settled = await runIn(ws, ['generate', '--check']);
    if (settled.code !== 1) fail(trial, `writable again, --check exited ${settled.code}, not 1: ${settled.stderr}`);
    const after = snapshotTree(at('out'));
    if (!sameTree(after, before)) fail(trial, `the settled out/ is not the old tree: ${treeDiff(after, before)}`);
    if (leftovers(ws).length) fail(trial, `left ${leftovers(ws).join(', ')}`);
    return { line, how: readOnly.how };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

/**
 * A small tmpfs holding the workspace, filled up to the last few pages: a change that writes about a
 * hundred new files runs out of space while the new tree is built. Mounting needs root, or a
 * passwordless `sudo -n` (GitHub's runners have one; the tmpfs is then owned by this user).
 */
export async function diskFullRun(): Promise<FaultResult> {
  const viaSudo = !isRoot();
  if (viaSudo) {
    try {
      quietly('sudo', ['-n', 'true']);
    } catch {
      return { skipped: 'a full disk needs a small tmpfs, and mounting one needs root or a passwordless sudo' };
    }
  }
  const privileged = (args: string[]) => (viaSudo ? quietly('sudo', ['-n', ...args]) : quietly(args[0]!, args.slice(1)));
  const root = mkdtempSync(path.join(tmpdir(), 'slipway-disk-'));
  const ws = path.join(root, 'disk');
  mkdirSync(ws);
  try {
    privileged(['mount', '-t', 'tmpfs', '-o', `size=8m,mode=0755,uid=${process.getuid?.() ?? 0},gid=${process.getgid?.() ?? 0}`, 'tmpfs', ws]);
  } catch {
    rmSync(root, { recursive: true, force: true });
    return { skipped: 'mount -t tmpfs failed (no CAP_SYS_ADMIN here)' };
  }
  try {
    await smallWorkspace(ws);
    const filler = path.join(ws, 'filler');
    // Room for the lock file and a few new files, not for the hundred the change needs.
    fillDisk(filler, 8 * 4096);
    const before = snapshotTree(path.join(ws, 'out'));
    const line = await failsCleanly(ws, 'full disk (8 MB tmpfs)', 'out/', 'no space left on device (ENOSPC)', before);
    // From no out/, the staging tree is written while the fleet renders, an environment's files by
    // the worker thread that renders it: the disk fills up there.
    rmSync(path.join(ws, 'out'), { recursive: true });
    fillDisk(filler, 8 * 4096);
    const fresh = await runIn(ws, ['generate'], { SLIPWAY_RENDER_WORKERS: '1' });
    const trial = 'full disk (8 MB tmpfs), no out/ before';
    if (fresh.code !== 2 || fresh.stderr.trimEnd().split('\n').length !== 1 || hasStackTrace(fresh.stderr)) fail(trial, `generate exited ${fresh.code}, not 2 with one line:\n${fresh.stderr}`);
    if (!fresh.stderr.includes('no space left on device (ENOSPC)')) fail(trial, `the message does not name the cause: ${fresh.stderr}`);
    if (existsSync(path.join(ws, 'out'))) fail(trial, 'out/ was made');
    if (leftovers(ws).length) fail(trial, `left ${leftovers(ws).join(', ')}`);
    rmSync(filler);
    const again = await runIn(ws, ['generate']);
    if (again.code !== 0) throw new Error(`generate failed once there was room again: ${again.stderr}`);
    return { line, how: '8 MB tmpfs filled to the last 8 pages' };
  } finally {
    privileged(['umount', ws]);
    rmSync(root, { recursive: true, force: true });
  }
}

/** Writes `filler` until the disk is full, then gives `spare` bytes back. */
function fillDisk(filler: string, spare: number): void {
  const fd = openSync(filler, 'a');
  const chunk = Buffer.alloc(16384);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  truncateSync(filler, Math.max(0, statSync(filler).size - spare));
}

/**
 * environments/ unreadable: chmod 000. Root reads it anyway, so as root generate runs as a real
 * process under the unprivileged uid 65534 (nobody), for which the mode holds.
 */
export async function unreadableEnvironmentsRun(): Promise<FaultResult> {
  const ws = mkdtempSync(path.join(tmpdir(), 'slipway-unreadable-'));
  try {
    cpSync(path.join(repoRoot, 'environments'), path.join(ws, 'environments'), { recursive: true });
    chmodSync(ws, 0o755);
    chmodSync(path.join(ws, 'environments'), 0o000);
    const cause = 'permission denied (EACCES)';
    const expected = `slipway generate: Cannot read the environments folder environments/: ${cause}; nothing was written.`;
    let text: string;
    let code: number | null;
    let how: string;
    if (isRoot()) {
      const run = await spawnCli(ws, ['generate'], { uid: 65534, gid: 65534 }).done.catch((e: Error) => ({ code: null, stderr: `spawn failed: ${e.message}` }));
      if (run.code === null) return { skipped: `cannot run generate as uid 65534 (${run.stderr})` };
      [text, code, how] = [run.stderr, run.code, 'chmod 000, generate run as uid 65534 (root reads any mode)'];
    } else {
      const run = await runIn(ws, ['generate']);
      [text, code, how] = [run.stderr, run.code, 'chmod 000'];
    }
    if (code !== 2 || text.trimEnd() !== expected) fail('unreadable environments/', `expected exit 2 and "${expected}", got exit ${code}:\n${text}`);
    if (existsSync(path.join(ws, 'out'))) fail('unreadable environments/', 'out/ was created');
    return { line: expected, how };
  } finally {
    chmodSync(path.join(ws, 'environments'), 0o755);
    rmSync(ws, { recursive: true, force: true });
  }
}
