// npm run bench [-- examples 100 500] [-- --runs N]: Slipway beside the tools a user would otherwise
// run on the same output, as whole processes of the compiled CLI (npm run bench builds it first).
//
// For each fleet ("examples" = this repository's environments/, a number N = a synthetic fleet of N
// copies of numbers-test) a temporary git repository holds the environments and the committed out/;
// the working tree then changes every environment a little, so diff has something to find. Each
// round runs, one after another: the floor (`node -e 0`), slipway validate, generate (from no out/),
// `cp -r` of the out/ it wrote (generate's peer: the file system's own cost of writing that tree),
// generate --check, diff --no-render, generate after a change to one environment, and `kubectl
// kustomize` of every folder of out/ that holds a kustomization.yaml (one process per folder, as a
// script would); on the examples also slipway verify and `helm template` of every helmfile release
// with its pinned chart archive. Ratios are taken within
// a round (the machine's speed drifts between rounds) and the median is printed; so are the median
// wall time and Slipway's peak RSS (the largest of the rounds).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { findOnPath } from '../generator/find-on-path.ts';

const root = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const runsFlag = argv.indexOf('--runs');
const runsGiven = runsFlag >= 0 ? Number(argv[runsFlag + 1]) : undefined;
const fleetArgs = argv.filter((a, i) => a !== '--runs' && (runsFlag < 0 || i !== runsFlag + 1));
type Fleet = 'examples' | number;
const fleets: Fleet[] = fleetArgs.length ? fleetArgs.map((a) => (a === 'examples' ? 'examples' : Number(a))).filter((f) => f === 'examples' || f > 0) : ['examples', 100, 500];
/** Rounds per fleet: enough for a median where a round is short, one where it takes minutes. */
const roundsFor = (f: Fleet) => runsGiven ?? (f === 'examples' || f <= 10 ? 5 : f <= 100 ? 3 : 1);

const template = readFileSync(path.join(root, 'environments/numbers-test.yaml'), 'utf8');
const cli = path.join(root, 'bench/measure.mjs');
const charts = process.env.SLIPWAY_CHART_DIR ?? chartDirOfRepository();
const kubectl = findOnPath('kubectl', process.env.PATH ?? '');

/** Environment i of a synthetic fleet: its own name, zone and state account, otherwise like numbers-test. */
function environment(i: number): string {
  const name = `bench-${String(i).padStart(4, '0')}`;
  return template
    .replace('name: numbers-test', `name: ${name}`)
    .replace('storageAccount: stnumberstesttfstate', `storageAccount: st${name.replace('-', '')}tf`)
    .replace('zone: test.retro.numbers.example.com', `zone: ${name}.retro.numbers.example.com`)
    .replace('host: retro.test.retro.numbers.example.com', `host: retro.${name}.retro.numbers.example.com`);
}

function chartDirOfRepository(): string | undefined {
  try {
    const configured = (JSON.parse(readFileSync(path.join(root, 'slipway.config.json'), 'utf8')) as { chartDir?: string }).chartDir;
    return configured ? path.resolve(root, configured) : undefined;
  } catch {
    return undefined;
  }
}

interface Sample {
  seconds: number;
  maxRssMb?: number;
}

const env = { ...process.env, NO_COLOR: '1', ...(charts ? { SLIPWAY_CHART_DIR: charts } : {}) };

function timed(file: string, args: readonly string[], cwd: string, what: string, okCodes = [0], extraEnv: NodeJS.ProcessEnv = {}): Sample {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd, encoding: 'utf8', env: { ...env, ...extraEnv }, maxBuffer: 1024 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error || !okCodes.includes(result.status ?? -1)) throw new Error(`${what} failed (exit ${result.status}):\n${(result.stderr ?? String(result.error)).slice(-2000)}`);
  return { seconds, maxRssMb: rssOf(result.stderr) };
}

/** measure.mjs prints the process's peak RSS on exit. */
function rssOf(stderr: string): number | undefined {
  const report = /__bench__ (\{.*\})/.exec(stderr);
  return report ? JSON.parse(report[1]!).maxRssKb / 1024 : undefined;
}

// The load cache lives in the fleet's workspace (XDG_CACHE_HOME): the runs after the setup's find it
// warm, as a developer's next run does; the "no load cache" rows are a fresh CI runner's first run.
const slipway = (cwd: string, ...args: string[]) => timed(process.execPath, [cli, ...args], cwd, `slipway ${args.join(' ')}`, [0], { XDG_CACHE_HOME: path.join(cwd, '.cache') });
const slipwayCold = (cwd: string, ...args: string[]) => timed(process.execPath, [cli, ...args], cwd, `slipway ${args.join(' ')}`, [0], { SLIPWAY_LOAD_CACHE: 'off' });

