// Files as they are at a git revision, read with git itself: the working tree, the index and HEAD
// are never touched. A whole folder is read with two processes (ls-tree, one cat-file --batch),
// whatever its size.
import { execFileSync, spawnSync } from 'node:child_process';

export class GitError extends Error {}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1024 * 1024 * 1024 });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '').trim();
    throw new GitError(stderr || (e as Error).message);
  }
}

export function resolveRef(ref: string, cwd = process.cwd()): string {
  return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd).trim();
}

/** Where the working directory is: the repository's top folder and the path from it ("" or "sub/dir/"). */
export function location(cwd = process.cwd()): { top: string; prefix: string } {
  return { top: git(['rev-parse', '--show-toplevel'], cwd).trim(), prefix: git(['rev-parse', '--show-prefix'], cwd).trim() };
}

/** Whether a file (path from the working directory) exists at the commit. */
export function existsAt(commit: string, file: string, cwd = process.cwd()): boolean {
  return spawnSync('git', ['cat-file', '-e', `${commit}:./${file}`], { cwd, stdio: 'ignore' }).status === 0;
}

/**
 * Every regular file under dir (path from the working directory) at the commit, path relative to
 * dir -> content. Undefined when the commit has no such folder. `same`: files already in hand (the
 * other side of a diff); where a file reads the same, that string is kept and the one read from git
 * let go at once, so the files two sides share are held once.
 */
export function filesAt(commit: string, dir: string, cwd = process.cwd(), same?: ReadonlyMap<string, string>): Map<string, string> | undefined {
  const { prefix } = location(cwd);
  const root = `${prefix}${dir.replace(/\/+$/, '')}/`;
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', root], cwd);
  const entries: Array<{ path: string; blob: string }> = [];
  for (const line of listing.split('\0')) {
    // "<mode> <type> <object>\t<path>"; symlinks (120000) and submodules carry no file content.
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (!match || match[2] !== 'blob' || match[1] === '120000' || !match[4]!.startsWith(root)) continue;
    entries.push({ path: match[4]!.slice(root.length), blob: match[3]! });
  }
  if (entries.length === 0) return undefined;
  const known = new Map<string, string>();
  for (const e of entries) {
    const text = same?.get(e.path);
    if (text !== undefined) known.set(e.blob, text);
  }
  const contents = readBlobs([...new Set(entries.map((e) => e.blob))], cwd, known);
  const files = new Map<string, string>();
  for (const e of entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) files.set(e.path, contents.get(e.blob)!);
  return files;
}

/** Blob contents by object name, from one `git cat-file --batch`; a content equal to `known`'s is that string. */
function readBlobs(blobs: readonly string[], cwd: string, known: ReadonlyMap<string, string>): Map<string, string> {
  const result = spawnSync('git', ['cat-file', '--batch'], { cwd, input: `${blobs.join('\n')}\n`, maxBuffer: 4 * 1024 * 1024 * 1024 });
  if (result.status !== 0 || result.error) throw new GitError(String(result.stderr ?? result.error?.message ?? 'git cat-file failed').trim());
  const out = result.stdout;
  const contents = new Map<string, string>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    const header = out.toString('utf8', at, eol).split(' '); // "<object> blob <size>"
    if (header[1] !== 'blob') throw new GitError(`git cat-file could not read ${header[0]}: ${header.slice(1).join(' ')}.`);
    const size = Number(header[2]);
    const text = out.toString('utf8', eol + 1, eol + 1 + size);
    const candidate = known.get(header[0]!);
    contents.set(header[0]!, candidate === text ? candidate : text);
    at = eol + 1 + size + 1; // the content is followed by a newline
  }
  return contents;
}

/** Environment files (path relative to the working directory) and their contents at a commit. */
export function environmentFilesAt(commit: string, dir: string, cwd = process.cwd()): Array<{ file: string; text: string }> {
  const files = filesAt(commit, dir, cwd) ?? new Map<string, string>();
  return [...files]
    .filter(([name]) => !name.includes('/') && /\.ya?ml$/.test(name))
    .map(([name, text]) => ({ file: `${dir}/${name}`, text }));
}
