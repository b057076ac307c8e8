// slipway init: a first environment file that validates and generates as written, from options or
// from answers on a terminal; never over an existing file.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../generator/cli.ts';
import { schemaPathFrom } from '../../generator/load/schema-comment.ts';
import { inWorkspace, repoRoot, runCli } from '../helpers/workspace.ts';

const values = {
  subscription: '9a2d5e7c-1b3f-4c8d-a6e0-f4b7c2d9e815',
  tenant: '0b7e3d9a-2c44-4f1e-8a6b-53d2c1f9e7a0',
  location: 'westeurope',
  zone: 'retro.example.com',
  repository: 'https://github.com/example/gitops',
  email: 'platform@example.com',
  'admin-group': '2d8f4b61-93a7-4c0e-b5f2-8e1a6c9d3b47',
  'authorized-range': '203.0.113.0/24',
};
const flags = (over: Record<string, string | undefined> = {}) =>
  Object.entries({ ...values, ...over }).flatMap(([flag, value]) => (value === undefined ? [] : [`--${flag}`, value]));

/** Runs the CLI with a terminal on both ends, the answers already typed. */
async function runOnTerminal(args: string[], answers: string[]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.end(answers.map((a) => `${a}\n`).join(''));
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s), isTTY: true }, stderr: { write: (s: string) => (stderr += s) }, stdin, env: { NO_COLOR: '1' } });
  return { code, stdout, stderr };
}

