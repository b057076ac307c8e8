// Files of out/ read whole into one buffer reused from read to read: planning and the render
// workers' comparison each read tens of thousands of them.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

export class FileReader {
  private buffer = Buffer.allocUnsafe(1 << 16);

  /** What fd holds from its position to its end; valid until the next read. */
  readAll(fd: number): Buffer {
    let size = 0;
    for (;;) {
      if (size === this.buffer.length) {
        const bigger = Buffer.allocUnsafe(size * 2);
        this.buffer.copy(bigger, 0, 0, size);
        this.buffer = bigger;
      }
      const n = readSync(fd, this.buffer, size, this.buffer.length - size, null);
      size += n;
      if (n === 0) return this.buffer.subarray(0, size);
    }
  }

  /**
   * Whether `file` is a regular file holding exactly `bytes`. Anything else (missing, a link, a
   * folder, another size, unreadable) is false: planning then looks at that path itself.
   */
  holds(file: string, bytes: Buffer): boolean {
    let fd: number;
    try {
      // Never through a link; never blocked on a FIFO someone left there.
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return false;
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile() || stats.size !== bytes.length) return false;
      // One read of a byte more than expected: a regular file reads short only at its end, so
      // getting exactly the expected count means the end (a file that grew since fstat is not the same).
      if (this.buffer.length <= bytes.length) this.buffer = Buffer.allocUnsafe(bytes.length + 1);
      const n = readSync(fd, this.buffer, 0, bytes.length + 1, null);
      return n === bytes.length && this.buffer.subarray(0, n).equals(bytes);
    } catch {
      return false;
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Which folders under a root are real folders all the way down (no link, file or anything else on
 * the way): O_NOFOLLOW guards only a path's last part. One lstat per folder, remembered.
 */
export class RealFolders {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly root: string) {}

  /** `dir` is relative to the root, POSIX, "." for the root itself. */
  has(dir: string): boolean {
    if (dir === '.') return true;
    let real = this.known.get(dir);
    if (real === undefined) {
      try {
        real = this.has(path.posix.dirname(dir)) && lstatSync(path.join(this.root, dir), { throwIfNoEntry: false })?.isDirectory() === true;
      } catch {
        real = false;
      }
      this.known.set(dir, real);
    }
    return real;
  }
}
