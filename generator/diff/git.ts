// The environment files as they are at a git revision, read with git itself: the working tree,
// the index and HEAD are never touched.
import { execFileSync } from 'node:child_process';

export class GitError extends Error {}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '').trim();
    throw new GitError(stderr || (e as Error).message);
  }
}

export function resolveRef(ref: string, cwd = process.cwd()): string {
  return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd).trim();
}

/** Environment files (path relative to the repository root) and their contents at a commit. */
export function environmentFilesAt(commit: string, dir: string, cwd = process.cwd()): Array<{ file: string; text: string }> {
  const prefix = git(['rev-parse', '--show-prefix'], cwd).trim();
  let listing: string;
  try {
    listing = git(['ls-tree', '--name-only', `${commit}:${prefix}${dir}`], cwd);
  } catch {
    return []; // no environments folder at that commit: every environment is new
  }
  return listing
    .split('\n')
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((name) => ({ file: `${dir}/${name}`, text: git(['show', `${commit}:${prefix}${dir}/${name}`], cwd) }));
}