/**
 * `cp -r` of out/ to a sibling folder (the same file system), timed alone: the floor of writing the
 * tree generate wrote. -r, not -a: fresh files as generate makes them, without setting times and
 * owners. The copy is then moved aside (see setAside); the flushes around it are not timed.
 */
function copyOfOut(out: string): Sample {
  const copy = `${out}-copy`;
  settle(out);
  const sample = timed('cp', ['-r', out, copy], path.dirname(out), 'cp -r of out/');
  setAside(copy);
  settle(out);
  return sample;
}

/**
 * On ext4 without a journal (these machines' disk), every inode allocated skips each inode of its
 * group deleted within the last minute, or longer while that inode is not yet written back
 * (fs/ext4/ialloc.c: find_inode_bit checks recently_deleted when there is no journal). Creating
 * 70,000 files right after removing 70,000 took 8 to 22 s here instead of 1.2 to 2 s, and more in
 * each round. A fresh checkout has removed nothing; so a round never removes a tree: it renames it
 * into the workspace's .aside/ folder, removed with the workspace after the fleet. Only the setup's
 * generate removes files (its previous tree): generate from no out/ is timed once a minute has
 * passed since then, after a flush (both untimed).
 */
function setAside(dir: string): void {
  const aside = path.join(path.dirname(dir), '.aside');
  mkdirSync(aside, { recursive: true });
  renameSync(dir, path.join(aside, `${path.basename(dir)}-${readdirSync(aside).length}`));
}

let lastRemoval = 0;
const SKIPPED_FOR_MS = 61_000;
function waitForRemovalsToAge(dir: string): void {
  settle(dir);
  const wait = lastRemoval + SKIPPED_FOR_MS - Date.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
}

/** One more ingress-nginx replica: a change to a few files of that environment. */
function bumpReplicas(file: string): void {
  writeFileSync(file, readFileSync(file, 'utf8').replace(/( {2}ingressNginx:\n {4}replicas: )(\d+)/, (_, head: string, n: string) => `${head}${Number(n) + 1}`));
}

/** Several processes one after another, timed as one. */
function sequence(runs: ReadonlyArray<readonly [string, readonly string[]]>, cwd: string, what: string): Sample {
  let seconds = 0;
  for (const [file, args] of runs) seconds += timed(file, args, cwd, `${what}: ${[file, ...args].join(' ')}`).seconds;
  return { seconds };
}

/** Every folder of out/ that kustomize can build (the Flux paths and the base layer they include). */
function kustomizeFolders(out: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === 'kustomization.yaml')) found.push(dir);
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(out);
  return found.sort();
}

/** How many files `cp -r` of out/ creates (folders aside): the size of the tree generate writes. */
function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

/**
 * Flushes the file system that holds dir, untimed, before and after the runs that write a tree.
 * Writing tens of thousands of files leaves work the kernel does later (write-back, a journal
 * commit); without this, cp would pay for generate's writes and the next generate for cp's.
 */
const settle = (dir: string) => execFileSync('sync', ['-f', dir], { stdio: 'ignore' });

/** `helm template` of every helmfile release with a pinned chart in the chart folder, with its values files. */
function helmTemplates(out: string, helm: string, chartDir: string): Array<readonly [string, readonly string[]]> {
  const runs: Array<readonly [string, readonly string[]]> = [];
  for (const name of readdirSync(out).sort()) {
    const helmfile = path.join(out, name, 'helmfile', 'helmfile.yaml');
    if (!existsSync(helmfile)) continue;
    const doc = parse(readFileSync(helmfile, 'utf8')) as { releases?: Array<{ name: string; namespace: string; chart: string; version?: string; values?: string[] }> };
    for (const r of doc.releases ?? []) {
      if (!r.version) continue; // a local chart with helmfile templates: helmfile's own work
      const archive = path.join(chartDir, `${r.chart.split('/').pop()}-${r.version}.tgz`);
      if (!existsSync(archive)) continue;
      const values = (r.values ?? []).filter((v) => v.endsWith('.yaml')).flatMap((v) => ['--values', path.join(out, name, 'helmfile', v)]);
      runs.push([helm, ['template', r.name, archive, '--namespace', r.namespace, ...values]]);
    }
  }
  return runs;
}

