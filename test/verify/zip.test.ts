// The zip reader against archives written by independent writers: Python's zipfile (stored and
// deflated, a UTF-8 name, data descriptors) and Info-ZIP's zip where installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../generator/find-on-path.ts';
import { crc32, openZip, readZipEntry, ZipError } from '../../generator/verify/zip.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const python = findOnPath('python3') ?? findOnPath('python');
const zipTool = findOnPath('zip');

/** 200 KB that deflate shrinks but not to nothing: text with varying numbers. */
const payload = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i} ${(i * 7919) % 104729}\n`).join(''));
const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) % 256));

function methodOf(file: string, name: string): number | undefined {
  const zip = openZip(file);
  try {
    return zip.entries.get(name)?.method;
  } finally {
    zip.close();
  }
}

function pythonZip(name: string, script: string): string {
  const file = path.join(dir, name);
  execFileSync(python!, ['-c', script, file, path.join(dir, 'payload.txt'), path.join(dir, 'binary.bin')]);
  return file;
}

writeFileSync(path.join(dir, 'payload.txt'), payload);
writeFileSync(path.join(dir, 'binary.bin'), binary);

describe.skipIf(!python)('zip reader against Python zipfile', () => {
  const archive = () =>
    pythonZip(
      'python.zip',
      [
        'import sys, zipfile',
        'out, text, binary = sys.argv[1:4]',
        'with zipfile.ZipFile(out, "w") as z:',
        '    z.writestr(zipfile.ZipInfo("helm/"), b"")',
        '    z.write(text, "helm/payload.txt", compress_type=zipfile.ZIP_DEFLATED)',
        '    z.write(binary, "stored.bin", compress_type=zipfile.ZIP_STORED)',
        '    z.writestr("ünïcode.txt", "grüße".encode(), compress_type=zipfile.ZIP_DEFLATED)',
        '    with z.open("streamed.txt", "w") as f: f.write(b"streamed " * 1000)',
        '    z.comment = b"a trailing archive comment"',
      ].join('\n'),
    );

  it('lists every entry and reads deflated, stored, UTF-8-named and streamed ones byte for byte', () => {
    const file = archive();
    const zip = openZip(file);
    try {
      expect([...zip.entries.keys()].sort()).toEqual(['helm/', 'helm/payload.txt', 'stored.bin', 'streamed.txt', 'ünïcode.txt']);
      expect(zip.entries.get('helm/payload.txt')!.method).toBe(8);
      expect(zip.entries.get('stored.bin')!.method).toBe(0);
      expect(zip.read('helm/payload.txt').equals(payload)).toBe(true);
      expect(zip.read('stored.bin').equals(binary)).toBe(true);
      expect(zip.read('ünïcode.txt').toString('utf8')).toBe('grüße');
      expect(zip.read('streamed.txt').toString()).toBe('streamed '.repeat(1000));
    } finally {
      zip.close();
    }
  });

  it('reads an archive written to a pipe, whose sizes follow the data in data descriptors', () => {
    const file = path.join(dir, 'piped.zip');
    const script = ['import sys, zipfile', 'with zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.ZIP_DEFLATED) as z:', '    z.write(sys.argv[1], "payload.txt")', '    z.write(sys.argv[2], "binary.bin")'].join('\n');
    writeFileSync(file, execFileSync(python!, ['-c', script, path.join(dir, 'payload.txt'), path.join(dir, 'binary.bin')]));
    const zip = openZip(file);
    try {
      expect(zip.entries.get('payload.txt')!.flags & 0x8).toBe(0x8);
      expect(zip.read('payload.txt').equals(payload)).toBe(true);
      expect(zip.read('binary.bin').equals(binary)).toBe(true);
    } finally {
      zip.close();
    }
  });

  it('refuses compression methods other than stored and deflated, naming the method', () => {
    const file = pythonZip('bzip2.zip', ['import sys, zipfile', 'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_BZIP2) as z:', '    z.write(sys.argv[2], "payload.txt")'].join('\n'));
    expect(() => readZipEntry(file, 'payload.txt')).toThrow(/compression method 12; Slipway reads stored \(0\) and deflated \(8\) entries only/);
  });

  it('detects damaged data through the CRC-32', () => {
    const file = archive();
    const bytes = readFileSync(file);
    const zip = openZip(file);
    const entry = zip.entries.get('stored.bin')!;
    zip.close();
    // The stored data starts after the 30-byte local header and the name; flip one byte in it.
    const at = entry.offset + 30 + bytes.readUInt16LE(entry.offset + 26) + bytes.readUInt16LE(entry.offset + 28) + 100;
    bytes[at] = bytes[at]! ^ 0xff;
    const damaged = path.join(dir, 'damaged.zip');
    writeFileSync(damaged, bytes);
    expect(() => readZipEntry(damaged, 'stored.bin')).toThrow(/CRC-32 does not match/);
  });

  it('names an entry that is not there', () => {
    expect(() => readZipEntry(archive(), 'helm/helm')).toThrow(/has no entry helm\/helm/);
  });
});

describe.skipIf(!zipTool)('zip reader against Info-ZIP zip', () => {
  it('reads deflated (-9) and stored (-0) entries', () => {
    const deflated = path.join(dir, 'deflated.zip');
    const stored = path.join(dir, 'stored.zip');
    execFileSync(zipTool!, ['-q', '-9', '-X', deflated, 'payload.txt', 'binary.bin'], { cwd: dir });
    execFileSync(zipTool!, ['-q', '-0', '-X', stored, 'payload.txt', 'binary.bin'], { cwd: dir });
    expect(methodOf(deflated, 'payload.txt')).toBe(8);
    expect(methodOf(stored, 'payload.txt')).toBe(0);
    for (const file of [deflated, stored]) {
      expect(readZipEntry(file, 'payload.txt').equals(payload)).toBe(true);
      expect(readZipEntry(file, 'binary.bin').equals(binary)).toBe(true);
    }
  });
});

describe('zip reader on what is not a zip', () => {
  it('says so when there is no end-of-central-directory record', () => {
    const file = path.join(dir, 'not.zip');
    writeFileSync(file, payload);
    expect(() => openZip(file)).toThrow(ZipError);
    expect(() => openZip(file)).toThrow(/not a zip archive: it has no end-of-central-directory record/);
  });

  it('computes the CRC-32 zip stores', () => {
    // The check value of CRC-32/ISO-HDLC.
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
