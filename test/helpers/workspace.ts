// A throwaway copy of the repository's inputs (environments/, schema/) in a temp folder, with the
// working directory switched into it, and a way to run the CLI in-process against it.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../generator/cli.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Node arguments that run the CLI from source, as a real process (no build needed). */
export const cliFromSource = ['--import', pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, path.join(repoRoot, 'generator/main.ts')];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, isTTY = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY },
    stderr: { write: (s: string) => (stderr += s), isTTY },
    env,
  });
  return { code, stdout, stderr };
}

/** Creates a workspace with the example environments and chdirs into it for the callback. */
export async function inWorkspace<T>(fn: (dir: string) => Promise<T> | T, options: { environments?: boolean } = {}): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-test-'));
  if (options.environments !== false) cpSync(path.join(repoRoot, 'environments'), path.join(dir, 'environments'), { recursive: true });
  cpSync(path.join(repoRoot, 'schema'), path.join(dir, 'schema'), { recursive: true });
  // No slipway.config.json: generate validates against the embedded schemas, as on a fresh clone.
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await fn(dir);
  } finally {
    process.chdir(previous);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under a folder, relative path -> bytes, for byte-for-byte comparisons. */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    for (const entry of readdirSync(abs).sort()) {
      const child = rel ? `${rel}/${entry}` : entry;
      if (statSync(path.join(dir, child)).isDirectory()) walk(child);
      else out.set(child, readFileSync(path.join(dir, child), 'latin1'));
    }
  };
  walk('');
  return out;
}
