// slipway init NAME: a first environment file that validates as written. Values come from options,
// or on a terminal from questions for the missing ones; every value is checked with the same zod
// schema the loader uses, and the finished text is loaded once more before anything is written.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parse as parseYaml } from 'yaml';
import { z } from '../../schema/zod.ts';
import { aksSchema } from '../../schema/aks.ts';
import { appsSchema } from '../../schema/apps.ts';
import { azureNameProblem } from '../../schema/azure-names.ts';
import { azureRegions, azureSchema } from '../../schema/azure.ts';
import { dnsSchema } from '../../schema/dns.ts';
import { gitopsSchema } from '../../schema/gitops.ts';
import { identityFields, stages, type Stage } from '../../schema/identity.ts';
import { releasesSchema } from '../../schema/releases.ts';
import { guid } from '../../schema/common.ts';
import { stateSchema } from '../../schema/state.ts';
import { terraformSchema } from '../../schema/terraform.ts';
import { formatIssueText, useColor } from '../format/text.ts';
import { DEFAULT_ENVIRONMENTS_DIR, listEnvironmentFiles, loadEnvironments, loadEnvironmentTexts, toDisplayPath } from '../load/load-environments.ts';
import { schemaCommentLine, schemaPathFrom } from '../load/schema-comment.ts';
import { closest } from '../load/suggest.ts';
import { reservedEnvironmentNames } from '../model/rules/environment-name.ts';
import { parse } from './args.ts';
import { EnvironmentError, UsageError, type Command, type Io } from './command.ts';

/** Pinned where the examples pin them; the file says where to change them. */
const DEFAULT_KUBERNETES_VERSION = '1.35';
const DEFAULT_POSTFACTO_VERSION = '4.3.11';

type Answers = Record<string, string | string[]>;

interface Field {
  /** Option name without the dashes; also the key in Answers. */
  readonly flag: string;
  readonly question: string;
  /** The zod schema of the environment field this value fills. */
  readonly schema: z.ZodType;
  /** Repeatable option; a comma-separated answer on the terminal. */
  readonly list?: boolean;
  /** Allowed values, for "did you mean". */
  readonly choices?: readonly string[];
  /** A default from the name and the values before it; undefined means the value must be given. */
  readonly fallback?: (name: string, answers: Answers) => string | string[] | undefined;
  /**
   * Asked on a terminal when missing. One with a default is asked only when no option was given at
   * all (init NAME on a terminal is an interview); otherwise it keeps its default silently.
   */
  readonly ask: boolean;
}

const stateAccountFor = (name: string) => {
  const candidate = `st${name.replace(/-/g, '')}tfstate`;
  return azureNameProblem('storageAccount', candidate) ? undefined : candidate;
};