async function findHelmBinary(): Promise<string | undefined> {
  try {
    const { findHelm } = (await import(path.join(root, 'generator/verify/helm.ts'))) as typeof import('../generator/verify/helm.ts');
    return (await findHelm({ env: process.env })).path;
  } catch {
    return undefined;
  }
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' } });

/** The rows that time other tools (no time per environment): the command names they start with. */
const yardsticks = ['node ', 'kubectl ', 'helm ', 'cp '];

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row {
  fleet: string;
  command: string;
  samples: Sample[];
  /** Per round: this command's time over the floor's and over the peer's of the same round. */
  overFloor?: number[];
  overPeer?: number[];
  peer?: string;
  perEnvironment?: number;
  target?: string;
  met?: boolean;
}

const helm = charts && existsSync(charts) ? await findHelmBinary() : undefined;
const rows: Row[] = [];
for (const fleet of fleets) {
  const ws = mkdtempSync(path.join(os.tmpdir(), `slipway-bench-${fleet}-`));
  try {
    mkdirSync(path.join(ws, 'environments'));
    cpSync(path.join(root, 'schema'), path.join(ws, 'schema'), { recursive: true });
    if (fleet === 'examples') cpSync(path.join(root, 'environments'), path.join(ws, 'environments'), { recursive: true });
    else for (let i = 1; i <= fleet; i++) writeFileSync(path.join(ws, 'environments', `bench-${String(i).padStart(4, '0')}.yaml`), environment(i));
    const environments = readdirSync(path.join(ws, 'environments')).filter((f) => /\.ya?ml$/.test(f));
    const count = environments.length;
    slipway(ws, 'generate');
    writeFileSync(path.join(ws, '.gitignore'), '.cache/\n.aside/\n');
    git(ws, 'init', '-q', '-b', 'main');
    // No automatic gc: after committing 70,000 loose objects, `git commit` starts a detached
    // `git gc --auto` that packs them (two busy cores) and then deletes them all, which slows every
    // file creation that follows (see setAside), in the middle of the timed runs.
    git(ws, 'config', 'gc.auto', '0');
    git(ws, 'add', '.');
    git(ws, 'commit', '-q', '-m', 'fleet and out');
    // A change in every environment for diff to find (kept in the working tree for every round).
    for (const file of environments) bumpReplicas(path.join(ws, 'environments', file));
    slipway(ws, 'generate');
    lastRemoval = Date.now(); // generate removes its previous tree
    const out = path.join(ws, 'out');
    const folders = kustomizeFolders(out);
    const kustomizeRuns = kubectl ? folders.map((f) => [kubectl, ['kustomize', f]] as const) : [];
    const helmRuns = fleet === 'examples' && helm && charts ? helmTemplates(out, helm, charts) : [];
    const copyCommand = `cp -r of out/, ${countFiles(out)} files`;

    const label = fleet === 'examples' ? `examples (${count})` : String(fleet);
    const byName = new Map<string, Row>();
    const row = (command: string, extra: Partial<Row> = {}) => {
      let r = byName.get(command);
      if (!r) byName.set(command, (r = { fleet: label, command, samples: [], ...extra }));
      return r;
    };
    for (let round = 0; round < roundsFor(fleet); round++) {
      const floor = timed(process.execPath, ['-e', '0'], ws, 'node -e 0');
      const measured: Array<[string, Sample]> = [
        ['validate', slipway(ws, 'validate')],
        ['validate, no load cache', slipwayCold(ws, 'validate')],
      ];
      // From no out/, as in a fresh checkout: out/ moved aside, no file removed within the last minute.
      setAside(out);
      waitForRemovalsToAge(ws);
      measured.push(['generate', slipway(ws, 'generate')]);
      const copy = copyOfOut(out);
      measured.push(['generate --check', slipway(ws, 'generate', '--check')]);
      measured.push(['generate --check, no load cache', slipwayCold(ws, 'generate', '--check')]);
      measured.push(['diff --no-render', slipway(ws, 'diff', '--base', 'main', '--no-render', '--output', path.join(ws, 'diff.md'))]);
      // The everyday run: one environment edited, out/ otherwise up to date. Its previous tree holds
      // the few files it replaces, too few removals to slow the next round's creations.
      bumpReplicas(path.join(ws, 'environments', environments[0]!));
      measured.push(['generate, one environment changed', slipway(ws, 'generate')]);
      const kustomize = kustomizeRuns.length ? sequence(kustomizeRuns, ws, 'kubectl kustomize') : undefined;
      let verify: Sample | undefined;
      let helmAll: Sample | undefined;
      if (helmRuns.length) {
        verify = timed(process.execPath, [cli, 'verify'], ws, 'slipway verify', [0, 1]);
        helmAll = sequence(helmRuns, ws, 'helm template');
      }
      row('node -e 0 (floor)').samples.push(floor);
      if (kustomize) {
        const k = row(`kubectl kustomize, ${folders.length} folders`);
        k.samples.push(kustomize);
        (k.overFloor ??= []).push(kustomize.seconds / floor.seconds);
      }
      const c = row(copyCommand);
      c.samples.push(copy);
      (c.overFloor ??= []).push(copy.seconds / floor.seconds);
      for (const [command, sample] of measured) {
        // generate is mostly file creation, whose cost on a shared disk varies tenfold between runs: its peer is cp.
        const peer = command === 'generate' ? { name: 'cp', sample: copy } : kustomize && { name: 'kustomize', sample: kustomize };
        const r = row(command, peer ? { peer: peer.name } : {});
        r.samples.push(sample);
        (r.overFloor ??= []).push(sample.seconds / floor.seconds);
        if (peer) (r.overPeer ??= []).push(sample.seconds / peer.sample.seconds);
      }
      if (verify && helmAll) {
        const h = row(`helm template, ${helmRuns.length} releases`);
        h.samples.push(helmAll);
        (h.overFloor ??= []).push(helmAll.seconds / floor.seconds);
        const v = row('verify', { peer: 'helm' });
        v.samples.push(verify);
        (v.overFloor ??= []).push(verify.seconds / floor.seconds);
        (v.overPeer ??= []).push(verify.seconds / helmAll.seconds);
      }
    }
    const copyWall = median(byName.get(copyCommand)!.samples.map((s) => s.seconds));
    for (const r of byName.values()) {
      const wall = median(r.samples.map((s) => s.seconds));
      const rss = Math.max(0, ...r.samples.map((s) => s.maxRssMb ?? 0));
      if (!yardsticks.some((y) => r.command.startsWith(y))) r.perEnvironment = (wall * 1000) / count;
      // The targets of issue 13, printed beside the figures (a bench reports, it never fails).
      const floorRatio = r.overFloor ? median(r.overFloor) : undefined;
      const command = r.command.replace(', no load cache', '');
      if (fleet === 'examples' && command === 'validate') [r.target, r.met] = ['≤ 4× floor', floorRatio! <= 4];
      if (fleet === 'examples' && command === 'generate --check') [r.target, r.met] = ['≤ 6× floor', floorRatio! <= 6];
      if (fleet === 'examples' && r.command === 'verify') [r.target, r.met] = ['≤ 10 s', wall <= 10];
      if (fleet === 500) {
        const limit = { validate: 1, generate: 5, 'generate, one environment changed': 5, 'generate --check': 4 }[command as 'validate'];
        // generate's seconds next to what the file system took to write the same tree in the same round.
        const floorNote = r.command === 'generate' ? ` (cp floor ${copyWall.toFixed(1)} s)` : '';
        if (limit !== undefined) [r.target, r.met] = [`≤ ${limit} s ${wall <= limit ? 'met' : 'missed'}${floorNote}, ≤ 500 MB`, rss <= 500];
      }
      rows.push(r);
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
    lastRemoval = Date.now(); // the next fleet's generate from no out/ waits for these removals to age
  }
}

const fmt = (x: number | undefined, digits: number) => (x === undefined ? '' : x.toFixed(digits));
const header = ['environments', 'command', 'rounds', 'wall (s)', 'per env (ms)', '× floor', '× peer', 'peak RSS (MB)', 'target'];
const cells = rows.map((r) => {
  const rss = Math.max(0, ...r.samples.map((s) => s.maxRssMb ?? 0));
  return [
    r.fleet,
    r.command,
    String(r.samples.length),
    fmt(median(r.samples.map((s) => s.seconds)), 2),
    fmt(r.perEnvironment, 1),
    fmt(r.overFloor && median(r.overFloor), 1),
    r.overPeer ? `${median(r.overPeer).toFixed(2)} (${r.peer})` : '',
    rss ? rss.toFixed(0) : '',
    r.target ? `${r.target} ${r.met ? 'met' : 'missed'}` : '',
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
const left = new Set([0, 1, 8]);
const line = (c: string[]) => `| ${c.map((x, i) => (left.has(i) ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
console.log(line(header));
console.log(`| ${widths.map((w, i) => (left.has(i) ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`);
for (const c of cells) console.log(line(c));
console.log(
  `\n× floor: wall time over \`node -e 0\`; × peer: over \`kubectl kustomize\` of every kustomization folder of the same out/ (verify: over \`helm template\` of every release; generate: over \`cp -r\` of the out/ it wrote, beside it on the same file system); medians of the ratios within each round.` +
    `${kubectl ? '' : ' kubectl not found: no kustomize column.'}${helm ? '' : ' helm or the chart folder not found: verify not measured.'}`,
);
console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, load average ${os.loadavg()[0]!.toFixed(1)} at the end`);
