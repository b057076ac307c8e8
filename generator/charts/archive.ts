// Reads a chart archive (<chart>-<version>.tgz, what `helm package` writes) into memory: gunzip,
// then the tar stream of 512-byte headers, each followed by its data padded to 512 bytes. Only
// regular files are returned; directories, links and devices carry nothing a chart reader needs.
// Long paths come in the three forms tar writers use: the ustar prefix field (Helm's Go writer),
// a PAX extended header ("x", Go for non-ASCII or very long names), or a GNU long-name entry ("L").
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

/** The archive is not a readable gzip-compressed tar file; the message names the file and the fault. */
export class ArchiveError extends Error {}

/** Files of a .tgz archive, path (as stored, without a leading "./") → bytes, in archive order. */
export function readArchive(file: string): Map<string, Buffer> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ArchiveError(`Cannot read ${file}: ${code === 'ENOENT' ? 'there is no such file' : (e as Error).message}.`);
  }
  return unpackArchive(bytes, file);
}

/** Files of .tgz bytes already in memory; `name` is used in error messages only. */
export function unpackArchive(gzipped: Uint8Array, name: string): Map<string, Buffer> {
  let tar: Buffer;
  try {
    tar = gunzipSync(gzipped);
  } catch (e) {
    throw new ArchiveError(`${name} is not a gzip-compressed archive (${(e as Error).message}).`);
  }
  return untar(tar, name);
}

/** Files of an uncompressed tar stream; `name` is used in error messages only. */
export function untar(tar: Uint8Array, name = 'the archive'): Map<string, Buffer> {
  const data = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
  const files = new Map<string, Buffer>();
  // Overrides that a PAX or GNU entry sets for the entry that follows it.
  let nextPath: string | undefined;
  let nextSize: number | undefined;
  for (let offset = 0; offset + BLOCK <= data.length; ) {
    const header = data.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end of archive: zero blocks
    if (checksum(header) !== octal(header, 148, 8, name, offset)) throw new ArchiveError(`${name} is damaged: the tar header at byte ${offset} fails its checksum.`);
    const type = header[156] === 0 ? '0' : String.fromCharCode(header[156]!);
    const size = nextSize ?? number(header, 124, 12, name, offset);
    const start = offset + BLOCK;
    if (start + size > data.length) throw new ArchiveError(`${name} is truncated: an entry at byte ${offset} needs ${size} bytes, ${data.length - start} remain.`);
    const body = data.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'x') {
      const records = paxRecords(body);
      nextPath = records.get('path') ?? nextPath;
      const paxSize = records.get('size');
      if (paxSize !== undefined) nextSize = Number(paxSize);
      continue;
    }
    // A global PAX header ("g", e.g. git archive's commit comment) describes no file.
    if (type === 'g') continue;
    if (type === 'L') {
      nextPath = cString(body);
      continue;
    }
    const entryPath = nextPath ?? ustarPath(header);
    nextPath = undefined;
    nextSize = undefined;
    // '0' (or NUL, pre-POSIX) is a regular file; '7' (contiguous) is read as one by every reader.
    if (type === '0' || type === '7') files.set(entryPath.replace(/^\.\//, ''), Buffer.from(body));
  }
  return files;
}

/** name (100 bytes), joined to the prefix (155 bytes at 345) in POSIX ustar headers; GNU headers use those bytes otherwise. */
function ustarPath(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const isUstar = header.subarray(257, 263).toString('latin1') === 'ustar\0';
  const prefix = isUstar ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

const cString = (bytes: Buffer) => {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
};

/** The header checksum: the sum of its bytes with the checksum field itself read as spaces. */
function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

/** A numeric field: octal text, or (GNU, for values too large for octal) base-256 with the high bit set. */
function number(header: Buffer, at: number, length: number, name: string, offset: number): number {
  if (header[at]! & 0x80) {
    let value = header[at]! & 0x7f;
    for (let i = at + 1; i < at + length; i++) value = value * 256 + header[i]!;
    return value;
  }
  return octal(header, at, length, name, offset);
}

function octal(header: Buffer, at: number, length: number, name: string, offset: number): number {
  const text = header.subarray(at, at + length).toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]*$/.test(text)) throw new ArchiveError(`${name} is not a tar archive: the header at byte ${offset} has "${text}" where an octal number belongs.`);
  return text === '' ? 0 : parseInt(text, 8);
}

/** PAX records: "<length> <key>=<value>\n", the length counting the whole record. */
function paxRecords(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  for (let at = 0; at < body.length; ) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.subarray(at, space).toString('latin1'));
    if (space === -1 || !Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}
