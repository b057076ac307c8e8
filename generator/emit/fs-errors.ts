// File-system failures (a read-only folder, a full disk, a file that cannot be read) become one
// EnvironmentError line naming the path and the cause: the CLI prints it and exits 2, no stack.
import { EnvironmentError } from '../commands/command.ts';

const causes: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted, e.g. an immutable file or folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  EBUSY: 'it is in use (a mount point?)',
  EXDEV: 'it is on another file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOENT: 'no such file or folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMLINK: 'too many links',
};

export const errnoCode = (e: unknown): string | undefined =>
  e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' ? (e as NodeJS.ErrnoException).code : undefined;

/** "no space left on device (ENOSPC)" */
export function describeCause(e: unknown): string {
  const code = errnoCode(e);
  if (code === undefined) return e instanceof Error ? e.message : String(e);
  return `${causes[code] ?? (e as Error).message} (${code})`;
}

/** An errno failure as an EnvironmentError `${what}: ${cause}${after}`; anything else is rethrown as it is. */
export function fsFailure(e: unknown, what: string, after = ''): EnvironmentError {
  if (e instanceof EnvironmentError) return e;
  if (errnoCode(e) === undefined) throw e;
  return new EnvironmentError(`${what}: ${describeCause(e)}${after}`, { cause: e });
}
