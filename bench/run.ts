// npm run bench [-- 1 10 100 500]: a synthetic fleet of N environments in a temporary git
// repository, timing validate, generate, generate --check and diff as separate processes of the
// compiled CLI (npm run bench builds it first).
// Prints wall time, cost per environment and peak memory (RSS) as a table.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const fleet = sizes.length ? sizes : [1, 10, 100, 500];
const template = readFileSync(path.join(root, 'environments/numbers-test.yaml'), 'utf8');

/** Environment i of the fleet: its own name, zone and state account, otherwise like numbers-test. */
function environment(i: number): string {
  const name = `bench-${String(i).padStart(4, '0')}`;
  return template
    .replace('name: numbers-test', `name: ${name}`)
    .replace('storageAccount: stnumberstesttfstate', `storageAccount: st${name.replace('-', '')}tf`)
    .replace('zone: test.retro.numbers.example.com', `zone: ${name}.retro.numbers.example.com`)
    .replace('host: retro.test.retro.numbers.example.com', `host: retro.${name}.retro.numbers.example.com`);
}

interface Measure {
  seconds: number;
  maxRssMb: number;
  code: number;
}

function run(cwd: string, args: string[]): Measure {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [path.join(root, 'bench/measure.mjs'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 512 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const report = /__bench__ (\{.*\})/.exec(result.stderr);
  if (!report) throw new Error(`slipway ${args.join(' ')} failed:\n${result.stderr.slice(-2000)}`);
  return { seconds, maxRssMb: JSON.parse(report[1]!).maxRssKb / 1024, code: result.status ?? -1 };
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' } });

const rows: string[][] = [];
for (const n of fleet) {
  const ws = mkdtempSync(path.join(os.tmpdir(), `slipway-bench-${n}-`));
  try {
    mkdirSync(path.join(ws, 'environments'));
    cpSync(path.join(root, 'schema'), path.join(ws, 'schema'), { recursive: true });
    for (let i = 1; i <= n; i++) writeFileSync(path.join(ws, 'environments', `bench-${String(i).padStart(4, '0')}.yaml`), environment(i));
    git(ws, 'init', '-q', '-b', 'main');
    git(ws, 'add', '.');
    git(ws, 'commit', '-q', '-m', 'fleet');
    const measures: Array<[string, Measure]> = [
      ['validate', run(ws, ['validate'])],
      ['generate', run(ws, ['generate'])],
      ['generate --check', run(ws, ['generate', '--check'])],
    ];
    // The team commits out/ with the environments; diff compares against that commit.
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', 'out');
    // A change in every environment for the diff to find.
    for (let i = 1; i <= n; i++) {
      const file = path.join(ws, 'environments', `bench-${String(i).padStart(4, '0')}.yaml`);
      writeFileSync(file, readFileSync(file, 'utf8').replace('  ingressNginx:\n    replicas: 1', '  ingressNginx:\n    replicas: 2'));
    }
    // The file-level diff at fleet scale; rendering every environment's charts is verify's cost, measured on its own.
    measures.push(['diff --no-render', run(ws, ['diff', '--base', 'main', '--no-render', '--output', path.join(ws, 'diff.md')])]);
    for (const [command, m] of measures) {
      if (m.code !== 0) throw new Error(`slipway ${command} exited ${m.code} for ${n} environments`);
      rows.push([String(n), command, m.seconds.toFixed(2), ((m.seconds * 1000) / n).toFixed(1), m.maxRssMb.toFixed(0)]);
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

const header = ['environments', 'command', 'wall (s)', 'per environment (ms)', 'peak RSS (MB)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
console.log(line(header));
console.log(`| ${widths.map((w, i) => (i < 2 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`);
for (const r of rows) console.log(line(r));
console.log(`\nnode ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`);
