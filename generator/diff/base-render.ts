// out/ as a base revision's own generator writes it, for a base that does not commit out/: the
// revision is checked out into a temporary git worktree (the working tree, index and HEAD stay as
// they are), given this checkout's node_modules, and its CLI runs `generate --out <temp>`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../package-root.ts';
import { existsAt, location } from './git.ts';

export class BaseRenderError extends Error {}

/** The entry points Slipway has had, newest first: the command line that runs each from source. */
const ENTRY_POINTS: ReadonlyArray<{ file: string; args: readonly string[] }> = [
  { file: 'generator/main.ts', args: ['--import', 'tsx', 'generator/main.ts'] },
  // Older revisions: a bin script that registers tsx itself.
  { file: 'bin/slipway.js', args: ['bin/slipway.js'] },
];

export interface BaseRenderOptions {
  /** Environment of the generator process (PATH, proxies, SLIPWAY_* settings). */
  readonly env: NodeJS.ProcessEnv;
  /** Schema locations the generator validates against, as this checkout resolves them (absolute folders). */
  readonly schemaLocations: readonly string[];
  readonly timeoutMs?: number;
}

export function renderWithGeneratorAt(commit: string, options: BaseRenderOptions): Map<string, string> {
  const cwd = process.cwd();
  const entry = ENTRY_POINTS.find((e) => existsAt(commit, e.file, cwd));
  if (!entry) throw new BaseRenderError(`it contains neither ${ENTRY_POINTS.map((e) => e.file).join(' nor ')}, so there is no generator to run`);
  const { top, prefix } = location(cwd);
  const modules = [path.join(cwd, 'node_modules'), path.join(top, 'node_modules'), path.join(packageRoot, 'node_modules')].find((d) => existsSync(path.join(d, 'tsx')));
  if (!modules) throw new BaseRenderError('no node_modules with tsx was found next to this checkout (run npm ci)');

  const temp = mkdtempSync(path.join(os.tmpdir(), 'slipway-base-'));
  const tree = path.join(temp, 'tree');
  const out = path.join(temp, 'out');
  const git = (...args: string[]) => spawnSync('git', args, { cwd: top, encoding: 'utf8' });
  try {
    const added = git('worktree', 'add', '--detach', '--quiet', tree, commit);
    if (added.status !== 0) throw new BaseRenderError(`git worktree add failed: ${added.stderr.trim()}`);
    const project = path.join(tree, prefix);
    if (!existsSync(path.join(project, 'node_modules'))) symlinkSync(modules, path.join(project, 'node_modules'), 'dir');
    const generate = (extra: readonly string[]) =>
      spawnSync(process.execPath, [...entry.args, 'generate', '--out', out, ...extra], {
        cwd: project,
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 10 * 60 * 1000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ...options.env, NO_COLOR: '1', SLIPWAY_SCHEMA_LOCATION: options.schemaLocations.join(',') },
      });
    // Checking the base's manifests against schemas is not the diff's job, and the schemas it
    // knows may not be reachable from here; the oldest generators have no such option at all.
    let run = generate(['--ignore-missing-schemas']);
    if (run.status === 2 && /ignore-missing-schemas/.test(run.stderr)) run = generate([]);
    if (run.status !== 0) {
      // The last lines say why; the temporary folder means nothing to a reviewer.
      const why = (run.stderr || run.stdout || run.error?.message || '').trim().split('\n').slice(-3).join(' ').replaceAll(temp, '<temp>');
      throw new BaseRenderError(`its generator (${entry.file}) exited with ${run.status ?? run.signal}: ${why}`);
    }
    return readTree(out);
  } finally {
    git('worktree', 'remove', '--force', tree);
    rmSync(temp, { recursive: true, force: true });
    git('worktree', 'prune');
  }
}

/** Every file under dir, path relative to it -> content, in path order. */
function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.set(child, readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  walk('');
  return files;
}