const fields: readonly Field[] = [
  { flag: 'stage', question: 'Stage (test, staging or prod)', schema: identityFields.stage, choices: stages, fallback: () => 'test', ask: true },
  { flag: 'subscription', question: 'Azure subscription ID', schema: azureSchema.shape.subscriptionId, ask: true },
  { flag: 'tenant', question: 'Microsoft Entra tenant ID', schema: azureSchema.shape.tenantId, ask: true },
  { flag: 'location', question: 'Azure region (with availability zones), e.g. westeurope', schema: azureSchema.shape.location, choices: azureRegions, ask: true },
  { flag: 'zone', question: 'Public DNS zone this environment owns, e.g. retro.example.com', schema: dnsSchema.shape.zone, ask: true },
  { flag: 'state-resource-group', question: 'Resource group of the Terraform state account', schema: stateSchema.shape.resourceGroup, fallback: (name) => `rg-${name}-tfstate`, ask: true },
  { flag: 'state-account', question: 'Terraform state storage account (3-24 lowercase letters and digits, globally unique)', schema: stateSchema.shape.storageAccount, fallback: stateAccountFor, ask: true },
  { flag: 'repository', question: 'Git repository Flux syncs (this repository), e.g. https://github.com/org/gitops', schema: gitopsSchema.shape.repository, ask: true },
  { flag: 'email', question: "E-mail for the Let's Encrypt account", schema: releasesSchema.shape.certManager.shape.email, ask: true },
  { flag: 'admin-group', question: 'Entra ID group object IDs of the cluster admins (comma-separated)', schema: aksSchema.shape.adminGroupObjectIds, list: true, ask: true },
  { flag: 'authorized-range', question: 'CIDRs allowed to reach the API server (comma-separated), e.g. 203.0.113.0/24', schema: aksSchema.shape.apiServer.shape.authorizedRanges, list: true, ask: true },
  {
    flag: 'runner-range',
    question: 'CIDRs Terraform runs from (CI runners, operators; comma-separated)',
    schema: terraformSchema.shape.runnerRanges,
    list: true,
    fallback: (_name, answers) => answers['authorized-range'],
    ask: true,
  },
  {
    flag: 'deployer',
    question: 'Object IDs of the principals that run Terraform (comma-separated)',
    schema: z.array(guid).min(1),
    list: true,
    fallback: (_name, answers) => answers['admin-group'],
    ask: true,
  },
  { flag: 'kubernetes-version', question: 'Kubernetes version', schema: aksSchema.shape.kubernetesVersion, fallback: () => DEFAULT_KUBERNETES_VERSION, ask: false },
  { flag: 'postfacto-version', question: 'Postfacto version', schema: appsSchema.shape.postfacto.element.shape.version, fallback: () => DEFAULT_POSTFACTO_VERSION, ask: false },
];

export const initCommand: Command = {
  name: 'init',
  usage: `Usage: slipway init NAME [--stage test|staging|prod] [options]

Writes environments/NAME.yaml: a minimal environment that validates as written, with short
comments on what each section is for and where the defaults come from. Values come from the
options below; on a terminal, init asks for the ones that are missing. A prod environment gets
what the production policy requires. An existing file is never replaced.

Options:
  --stage test|staging|prod       Stage (default: test). prod writes what the production policy requires.
  --subscription ID               Azure subscription ID.
  --tenant ID                     Microsoft Entra tenant ID.
  --location REGION               Azure region with availability zones, such as westeurope.
  --zone ZONE                     Public DNS zone the environment owns, such as retro.example.com.
  --state-resource-group NAME     Resource group of the Terraform state account (default: rg-NAME-tfstate).
  --state-account NAME            Terraform state storage account (default: stNAMEtfstate, NAME without "-").
  --repository URL                Git repository Flux syncs: this repository.
  --email ADDRESS                 E-mail of the Let's Encrypt account.
  --admin-group ID                Entra ID group of cluster admins; repeatable.
  --authorized-range CIDR         Range allowed to reach the API server; repeatable.
  --runner-range CIDR             Range Terraform runs from; repeatable (default: the authorized ranges).
  --deployer ID                   Object ID of a principal that runs Terraform; repeatable (default: the admin groups).
  --kubernetes-version X.Y        Kubernetes version (default: ${DEFAULT_KUBERNETES_VERSION}).
  --postfacto-version X.Y.Z       Postfacto version of the first instance (default: ${DEFAULT_POSTFACTO_VERSION}).
  -h, --help                      Show this help.

Exit codes: 0 written, 1 the file exists, 2 usage error (a bad value, or a missing one without a terminal).`,
  async run(args, io) {
    const options = Object.fromEntries(fields.map((f) => [f.flag, f.list ? { type: 'string', multiple: true } : { type: 'string' }])) as Record<string, { type: 'string'; multiple?: boolean }>;
    const { values, positionals } = parse(args, options, true);
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'NAME is required: slipway init NAME.' : `Give one NAME, not ${positionals.length}.`);
    const name = checkName(positionals[0]!);

    const dir = DEFAULT_ENVIRONMENTS_DIR;
    const file = toDisplayPath(path.join(dir, `${name}.yaml`));
    const existing = [`${name}.yaml`, `${name}.yml`].map((f) => path.join(dir, f)).find((f) => existsSync(f));
    if (existing) {
      io.stderr.write(`slipway init: ${toDisplayPath(existing)} already exists; init never replaces a file.\n  hint: edit it, or choose another NAME.\n`);
      return 1;
    }

    // Zones of the environments already there: two environments never manage one zone.
    const zones = new Map(loadEnvironments(listEnvironmentFiles(dir)).environments.map((e) => [e.dns.zone, e.source]));
    const answers = await collect(values as Answers, name, io, zones);
    const text = environmentText(name, answers, schemaCommentLine(dir));

    // The promise is "validates as written": hold the text to it before it reaches the disk.
    const errors = loadEnvironmentTexts([{ file, text }]).issues.filter((i) => i.severity === 'error');
    if (errors.length > 0) {
      io.stderr.write(`${errors.map((i) => formatIssueText(i, { color: useColor(io.stderr, io.env) })).join('\n')}\nslipway init: the file would not validate, so nothing was written.\n`);
      return 1;
    }
    mkdirSync(dir, { recursive: true });
    try {
      // wx: a file that appeared while the questions were asked is not replaced either.
      writeFileSync(file, text, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new EnvironmentError(`cannot write ${file}: ${(e as Error).message}`);
      io.stderr.write(`slipway init: ${file} already exists; init never replaces a file.\n`);
      return 1;
    }
    io.stdout.write(summary(file, name, answers, dir));
    return 0;
  },
};

