// An environment file holding something that looks like a credential is refused, located, and the
// credential is never printed: not by validate (text or JSON), generate, or diff, whatever field it
// is in (including fields whose schema messages quote values), and not from a comment either.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatIssuesJson } from '../../generator/format/json.ts';
import { formatIssuesText } from '../../generator/format/text.ts';
import type { Issue } from '../../generator/issues.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { isRandomToken, secretKind } from '../../generator/secrets.ts';
import { commitBase, git } from '../diff/repository.ts';
import { inWorkspace, repoRoot, runCli, snapshotTree } from '../helpers/workspace.ts';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

// Built at run time so the repository holds nothing a secret scanner flags. `core` is the part that
// must never be printed (a URL's host may be, its password not).
const planted = {
  github: { value: `ghp_${'Zq7Xw2Kp9Rt4Mv6Ny1Lb8Hc3Jd5Fg0Sa'}AbCd`, core: 'Zq7Xw2Kp9Rt4Mv6Ny1Lb8Hc3Jd5Fg0Sa' },
  aws: { value: `AKIA${'Q7XH2M4P9KZT3VLD'}`, core: 'Q7XH2M4P9KZT3VLD' },
  slackToken: { value: `xoxb-${'2871635490'}-${'kQ3nV8rTzW1yXp6L'}`, core: 'kQ3nV8rTzW1yXp6L' },
  slackHook: { value: `https://hooks.slack.com/services/T${'04ABCDE12'}/B${'05FGHIJ34'}/${'mN7pQ2rS9tU4vW6xY1zA3bC5'}`, core: 'mN7pQ2rS9tU4vW6xY1zA3bC5' },
  jwt: { value: `eyJ${'hbGciOiJIUzI1NiJ9'}.eyJ${'zdWIiOiIxMjM0NTY3ODkwIn0'}.${'dBjftJeZ4CVPmB92K27uhbUJU1p1r'}`, core: 'dBjftJeZ4CVPmB92K27uhbUJU1p1r' },
  urlPassword: { value: `https://deploy:${'Tr0ub4dor-and-3'}@github.com/numbers/platform-gitops`, core: 'Tr0ub4dor-and-3' },
  random: { value: `wVeOqvuArdB-ZF0Tadm4U4nHHJ417OCGC12DZwy0`, core: 'ZF0Tadm4U4nHHJ417OCGC12DZwy0' },
  privateKey: { value: `-----BEGIN ${'OPENSSH'} PRIVATE KEY-----`, core: 'PRIVATE KEY-----' },
  entra: { value: `Xk28Q~${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7'.slice(0, 34)}`, core: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7'.slice(0, 34) },
  gitlab: { value: `glpat-${'x9Yz8Wv7Ut6Sr5Qp4On3'}`, core: 'x9Yz8Wv7Ut6Sr5Qp4On3' },
  password: { value: 'Sup3r-S3cret-Passw0rd', core: 'Sup3r-S3cret-Passw0rd' },
};

const TEST = 'environments/numbers-test.yaml';
const PROD = 'environments/numbers-prod.yaml';

interface Case {
  readonly name: string;
  readonly from: string;
  readonly edit: (text: string) => string;
  readonly secret: { value: string; core: string };
  /** Where the error is reported: path, and the text of the line it is on. */
  readonly path: string;
  readonly kind: string;
}

const set = (at: (string | number)[], value: unknown) => (text: string) => {
  const doc = parseDocument(text);
  doc.setIn(at, value);
  return doc.toString({ lineWidth: 0 });
};

const cases: Case[] = [
  { name: 'leak-description', from: TEST, edit: set(['terraform', 'deployers', 0, 'description'], `CI token ${planted.github.value}`), secret: planted.github, path: 'terraform.deployers.0.description', kind: 'a GitHub token' },
  { name: 'leak-tag', from: TEST, edit: set(['azure', 'tags', 'owner'], planted.aws.value), secret: planted.aws, path: 'azure.tags.owner', kind: 'an AWS access key' },
  { name: 'leak-smtp-user', from: PROD, edit: set(['releases', 'monitoring', 'smtp', 'username'], planted.slackToken.value), secret: planted.slackToken, path: 'releases.monitoring.smtp.username', kind: 'a Slack token or webhook' },
  { name: 'leak-access', from: TEST, edit: set(['access', 0, 'description'], `alerts go to ${planted.slackHook.value}`), secret: planted.slackHook, path: 'access.0.description', kind: 'a Slack token or webhook' },
  { name: 'leak-pg-admin', from: PROD, edit: set(['postgresql', 'administratorGroup'], { objectId: '2d8f4b61-93a7-4c0e-b5f2-8e1a6c9d3b47', name: planted.jwt.value }), secret: planted.jwt, path: 'postgresql.administratorGroup.name', kind: 'a JWT' },
  { name: 'leak-repository', from: TEST, edit: set(['gitops', 'repository'], planted.urlPassword.value), secret: planted.urlPassword, path: 'gitops.repository', kind: 'a URL with a user name and password' },
  { name: 'leak-branch', from: TEST, edit: set(['gitops', 'branch'], planted.random.value), secret: planted.random, path: 'gitops.branch', kind: 'a randomly generated key' },
  { name: 'leak-reason', from: TEST, edit: set(['acknowledge', 0, 'reason'], `see ${planted.privateKey.value}`), secret: planted.privateKey, path: 'acknowledge.0.reason', kind: 'a private key block' },
  // A field whose schema message would quote the value ("is ..., which is not one of ...").
  { name: 'leak-location', from: TEST, edit: set(['azure', 'location'], planted.entra.value), secret: planted.entra, path: 'azure.location', kind: 'a Microsoft Entra client secret' },
  { name: 'leak-tag-key', from: TEST, edit: set(['azure', 'tags', planted.random.value], 'x'), secret: planted.random, path: 'azure.tags', kind: 'a randomly generated key' },
  { name: 'leak-tag-password', from: TEST, edit: set(['azure', 'tags', 'password'], planted.password.value), secret: planted.password, path: 'azure.tags.password', kind: 'a password value' },
  { name: 'leak-comment', from: TEST, edit: (t) => t.replace('gitops:\n', `gitops:\n  # read token: ${planted.gitlab.value}\n`), secret: planted.gitlab, path: '', kind: 'a GitLab token' },
];

const textOf = (c: Case) => c.edit(read(c.from)).replace(/^name: .*$/m, `name: ${c.name}`);
const everySecret = Object.values(planted);
const leaks = (output: string) => everySecret.filter((s) => output.includes(s.value) || output.includes(s.core)).map((s) => s.core);

describe('credentials in environment files', () => {
  it.each(cases)('$name: refused at its field, the value not repeated', (c) => {
    const text = textOf(c);
    const { issues, environments } = loadEnvironmentTexts([{ file: `environments/${c.name}.yaml`, text }]);
    const errors = issues.filter((i) => i.severity === 'error');
    const line = text.split('\n').findIndex((l) => l.includes(c.secret.value)) + 1;
    expect(errors.map((i) => [i.code, i.path, i.line])).toEqual([['VALUE_SECRET', c.path, line]]);
    expect(errors[0]!.message).toContain(`looks like ${c.kind}`);
    expect(errors[0]!.hint).toContain('Azure Key Vault');
    expect(leaks(JSON.stringify(issues))).toEqual([]);
    expect(environments).toEqual([]);
  });

  it('is found in a file that does not even parse, and in one over the size limit', () => {
    const broken = `${read(TEST).replace('stage: test', 'stage: [test')}\n# ${planted.github.value}\n`;
    const errors = loadEnvironmentTexts([{ file: TEST, text: broken }]).issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => i.code)).toContain('YAML_SYNTAX');
    expect(errors.filter((i) => i.code === 'VALUE_SECRET')).toMatchObject([{ path: '', line: broken.split('\n').length - 1, message: expect.stringMatching(/^Line \d+ holds what looks like a GitHub token\. /) }]);
    const huge = `${read(TEST)}# ${planted.aws.value}\n${'#'.repeat(200_000)}\n`;
    const hugeIssues = loadEnvironmentTexts([{ file: TEST, text: huge }]).issues;
    expect(hugeIssues.map((i) => i.code).sort()).toEqual(['VALUE_SECRET', 'YAML_FILE_TOO_LARGE']);
    // Located on the line after the example's own, as a parsed file's would be.
    expect(hugeIssues.find((i) => i.code === 'VALUE_SECRET')).toMatchObject({ line: read(TEST).split('\n').length, column: 3 });
  });

  it('validate (text and JSON), generate and generate --check never print one, and out/ stays as it was', async () => {
    await inWorkspace(async (ws) => {
      expect((await runCli(['generate'])).code).toBe(0);
      const out = snapshotTree(path.join(ws, 'out'));
      for (const c of cases) writeFileSync(path.join(ws, 'environments', `${c.name}.yaml`), textOf(c));
      for (const args of [['validate'], ['validate', '--format', 'json'], ['generate'], ['generate', '--check']]) {
        const run = await runCli(args);
        expect(run.code, args.join(' ')).toBe(1);
        expect(leaks(run.stdout + run.stderr), args.join(' ')).toEqual([]);
        if (args.includes('json')) {
          const secretIssues = JSON.parse(run.stdout).issues.filter((i: Issue) => i.code === 'VALUE_SECRET');
          expect(secretIssues.map((i: Issue) => i.file).sort()).toEqual(cases.map((c) => `environments/${c.name}.yaml`).sort());
        } else {
          for (const c of cases) expect(run.stdout + run.stderr).toMatch(new RegExp(`environments/${c.name}\\.yaml:\\d+:\\d+ error VALUE_SECRET `));
        }
      }
      expect(snapshotTree(path.join(ws, 'out'))).toEqual(out);
    });
  });

  it('diff against a base (markdown and JSON, the PR comment body) never prints one', async () => {
    await inWorkspace(async (ws) => {
      await commitBase();
      for (const c of cases) writeFileSync(path.join(ws, 'environments', `${c.name}.yaml`), textOf(c));
      for (const format of ['markdown', 'json']) {
        const run = await runCli(['diff', '--base', 'main', '--format', format, '--no-render']);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stdout).toContain('VALUE_SECRET');
        expect(leaks(run.stdout + run.stderr), format).toEqual([]);
      }
      expect(git('status', '--porcelain')).not.toContain('out/');
    });
  });

  it('the formatters redact a credential and escape control characters even in a message that quotes them (second line of defence)', () => {
    const issue: Issue = {
      code: 'SCHEMA_ENUM',
      severity: 'error',
      file: 'environments/x.yaml',
      line: 3,
      column: 7,
      path: 'azure.location',
      message: `"azure.location" is "${planted.github.value}" or ${planted.random.value}, with \u001b[2J and \u202e in it.`,
      hint: `Did you mean ${planted.urlPassword.value}?`,
    };
    const text = formatIssuesText([issue], 1, { color: false });
    const json = formatIssuesJson([issue], 1);
    for (const output of [text, json]) {
      expect(leaks(output)).toEqual([]);
      expect(output).toContain('[redacted]');
    }
    expect(text).not.toMatch(/[\u001b\u202e]/);
    expect(text).toContain('\\u{1b}[2J and \\u{202e} in it');
  });
});

