// slipway stacks on real git repositories holding this repository's committed out/: which stacks a
// change reaches (through their own files, the modules they call and the modules those call), in
// apply order, and which are listed but left to a person.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { changedStacks, moduleSources } from '../../generator/delivery/stacks.ts';
import { STACKS } from '../../generator/render/terraform/stacks.ts';
import { repoRoot, runCli } from '../helpers/workspace.ts';
import { git } from '../diff/repository.ts';

interface Listed {
  base: string | null;
  head: string;
  include: Array<{ environment: string; stack: string; directory: string; order: number; after: string }>;
  stacks: Array<{ environment: string; stack: string; directory: string; status: string; files: string[]; plan: boolean; reason?: string }>;
}

let template: string;
let dir: string;
let previous: string;

beforeAll(() => {
  // The out/ this repository committed (not the working tree's, which other work may be changing).
  template = mkdtempSync(path.join(tmpdir(), 'slipway-stacks-template-'));
  const archive = execFileSync('git', ['archive', 'HEAD', 'out'], { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', template], { input: archive });
});
afterAll(() => rmSync(template, { recursive: true, force: true }));

const stacks = async (...args: string[]) => {
  const run = await runCli(['stacks', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
};
const json = async (...args: string[]) => JSON.parse(await stacks(...args, '--format', 'json')) as Listed;
const names = (listed: Listed) => listed.stacks.map((s) => `${s.environment}/${s.stack}${s.plan ? '' : ' (skip)'}`);
// dora-staging keeps its state on disk too (state.bootstrapped: false): listed, never planned.
const staging = (...stacks: readonly string[]) => stacks.map((s) => `dora-staging/${s} (skip)`);
const append = (file: string, text = '\n# changed\n') => appendFileSync(file, text);
const editJson = (file: string, change: (value: Record<string, unknown>) => void) => {
  const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};

describe('slipway stacks', () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'slipway-stacks-'));
    cpSync(template, dir, { recursive: true });
    previous = process.cwd();
    process.chdir(dir);
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
  });
  afterEach(() => {
    process.chdir(previous);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists nothing when out/ is as the base committed it', async () => {
    expect(await stacks('--base', 'main')).toBe('No Terraform stack changed from main to the working tree.\n');
    expect(await json('--base', 'main')).toEqual({ base: 'main', head: 'working tree', include: [], stacks: [] });
    expect(await stacks('--base', 'main', '--format', 'markdown')).toBe('No Terraform stack changed from `main`.\n');
  });

  it("lists a stack whose own file changed in the working tree, uncommitted, and nothing else", async () => {
    editJson('out/numbers-prod/terraform/aks/terraform.tfvars.json', (v) => (v.kubernetes_version = '1.36'));
    const listed = await json('--base', 'main');
    expect(listed.include).toEqual([{ environment: 'numbers-prod', stack: 'aks', directory: 'out/numbers-prod/terraform/aks', order: 1, after: '' }]);
    expect(listed.stacks).toEqual([
      { environment: 'numbers-prod', stack: 'aks', directory: 'out/numbers-prod/terraform/aks', status: 'changed', files: ['out/numbers-prod/terraform/aks/terraform.tfvars.json'], plan: true },
    ]);
    expect(await stacks('--base', 'main')).toBe(
      'Terraform stacks changed from main to the working tree, in apply order:\n  numbers-prod/aks  plan  changed: terraform.tfvars.json\n1 to plan, 0 not planned.\n',
    );
  });

  it('follows module calls: a module called by a module reaches both stacks, in apply order per environment', async () => {
    // remote-state is the state stack's module, and the aks module calls it for Velero's account.
    append('out/modules/remote-state/main.tf');
    const listed = await json('--base', 'main');
    expect(names(listed)).toEqual([...staging('state', 'aks'), 'numbers-prod/state', 'numbers-prod/aks', 'numbers-test/state (skip)', 'numbers-test/aks (skip)']);
    expect(listed.include.map((i) => [i.stack, i.order, i.after])).toEqual([
      ['state', 1, ''],
      ['aks', 2, 'state'],
    ]);
    expect(listed.stacks[3]!.files).toEqual(['out/modules/remote-state/main.tf']);
    // numbers-test keeps its state on disk (state.bootstrapped: false): a person applies it.
    expect(listed.stacks[4]!.reason).toMatch(/^numbers-test is not bootstrapped \(its state stack keeps local state, state\.bootstrapped: false\)/);
  });

  it("counts a nested module's files for the stacks that call it, not for its parent's", async () => {
    append('out/modules/aks/modules/flux-configuration/main.tf');
    expect(names(await json('--base', 'main'))).toEqual([...staging('gitops'), 'numbers-prod/gitops', 'numbers-test/gitops (skip)']);
    append('out/modules/dns-zone/modules/access/README.md', '\nmore words\n');
    // The aks stack calls dns-zone/modules/access (the zone access of cert-manager and external-dns); the dns stack does not.
    expect(names(await json('--base', 'main'))).toEqual([...staging('aks', 'gitops'), 'numbers-prod/aks', 'numbers-prod/gitops', 'numbers-test/aks (skip)', 'numbers-test/gitops (skip)']);
  });

  it("ignores Terraform's working files and counts new files git would commit (a provider lock file)", async () => {
    mkdirSync('out/numbers-prod/terraform/dns/.terraform/providers', { recursive: true });
    writeFileSync('out/numbers-prod/terraform/dns/.terraform/providers/x', 'binary');
    writeFileSync('out/numbers-prod/terraform/dns/terraform.tfstate', '{}');
    writeFileSync('out/numbers-prod/terraform/dns/terraform.tfstate.backup', '{}');
    expect((await json('--base', 'main')).stacks).toEqual([]);
    writeFileSync('out/numbers-prod/terraform/dns/.terraform.lock.hcl', '# lock\n');
    expect((await json('--base', 'main')).stacks).toMatchObject([{ stack: 'dns', files: ['out/numbers-prod/terraform/dns/.terraform.lock.hcl'] }]);
    // A file git ignores is not part of what is committed either.
    writeFileSync('.gitignore', '*.lock.hcl\n');
    expect((await json('--base', 'main')).stacks).toEqual([]);
  });

  it('compares two commits with --head, whatever the working tree holds', async () => {
    git('checkout', '-q', '-b', 'feature');
    append('out/numbers-prod/terraform/postgresql/main.tf');
    git('commit', '-q', '-am', 'postgresql');
    git('checkout', '-q', 'main');
    append('out/numbers-prod/terraform/dns/main.tf'); // not on either commit
    expect(names(await json('--base', 'main', '--head', 'feature'))).toEqual(['numbers-prod/postgresql']);
    expect((await json('--base', 'main', '--head', 'feature')).head).toBe('feature');
    expect(names(await json('--base', 'main'))).toEqual(['numbers-prod/dns']);
  });

  it('lists an added environment in apply order, and a removed stack as not planned', async () => {
    cpSync('out/numbers-prod', 'out/numbers-stage', { recursive: true });
    rmSync('out/numbers-prod/terraform/databases', { recursive: true });
    const listed = await json('--base', 'main');
    expect(names(listed)).toEqual(['numbers-prod/databases (skip)', ...STACKS.map((s) => `numbers-stage/${s}`)]);
    expect(listed.stacks[0]).toMatchObject({ status: 'removed', reason: expect.stringMatching(/^out\/numbers-prod\/terraform\/databases is gone; destroying what it created is never automatic/) });
    expect(listed.stacks.slice(1).every((s) => s.status === 'added')).toBe(true);
    expect(listed.include.at(-1)).toEqual({ environment: 'numbers-stage', stack: 'gitops', directory: 'out/numbers-stage/terraform/gitops', order: 6, after: 'state dns aks postgresql databases' });
    const markdown = await stacks('--base', 'main', '--format', 'markdown');
    expect(markdown).toContain('| `numbers-prod/databases` | removed | not planned: out/numbers-prod/terraform/databases is gone;');
    expect(markdown).toContain('| `numbers-stage/state` | added: `backend.tf`, `main.tf`,');
  });

  it('with --all, lists every stack at the head as added', async () => {
    const listed = await json('--all');
    expect(listed.base).toBeNull();
    expect(names(listed)).toEqual([...staging(...STACKS), ...STACKS.map((s) => `numbers-prod/${s}`), ...STACKS.map((s) => `numbers-test/${s} (skip)`)]);
  });

  it('with --branch, plans only the environments whose Flux configuration syncs that branch', async () => {
    editJson('out/numbers-prod/terraform/gitops/terraform.tfvars.json', (v) => ((v.git as Record<string, unknown>).branch = 'stage/prod'));
    append('out/modules/aks/main.tf');
    const onMain = await json('--base', 'main', '--branch', 'main');
    expect(names(onMain)).toEqual([...staging('aks'), 'numbers-prod/aks (skip)', 'numbers-prod/gitops (skip)', 'numbers-test/aks (skip)']);
    expect(onMain.stacks[1]!.reason).toBe('numbers-prod syncs stage/prod, not main: it is applied when stage/prod moves');
    expect(names(await json('--base', 'main', '--branch', 'stage/prod'))).toEqual([...staging('aks'), 'numbers-prod/aks', 'numbers-prod/gitops', 'numbers-test/aks (skip)']);
  });

  it('leaves the state move of a bootstrap to a person, and plans the rest of the environment', async () => {
    const backend = 'out/numbers-test/terraform/state/backend.tf';
    writeFileSync(backend, readFileSync(backend, 'utf8').replace(/backend "local" \{[^}]*\}/, 'backend "azurerm" {\n    key = "numbers-test/state.tfstate"\n  }'));
    append('out/numbers-test/terraform/dns/main.tf');
    const listed = await json('--base', 'main');
    expect(names(listed)).toEqual(['numbers-test/state (skip)', 'numbers-test/dns']);
    expect(listed.stacks[0]!.reason).toBe('its state moves from the local file into the state account: run "terraform init -migrate-state" in out/numbers-test/terraform/state by hand');
  });

  it('refuses a missing or unreadable revision as a usage error', async () => {
    expect(await runCli(['stacks'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--base REF (or --all) is required.') });
    expect(await runCli(['stacks', '--base', 'main', '--all'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--base and --all exclude each other.') });
    expect(await runCli(['stacks', '--base', 'no-such-branch'])).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read revision "no-such-branch" from git') });
    expect(await runCli(['stacks', '--base', 'main', '--format', 'yaml'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of text, json, markdown') });
  });
});

describe('changed stacks (as data)', () => {
  const stack = (source: string) => `module "m" {\n  source = "${source}"\n}\n`;

  it('counts a module the base called and the head no longer calls, and calls followed through modules', () => {
    const base = new Map([
      ['e/terraform/aks/main.tf', stack('../../../modules/old')],
      ['modules/old/main.tf', 'resource "x" "y" {}\n'],
      ['modules/new/main.tf', stack('../deep')],
      ['modules/deep/main.tf', 'resource "x" "y" {}\n'],
    ]);
    const head = new Map([...base, ['e/terraform/aks/main.tf', stack('../../../modules/new')], ['modules/old/main.tf', 'resource "x" "z" {}\n'], ['modules/deep/main.tf', 'resource "x" "z" {}\n']]);
    expect(changedStacks(base, head).map((c) => c.files)).toEqual([['e/terraform/aks/main.tf', 'modules/deep/main.tf', 'modules/old/main.tf']]);
  });

  it('puts stacks another generator wrote after the known ones, by name', () => {
    const head = new Map(['zeta', 'gitops', 'alpha', 'state'].map((s) => [`e/terraform/${s}/main.tf`, '']));
    expect(changedStacks(undefined, head).map((c) => c.stack)).toEqual(['state', 'gitops', 'alpha', 'zeta']);
  });

  it('reads module sources past comments, strings and nested blocks', () => {
    const hcl = `# module "commented" { source = "./no" }
module "a" {
  providers = { azurerm = azurerm.parent } # source = "./not-this"
  /* source = "./nor-this" */
  source    = "../../../modules/aks" // the real one
  values    = { source = "./inner" }
}
locals { text = "module \\"b\\" { source = \\"./in-a-string\\" }" }
module "registry" {
  source  = "Azure/avm-res/azurerm"
  version = "1.0.0"
}
`;
    expect(moduleSources(hcl)).toEqual(['../../../modules/aks', 'Azure/avm-res/azurerm']);
  });
});