function checkName(name: string): string {
  const result = identityFields.name.safeParse(name);
  if (!result.success) throw new UsageError(`NAME "${name}" is not a valid environment name: ${result.error.issues[0]!.message}`);
  if ((reservedEnvironmentNames as readonly string[]).includes(name)) {
    throw new UsageError(`NAME "${name}" is reserved: out/${name}/ holds files every environment shares.`, `Choose another name, such as ${name}-test.`);
  }
  return name;
}

/** Checks one value against its field; a sentence saying what is wrong, or undefined. */
function problem(field: Field, value: string | string[], zones: ReadonlyMap<string, string>): string | undefined {
  const result = field.schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const given = Array.isArray(value) ? undefined : value;
    const guess = given !== undefined && field.choices ? closest(given, field.choices) : undefined;
    if (field.choices && given !== undefined) return `"${given}" is not one of the choices${guess ? `; did you mean "${guess}"?` : `: ${field.choices.join(', ')}.`}`;
    const which = issue.path.length > 0 && Array.isArray(value) ? ` ("${String(value[Number(issue.path[0])])}")` : '';
    return `${issue.message}${which}`;
  }
  if (field.flag === 'zone' && typeof value === 'string' && zones.has(value)) return `${value} is already managed by ${zones.get(value)}; every environment owns its own zone.`;
  return undefined;
}

const splitList = (answer: string) => answer.split(/[\s,]+/).filter((s) => s !== '');

/** Options first; then, on a terminal, questions for what is missing; otherwise defaults or a usage error. */
async function collect(given: Answers, name: string, io: Io, zones: ReadonlyMap<string, string>): Promise<Answers> {
  const answers: Answers = {};
  for (const field of fields) {
    const value = given[field.flag];
    if (value === undefined) continue;
    const why = problem(field, value, zones);
    if (why) throw new UsageError(`--${field.flag}: ${why}`);
    answers[field.flag] = value;
  }
  const missing = () => fields.filter((f) => answers[f.flag] === undefined);
  const terminal = Boolean(io.stdin?.isTTY && io.stdout.isTTY);
  const interview = Object.keys(answers).length === 0;
  const toAsk = missing().filter((f) => f.ask && (interview || f.fallback?.(name, answers) === undefined));
  if (terminal && toAsk.length > 0) await ask(io, name, toAsk, answers, zones);
  for (const field of missing()) {
    const fallback = field.fallback?.(name, answers);
    if (fallback !== undefined) answers[field.flag] = fallback;
  }
  const required = missing();
  if (required.length > 0) {
    const flags = required.map((f) => `--${f.flag}`).join(', ');
    throw new UsageError(
      `Missing ${flags}${terminal ? '' : ' (there is no terminal to ask on)'}.`,
      required.some((f) => f.flag === 'state-account')
        ? `The default state account st${name.replace(/-/g, '')}tfstate is longer than 24 characters: pass --state-account.`
        : 'Pass each as an option, or run init on a terminal to be asked.',
    );
  }
  return answers;
}