describe('what looks like a credential', () => {
  it('catches every planted kind', () => {
    for (const s of Object.values(planted).filter((p) => p !== planted.password)) expect(secretKind(s.value), s.value).toBeDefined();
    expect(secretKind(`password: ${planted.password.value}`)).toBe('password value');
  });

  // secretKind skips values under 7 characters (generator/secrets.ts): these are the shortest matches.
  it('finds the shortest credential-shaped texts, 7 characters and up', () => {
    expect(secretKind('://a:b@')).toBe('URL with a user name and password');
    expect(secretKind('pwd=abcdef')).toBe('password value');
    expect(secretKind('://a:@')).toBeUndefined();
  });

  // value-checks.ts tests a mapping's "key: value" only with the patterns that take a name first.
  it('finds a credential split between a tag name and its value', () => {
    const text = read(TEST).replace(/^name: .*$/m, 'name: split-tag').replace(/^( +)cost-center: .*$/m, `$&\n$1client_secret: ${planted.password.value}`);
    const { issues } = loadEnvironmentTexts([{ file: 'environments/split-tag.yaml', text }]);
    expect(issues.filter((i) => i.code === 'VALUE_SECRET').map((i) => [i.path, i.message.includes(planted.password.core)])).toEqual([['azure.tags.client_secret', false]]);
  });

  it('leaves names, IDs, hosts, digests and ordinary text alone (no false alarm on real values)', () => {
    const ordinary = [
      'GitHub Actions (OIDC) of numbers/platform-gitops', 'Platform admins (bootstrap and break-glass)', 'GitHubActionsDeployer2024',
      'AzureKubernetesService2025Prod', 'SG-AKS-Admins-WestEurope-Prod-01', 'ThisIsAVeryLongDescriptionWithoutSpaces', 'PlatformAdministrators01',
      '2d8f4b61-93a7-4c0e-b5f2-8e1a6c9d3b47', 'd468b1b829045cbef385619e7d7eeccd01c7827a', 'retro.test.retro.numbers.example.com',
      'https://github.com/numbers/platform-gitops', 'git@github.com:numbers/platform-gitops.git', 'ssh://git@github.com/numbers/gitops',
      'alerts@numbers.example.com', 'extdns-%{record_type}.', 'Standard_D4ds_v5', 'GP_Standard_D2ds_v5', 'rotate the password monthly',
      'postgres://app:$(DATABASE_PASSWORD)@host/db', 'password: ${PASSWORD}',
    ];
    expect(ordinary.filter((v) => secretKind(v) !== undefined)).toEqual([]);
  });

  it('tells random keys from names by their shape (it can fail: a random key is caught, its reversed-case twin name is not)', () => {
    expect(isRandomToken('a1B2c3D4e5F6g7H8i9J0kLmN')).toBe(true);
    expect(isRandomToken('AdminsOfTheRetroTeamInProd')).toBe(false);
    expect(isRandomToken('a1b2c3d4e5f6g7h8i9j0klmn')).toBe(false); // one case: a digest or an ID
  });
});
