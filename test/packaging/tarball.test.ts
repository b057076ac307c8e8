// The npm package in an empty repository, as a team adopting Slipway would use it: only the
// whitelisted files, runtime imports only from "dependencies", and the CLI working offline there.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/workspace.ts';
import { offline, packTarball } from './package.ts';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; files: string[] };
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
  it('holds the compiled CLI and the files it reads at run time, nothing else', () => {
    const files = walk(path.join(unpacked, 'package')).map((f) => path.relative(path.join(unpacked, 'package'), f));
    const allowed = [...pkg.files, 'package.json'];
    for (const f of files) expect(allowed.some((a) => (a.endsWith('/') ? f.startsWith(a) : f === a)), f).toBe(true);
    expect(files).toContain('dist/generator/main.js');
    expect(files).toContain('terraform/modules/aks/main.tf');
    expect(files).toContain('schema/environment.schema.json');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => /^(test|environments|out|bench|scripts)\//.test(f))).toEqual([]);
  });

  it('imports at run time only Node built-ins, its own files and its declared dependencies', () => {
    const imported = new Set<string>();
    for (const file of walk(path.join(unpacked, 'package/dist')).filter((f) => f.endsWith('.js'))) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm)) {
        if (spec && !spec.startsWith('.')) imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const undeclared = [...imported].filter((m) => !builtins.has(m) && !(m in pkg.dependencies));
    expect(imported.size).toBeGreaterThan(3);
    expect(undeclared).toEqual([]);
  });

  it('installs a slipway command that validates and generates in an empty repository, offline', () => {
    const slipway = path.join(consumer, 'node_modules/.bin/slipway');
    expect(offline(slipway, ['--version'], { cwd: consumer }).stdout).toBe(`${pkg.version}\n`);
    mkdirSync(path.join(consumer, 'environments'));
    cpSync(path.join(repoRoot, 'environments/numbers-test.yaml'), path.join(consumer, 'environments/numbers-test.yaml'));
    const validate = offline(slipway, ['validate'], { cwd: consumer });
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);
    const generate = offline(slipway, ['generate'], { cwd: consumer });
    expect(generate.status, generate.stdout + generate.stderr).toBe(0);
    expect(offline(slipway, ['generate', '--check'], { cwd: consumer }).stdout).toContain('out/ is up to date.');
    // The stacks call the module copies in out/, which terraform reads as HCL.
    const main = readFileSync(path.join(consumer, 'out/numbers-test/terraform/aks/main.tf'), 'utf8');
    expect(main).toContain('source = "../../../modules/aks"');
    execFileSync('terraform', ['fmt', '-check', '-recursive', path.join(consumer, 'out')], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' }, stdio: 'pipe' });
  });
});