/** One question per missing value, re-asked with the reason until the answer fits. */
async function ask(io: Io, name: string, questions: readonly Field[], answers: Answers, zones: ReadonlyMap<string, string>): Promise<void> {
  const rl = createInterface({ input: io.stdin!, terminal: false });
  // The iterator buffers lines that arrive before their question (pasted or piped answers).
  const lines = rl[Symbol.asyncIterator]();
  io.stdout.write(`Creating environments/${name}.yaml. Press Enter to take the value in brackets.\n`);
  try {
    for (const field of questions) {
      const given = field.fallback?.(name, answers);
      const fallback = Array.isArray(given) ? given.join(', ') : given;
      for (;;) {
        io.stdout.write(`${field.question}${fallback !== undefined ? ` [${fallback}]` : ''}: `);
        const next = await lines.next();
        if (next.done) throw new UsageError('The input ended before every value was given.');
        const raw = String(next.value).trim() || fallback;
        if (raw === undefined || raw === '') {
          io.stdout.write('  A value is required here.\n');
          continue;
        }
        const value = field.list ? splitList(raw) : raw;
        const why = problem(field, value, zones);
        if (why) {
          io.stdout.write(`  ${why}\n`);
          continue;
        }
        answers[field.flag] = value;
        break;
      }
    }
  } finally {
    rl.close();
  }
}

/** A plain YAML scalar when it reads back as the same string, else a quoted one. */
function scalar(value: string): string {
  try {
    if (parseYaml(value) === value && value.trim() === value) return value;
  } catch {
    // not plain YAML: quote it
  }
  return JSON.stringify(value);
}

const list = (values: string | string[], indent: string) => [values].flat().map((v) => `${indent}- ${scalar(v)}`).join('\n');

