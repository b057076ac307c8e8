// The archive reader against archives written by GNU tar in each header format it may meet (ustar
// with a prefix field, GNU long names, PAX records), against damaged input, and against a real
// chart archive where one is available.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ArchiveError, readArchive, untar } from '../../generator/charts/archive.ts';
import { chartArchivePath } from '../../generator/charts/chart-dir.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';

const work = mkdtempSync(path.join(tmpdir(), 'slipway-archive-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// 150 characters of folders: too long for the 100-byte name field, fine for ustar's prefix.
const deep = `chart/${'templates-with-a-long-folder-name/'.repeat(4)}deployment.yaml`;
// A 120-character file name cannot be split into prefix and name: only GNU or PAX can store it.
const longName = `chart/${'x'.repeat(120)}.yaml`;
const files: Record<string, string> = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 1.0.0\n',
  'chart/values.yaml': '',
  'chart/big.bin': 'z'.repeat(1500), // spans several 512-byte blocks
  [deep]: 'kind: Deployment\n',
  'chart/ünïcode.yaml': 'a: 1\n',
};

/** A .tgz written by GNU tar in the given format, from the files above (plus `extra`). */
function tarball(format: 'ustar' | 'gnu' | 'pax', extra: Record<string, string> = {}): string {
  const root = path.join(work, format);
  const all = { ...files, ...extra };
  for (const [name, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  const archive = path.join(work, `${format}.tgz`);
  execFileSync('tar', ['-czf', archive, `--format=${format}`, '-C', root, ...Object.keys(all)]);
  return archive;
}

const text = (m: Map<string, Buffer>) => Object.fromEntries([...m].map(([k, v]) => [k, v.toString('utf8')]));

describe('readArchive', () => {
  it('reads a ustar archive, joining the prefix field to the name', () => {
    const archive = tarball('ustar');
    expect(text(readArchive(archive))).toEqual(files);
  });

  it.each(['gnu', 'pax'] as const)('reads %s long names', (format) => {
    const archive = tarball(format, { [longName]: 'long: true\n' });
    const read = readArchive(archive);
    expect(text(read)).toEqual({ ...files, [longName]: 'long: true\n' });
    // Sanity: the archive really stores the long name in a format-specific entry.
    const raw = execFileSync('gzip', ['-dc', archive]).toString('latin1');
    expect(raw).toContain(format === 'gnu' ? '././@LongLink' : `path=${longName}`);
  });

  it('returns regular files only, and strips a leading ./', () => {
    const root = path.join(work, 'dirs');
    mkdirSync(path.join(root, 'a/b'), { recursive: true });
    writeFileSync(path.join(root, 'a/b/file.txt'), 'x');
    const archive = path.join(work, 'dirs.tgz');
    execFileSync('tar', ['-czf', archive, '-C', root, '.']);
    expect([...readArchive(archive).keys()]).toEqual(['a/b/file.txt']);
  });

  it('refuses a damaged header, a truncated entry and a file that is not gzip', () => {
    const tar = execFileSync('gzip', ['-dc', tarball('ustar')]);
    const damaged = Buffer.from(tar);
    damaged[0] = damaged[0]! ^ 1; // the first file name changes; its checksum does not
    expect(() => untar(damaged, 'x.tgz')).toThrow(/x\.tgz is damaged: the tar header at byte 0 fails its checksum/);

    expect(() => untar(tar.subarray(0, 512 + 10), 'y.tgz')).toThrow(/y\.tgz is truncated/);

    const notGzip = path.join(work, 'plain.tgz');
    writeFileSync(notGzip, 'hello');
    expect(() => readArchive(notGzip)).toThrow(ArchiveError);
    expect(() => readArchive(notGzip)).toThrow(/plain\.tgz is not a gzip-compressed archive/);
    expect(() => readArchive(path.join(work, 'absent.tgz'))).toThrow(/Cannot read .*absent\.tgz/);
  });

  it('reads a stream that ends without the closing zero blocks', () => {
    const tar = execFileSync('gzip', ['-dc', tarball('ustar')]);
    let end = tar.length;
    while (end > 0 && tar[end - 1] === 0) end--;
    const unterminated = tar.subarray(0, Math.ceil(end / 512) * 512);
    expect(unterminated.length).toBeLessThan(tar.length);
    expect(text(untar(unterminated))).toEqual(files);
  });
});

describeWithCharts('readArchive on a pinned chart archive', () => {
  it('reads kube-prometheus-stack (310 files, ustar prefixes) with the same paths as tar lists', () => {
    const archive = chartArchivePath(chartArchives!, 'kube-prometheus-stack', '88.5.3');
    const listed = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8', maxBuffer: 1 << 26 })
      .split('\n')
      .filter((l) => l && !l.endsWith('/'));
    const read = readArchive(archive);
    expect([...read.keys()]).toEqual(listed);
    const chart = parse(read.get('kube-prometheus-stack/Chart.yaml')!.toString('utf8')) as { name: string; version: string };
    expect(chart).toMatchObject({ name: 'kube-prometheus-stack', version: '88.5.3' });
    expect(read.get('kube-prometheus-stack/values.yaml')!.equals(execFileSync('tar', ['-xzOf', archive, 'kube-prometheus-stack/values.yaml'], { maxBuffer: 1 << 26 }))).toBe(true);
  });
});