describe('slipway init', () => {
  it('is the first command in the help, with its own usage', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/^Commands:\n  init +Write a first environments\/NAME\.yaml/m);
    const help = await runCli(['init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: slipway init NAME [--stage test|staging|prod] [options]');
    for (const flag of ['--subscription', '--tenant', '--location', '--zone', '--state-resource-group', '--state-account', '--repository', '--email', '--admin-group', '--authorized-range']) {
      expect(help.stdout).toContain(`  ${flag} `);
    }
  });

  it.each(['test', 'staging', 'prod'])('writes a %s environment that validates and generates on the first try', async (stage) => {
    await inWorkspace(
      async () => {
        const name = `team-${stage}`;
        const init = await runCli(['init', name, '--stage', stage, ...flags()]);
        expect(init.stderr).toBe('');
        expect(init.code).toBe(0);
        const file = `environments/${name}.yaml`;
        expect(init.stdout).toContain(`Wrote ${file}`);
        expect(init.stdout).toContain('Next: run "slipway validate"');

        const text = readFileSync(file, 'utf8');
        expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${schemaPathFrom('environments')}`);
        expect(text).toMatch(/^  storageAccount: stteam(test|staging|prod)tfstate$/m);
        expect(text).toContain(`host: retro.${values.zone}`);

        const validate = await runCli(['validate', '--format', 'json']);
        expect(validate.code).toBe(0);
        const report = JSON.parse(validate.stdout);
        expect(report).toMatchObject({ ok: true, files: 1, errors: 0 });
        // The warnings a first file gets (ingress-nginx's retirement, no alert receiver yet); nothing about the written values.
        expect(report.issues.map((i: { code: string }) => i.code).sort()).toEqual(['INGRESS_NGINX_RETIRED', 'MONITORING_NO_RECEIVERS']);

        const generate = await runCli(['generate']);
        expect(generate.stderr).toBe('');
        expect(generate.code).toBe(0);
        expect(existsSync(`out/${name}/environment.resolved.yaml`)).toBe(true);
      },
      { environments: false },
    );
  });

  it('writes the production policy out in a prod file', async () => {
    await inWorkspace(
      async () => {
        expect((await runCli(['init', 'shop', '--stage', 'prod', ...flags()])).code).toBe(0);
        const text = readFileSync('environments/shop.yaml', 'utf8');
        for (const line of ['  zones: [1, 2, 3]', '  highAvailability: ZoneRedundant', '    issuer: production', '    replicas: 3', '      replicas: { min: 2, max: 4 }']) expect(text).toContain(line);
      },
      { environments: false },
    );
  });

  it('never replaces an existing file, .yaml or .yml', async () => {
    await inWorkspace(
      async () => {
        expect((await runCli(['init', 'team', ...flags()])).code).toBe(0);
        const before = readFileSync('environments/team.yaml', 'utf8');
        const again = await runCli(['init', 'team', ...flags({ zone: 'other.example.com' })]);
        expect(again.code).toBe(1);
        expect(again.stderr).toContain('environments/team.yaml already exists; init never replaces a file.');
        expect(readFileSync('environments/team.yaml', 'utf8')).toBe(before);

        writeFileSync('environments/legacy.yml', 'name: legacy\n');
        const yml = await runCli(['init', 'legacy', ...flags({ zone: 'legacy.example.com' })]);
        expect(yml.code).toBe(1);
        expect(yml.stderr).toContain('environments/legacy.yml already exists');
        expect(existsSync('environments/legacy.yaml')).toBe(false);
      },
      { environments: false },
    );
  });

  it('without a terminal, a missing value is a usage error naming its option', async () => {
    await inWorkspace(
      async () => {
        const run = await runCli(['init', 'team', ...flags({ email: undefined, 'authorized-range': undefined })]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain('Missing --email, --authorized-range, --runner-range (there is no terminal to ask on).');
        expect(existsSync('environments/team.yaml')).toBe(false);
      },
      { environments: false },
    );
  });

  it('needs --state-account when the derived default does not fit the Azure rule', async () => {
    await inWorkspace(
      async () => {
        const long = 'a-twenty-one-chars-xy';
        const run = await runCli(['init', long, ...flags()]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain('Missing --state-account');
        expect(run.stderr).toContain('longer than 24 characters');
        expect((await runCli(['init', long, ...flags(), '--state-account', 'stlongtfstate'])).code).toBe(0);
      },
      { environments: false },
    );
  });

  it.each([
    [['init', 'Team_1'], 'NAME "Team_1" is not a valid environment name'],
    [['init', 'base'], 'NAME "base" is reserved'],
    [['init', 'modules'], 'NAME "modules" is reserved'],
    [['init'], 'NAME is required'],
    [['init', 'team', '--subscription', 'nope'], '--subscription: Use a GUID'],
    [['init', 'team', '--location', 'westeurop'], '--location: "westeurop" is not one of the choices; did you mean "westeurope"?'],
    [['init', 'team', '--stage', 'production'], '--stage: "production" is not one of the choices'],
    [['init', 'team', '--authorized-range', '203.0.113.7/33'], '--authorized-range: Use an IPv4 CIDR'],
  ])('%j is a usage error', async (args, message) => {
    await inWorkspace(
      async () => {
        const run = await runCli(args);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(message);
        expect(existsSync('environments')).toBe(false);
      },
      { environments: false },
    );
  });

  it('refuses a zone another environment already manages', async () => {
    await inWorkspace(async () => {
      const run = await runCli(['init', 'team', ...flags({ zone: 'retro.numbers.example.com' })]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('retro.numbers.example.com is already managed by environments/numbers-prod.yaml');
    });
  });

  it('asks for missing values on a terminal, re-asking after a bad answer', async () => {
    await inWorkspace(
      async () => {
        const answers = [
          '', // stage: the default, test
          'not-a-guid', // re-asked
          values.subscription,
          values.tenant,
          'westeurop', // re-asked with a did-you-mean
          values.location,
          values.zone,
          '', // state resource group: rg-team-tfstate
          '', // state account: stteamtfstate
          values.repository,
          values.email,
          values['admin-group'],
          '203.0.113.0/24, 198.51.100.16/28',
          '', // runner ranges: the authorized ranges
          '', // deployers: the admin groups
        ];
        const run = await runOnTerminal(['init', 'team'], answers);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout.match(/Azure subscription ID: /g)).toHaveLength(2);
        expect(run.stdout).toContain('  Use a GUID such as 00000000-0000-0000-0000-000000000000.\n');
        expect(run.stdout).toContain('  "westeurop" is not one of the choices; did you mean "westeurope"?\n');
        expect(run.stdout).toContain('Stage (test, staging or prod) [test]: ');
        expect(run.stdout).toContain('Terraform state storage account (3-24 lowercase letters and digits, globally unique) [stteamtfstate]: ');

        const text = readFileSync('environments/team.yaml', 'utf8');
        expect(text).toContain('stage: test\n');
        expect(text).toContain('  resourceGroup: rg-team-tfstate\n');
        expect(text).toContain('      - 203.0.113.0/24\n      - 198.51.100.16/28\n');
        const validate = await runCli(['validate']);
        expect(validate.code).toBe(0);
        expect(validate.stdout).toContain('1 environment file valid (0 errors, 2 warnings).');
        expect(text).toContain('  runnerRanges:\n    - 203.0.113.0/24\n    - 198.51.100.16/28\n');
      },
      { environments: false },
    );
  });

  it('asks only for what the options leave out, and stops when the input ends', async () => {
    await inWorkspace(
      async () => {
        // Options given: only the missing value without a default is asked; stage and state names keep theirs.
        const partial = await runOnTerminal(['init', 'team', ...flags({ email: undefined })], [values.email]);
        expect(partial.code).toBe(0);
        expect(partial.stdout).toContain("E-mail for the Let's Encrypt account: ");
        expect(partial.stdout).not.toMatch(/Azure subscription ID: |Stage \(|Terraform state storage account/);
        expect(readFileSync('environments/team.yaml', 'utf8')).toContain(`    email: ${values.email}\n`);

        const ended = await runOnTerminal(['init', 'other', ...flags({ zone: 'other.example.com', email: undefined, 'admin-group': undefined })], ['', '', '']);
        expect(ended.code).toBe(2);
        expect(ended.stderr).toContain('The input ended before every value was given.');
        expect(existsSync('environments/other.yaml')).toBe(false);
      },
      { environments: false },
    );
  });
});

describe('the $schema path', () => {
  it('points at schema/ inside this repository', () => {
    expect(schemaPathFrom(path.join(repoRoot, 'environments'), repoRoot, repoRoot)).toBe('../schema/environment.schema.json');
    expect(existsSync(path.join(repoRoot, 'environments', schemaPathFrom(path.join(repoRoot, 'environments'), repoRoot, repoRoot)))).toBe(true);
  });

  it('points into node_modules/slipway in a consumer repository', () => {
    const project = path.join(path.sep, 'work', 'team-gitops');
    expect(schemaPathFrom(path.join(project, 'environments'), path.join(project, 'node_modules', 'slipway'), project)).toBe('../node_modules/slipway/schema/environment.schema.json');
  });

  it('keeps the node_modules/slipway name when it is a link (pnpm, npm link), and writes no machine path when run from elsewhere', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'slipway-schema-path-'));
    try {
      const store = path.join(root, 'project', 'node_modules', '.pnpm', 'slipway@0.2.0', 'node_modules', 'slipway');
      mkdirSync(store, { recursive: true });
      symlinkSync(store, path.join(root, 'project', 'node_modules', 'slipway'), 'dir');
      const environments = path.join(root, 'project', 'environments');
      expect(schemaPathFrom(environments, store, path.join(root, 'project'))).toBe('../node_modules/slipway/schema/environment.schema.json');
      // npx or a global install: the package lives outside the project.
      expect(schemaPathFrom(environments, path.join(root, 'cache', 'slipway'), path.join(root, 'project'))).toBe('../node_modules/slipway/schema/environment.schema.json');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('is the path the ENV_SCHEMA_COMMENT hint suggests', async () => {
    await inWorkspace(async () => {
      const text = readFileSync('environments/numbers-test.yaml', 'utf8').split('\n').slice(1).join('\n');
      writeFileSync('environments/numbers-test.yaml', text);
      const run = await runCli(['validate']);
      expect(run.stdout).toContain(`warning ENV_SCHEMA_COMMENT`);
      expect(run.stdout).toContain(`hint: Add as the first line: # yaml-language-server: $schema=${schemaPathFrom('environments')}\n`);
    });
  });
});