function environmentText(name: string, a: Answers, schemaComment: string): string {
  const stage = a.stage as Stage;
  const prod = stage === 'prod';
  const zone = a.zone as string;
  const s = (flag: string) => scalar(a[flag] as string);
  const lines = [
    schemaComment,
    `# Environment ${name}, written by "slipway init". Fields left out take their defaults, which depend on`,
    '# the stage; the schema above shows every field and its default in the editor. Check with "slipway validate".',
    '',
    `# The name equals the file name and is part of every derived Azure name (rg-${name}, aks-${name}, ...).`,
    '# The stage (test, staging or prod) decides the defaults; prod also turns on the production policy.',
    `name: ${name}`,
    `stage: ${stage}`,
    '',
    '# Where the environment runs in Azure. Every resource also gets the tags environment, stage and managed-by.',
    'azure:',
    `  subscriptionId: ${s('subscription')}`,
    `  tenantId: ${s('tenant')}`,
    `  location: ${s('location')}`,
    '',
    '# Terraform remote state. The state stack creates this account on a local backend; after its first',
    '# apply, add "bootstrapped: true" here and every stack moves its state into the account.',
    'state:',
    `  resourceGroup: ${s('state-resource-group')}`,
    `  storageAccount: ${s('state-account')}`,
    '',
    '# Who runs Terraform, and from where: the storage and key vault firewalls admit these ranges, and each',
    '# principal gets the data-plane roles Terraform needs (state blobs, key vault secrets) once.',
    'terraform:',
    '  runnerRanges:',
    list(a['runner-range']!, '    '),
    '  deployers:',
    ...(a.deployer as string[]).map((id) => `    - objectId: ${id}\n      description: Runs Terraform   # say who: a CI identity, an operators group`),
    '',
    '# The public DNS zone this environment owns: every host below lies inside it (external-dns manages it).',
    'dns:',
    `  zone: ${scalar(zone)}`,
    '',
    '# No network section: the VNet is 10.40.0.0/16, and the subnets default to parts of network.vnetCidr',
    '# (aks: its first /20, postgresql: the /24 after it). Set network.vnetCidr to fit your address plan.',
    '',
    '# The AKS cluster. Node pools, zones, tier and upgrade channel default by stage.',
    'aks:',
    `  kubernetesVersion: ${JSON.stringify(a['kubernetes-version'])}   # quoted: YAML reads 1.30 as a number`,
    ...(prod ? ['  zones: [1, 2, 3]   # production policy: at least 2 zones (also the prod default)'] : []),
    '  apiServer:',
    '    authorizedRanges:   # the only addresses that reach the API server (office, VPN, CI runners)',
    list(a['authorized-range']!, '      '),
    '  adminGroupObjectIds:   # Entra ID groups that administer the cluster (Azure RBAC; local accounts are off)',
    list(a['admin-group']!, '    '),
    '',
    ...(prod
      ? [
          '# Managed PostgreSQL, private access only. Production policy: zone-redundant, General Purpose SKU.',
          'postgresql:',
          '  sku: GP_Standard_D2ds_v5',
          '  highAvailability: ZoneRedundant',
          '',
        ]
      : ['# No postgresql section: a small Burstable server without high availability, the non-prod default.', '']),
    `# Flux syncs out/${name}/flux from this repository (branch main unless gitops.branch says otherwise).`,
    'gitops:',
    `  repository: ${s('repository')}`,
    '',
    '# Platform add-ons (ingress-nginx, cert-manager, external-dns, Velero backups, monitoring), each with',
    `# its own settings and defaults; cert-manager needs the e-mail of the Let's Encrypt account.`,
    'releases:',
    ...(prod ? ['  ingressNginx:', '    replicas: 3   # production policy: at least 2'] : []),
    '  certManager:',
    `    email: ${s('email')}`,
    ...(prod ? ["    issuer: production   # production policy: certificates browsers trust"] : [`    # issuer: staging (the ${stage} default) issues untrusted test certificates, with generous rate limits`]),
    '',
    '# Postfacto instances, side by side: each gets its own namespace, host and database.',
    'apps:',
    '  postfacto:',
    '    - name: main',
    `      version: ${JSON.stringify(a['postfacto-version'])}`,
    `      host: ${scalar(`retro.${zone}`)}`,
    ...(prod ? ['      replicas: { min: 2, max: 4 }   # production policy: at least 2'] : []),
    '',
    '# Warnings the team has read and accepts: validate then prints each once as "acknowledged", with',
    '# its reason, instead of as a warning. Errors cannot be acknowledged. For example:',
    '# acknowledge:',
    '#   - code: INGRESS_NGINX_RETIRED',
    '#     reason: move to a Gateway API implementation planned',
  ];
  return `${lines.join('\n')}\n`;
}

function summary(file: string, name: string, a: Answers, dir: string): string {
  const schemaPath = schemaPathFrom(dir);
  const lines = [
    `Wrote ${file} (stage ${String(a.stage)}, ${String(a.location)}, zone ${String(a.zone)}).`,
    `  Terraform state: ${String(a['state-account'])} in ${String(a['state-resource-group'])}, created by the state stack.`,
    `  Postfacto main: https://retro.${String(a.zone)}`,
    ...(existsSync(path.join(dir, schemaPath))
      ? []
      : [`  note: the editor schema ${schemaPath} is not there yet; add Slipway as a dev dependency (npm install --save-dev slipway) for completion.`]),
    `Next: run "slipway validate", then "slipway generate" to render out/${name}/.`,
  ];
  return `${lines.join('\n')}\n`;
}
