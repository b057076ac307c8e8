// The npm package in an empty repository, as a team adopting Slipway would use it: only the
// whitelisted files, runtime imports only from "dependencies", and the CLI working offline there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/workspace.ts';
import { offline, packTarball } from './package.ts';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; files: string[]; bin: Record<string, string> };
let tarball: string;
let consumer: string;
let unpacked: string;

beforeAll(() => {
  tarball = packTarball();
  unpacked = mkdtempSync(path.join(tmpdir(), 'slipway-unpacked-'));
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  consumer = mkdtempSync(path.join(tmpdir(), 'slipway-consumer-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: consumer });
  execFileSync('npm', ['init', '-y'], { cwd: consumer, stdio: 'ignore' });
  // The npm cache that `npm ci` of this repository filled serves every dependency.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: consumer, stdio: 'pipe' });
}, 180_000);
afterAll(() => {
  for (const dir of [path.dirname(tarball), unpacked, consumer]) rmSync(dir, { recursive: true, force: true });
});

const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));

describe('the packed npm package', () => {
  it('holds the bundled CLI and the files it reads at run time, nothing else', () => {
    const files = walk(path.join(unpacked, 'package')).map((f) => path.relative(path.join(unpacked, 'package'), f));
    const allowed = [...pkg.files, 'package.json'];
    for (const f of files) expect(allowed.some((a) => (a.endsWith('/') ? f.startsWith(a) : f === a)), f).toBe(true);
    // The bin keeps the path it was first published at: npx links a local package's bin into its
    // cache (~/.npm/_npx/) once and never refreshes the link, so moving it breaks `npx slipway` in a
    // checkout where it ran before (npm 11, libnpmexec: the project is installed there and reused).
    expect(pkg.bin).toEqual({ slipway: 'dist/generator/main.js' });
    expect(files).toContain(pkg.bin.slipway);
    expect(files).toContain('terraform/modules/aks/main.tf');
    expect(files).toContain('schema/environment.schema.json');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => /^(test|environments|out|bench|scripts)\//.test(f))).toEqual([]);
  });

  // The bundle carries its dependencies; only the precompiled validators require ajv's runtime helpers.
  it('imports at run time only Node built-ins, its own files and its declared dependencies', () => {
    const imported = new Set<string>();
    const code = [...walk(path.join(unpacked, 'package/dist')), ...walk(path.join(unpacked, 'package/schema/kubernetes/validators'))].filter((f) => /\.c?js$/.test(f));
    for (const file of code) {
      for (const [, from, dynamic, required] of readFileSync(file, 'utf8').matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/gm)) {
        const spec = from ?? dynamic ?? required;
        if (spec && !spec.startsWith('.')) imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    // node: names Node 20 does not list (node:sqlite, which undici loads only for its SQLite cache) are built in too.
    const undeclared = [...imported].filter((m) => !builtins.has(m) && !m.startsWith('node:') && !(m in pkg.dependencies));
    expect([...imported]).toContain('ajv-formats');
    expect(undeclared).toEqual([]);
  });

  it('installs a slipway command that scaffolds, validates and generates in an empty repository, offline', () => {
    const slipway = path.join(consumer, 'node_modules/.bin/slipway');
    expect(offline(slipway, ['--version'], { cwd: consumer }).stdout).toBe(`${pkg.version}\n`);
    const init = offline(slipway, ['init', 'demo-test', '--subscription', '9a2d5e7c-1b3f-4c8d-a6e0-f4b7c2d9e815', '--tenant', '0b7e3d9a-2c44-4f1e-8a6b-53d2c1f9e7a0', '--location', 'westeurope', '--zone', 'demo.example.com', '--repository', 'https://github.com/example/platform', '--email', 'platform@example.com', '--admin-group', '2d8f4b61-93a7-4c0e-b5f2-8e1a6c9d3b47', '--authorized-range', '203.0.113.0/24'], { cwd: consumer });
    expect(init.status, init.stdout + init.stderr).toBe(0);
    // The editor schema comment points into the installed package, and that file is there.
    const written = readFileSync(path.join(consumer, 'environments/demo-test.yaml'), 'utf8');
    const schema = /^# yaml-language-server: \$schema=(\S+)/.exec(written)?.[1];
    expect(schema).toBe('../node_modules/slipway/schema/environment.schema.json');
    expect(JSON.parse(readFileSync(path.join(consumer, 'environments', schema!), 'utf8')).title).toBe('Slipway environment');

    // The bundle has a build id: what validate loaded is kept in the load cache for the next run.
    const cacheHome = path.join(consumer, '.cache-home');
    const validate = offline(slipway, ['validate'], { cwd: consumer, env: { XDG_CACHE_HOME: cacheHome } });
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toContain('1 environment file valid (0 errors');
    expect(readdirSync(path.join(cacheHome, 'slipway/load'))).toHaveLength(1);
    expect(offline(slipway, ['validate'], { cwd: consumer, env: { XDG_CACHE_HOME: cacheHome } }).stdout).toBe(validate.stdout);
    // Loaded and rendered in a worker thread (the bundle's worker.js), checked in the main thread: the same bytes.
    const generate = offline(slipway, ['generate'], { cwd: consumer, env: { SLIPWAY_RENDER_WORKERS: '1' } });
    expect(generate.status, generate.stdout + generate.stderr).toBe(0);
    expect(offline(slipway, ['generate', '--check'], { cwd: consumer, env: { SLIPWAY_RENDER_WORKERS: '0' } }).stdout).toContain('out/ is up to date.');
    // The stacks call the module copies in out/, which terraform formats as written.
    const main = readFileSync(path.join(consumer, 'out/demo-test/terraform/aks/main.tf'), 'utf8');
    expect(main).toMatch(/source +\= "\.\.\/\.\.\/\.\.\/modules\/aks"/);
    execFileSync('terraform', ['fmt', '-check', '-recursive', path.join(consumer, 'out')], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' }, stdio: 'pipe' });
  });
});
