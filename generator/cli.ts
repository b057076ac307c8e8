// slipway: the command-line entry point. A command's module is loaded only when that command runs,
// so `validate` never loads the renderers and `--help` loads no command at all.
import { readFileSync } from 'node:fs';
import { EnvironmentError, UsageError, type Command, type ExitCode, type Io } from './commands/command.ts';
import { closest } from './load/suggest.ts';
import { packagePath } from './package-root.ts';

interface Entry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

const commands: readonly Entry[] = [
  { name: 'init', summary: 'Write a first environments/NAME.yaml that validates as written (asks on a terminal).', load: async () => (await import('./commands/init.ts')).initCommand },
  { name: 'validate', summary: 'Check environment files: YAML, schema, cross-field rules and stage policy.', load: async () => (await import('./commands/validate.ts')).validateCommand },
  { name: 'generate', summary: 'Render out/ from the environment files (or check that it is up to date).', load: async () => (await import('./commands/generate.ts')).generateCommand },
  { name: 'verify', summary: 'Render every release with its real chart and check the cluster would come up.', load: async () => (await import('./commands/verify.ts')).verifyCommand },
  { name: 'preflight', summary: 'Print the vCPU quota and az checks a first terraform apply needs per subscription.', load: async () => (await import('./commands/preflight.ts')).preflightCommand },
  { name: 'diff', summary: 'Compare the output at a git revision with the working tree; flag dangerous changes.', load: async () => (await import('./commands/diff.ts')).diffCommand },
  { name: 'stacks', summary: 'List the Terraform stacks that changed since a git revision, in apply order (for CI).', load: async () => (await import('./commands/stacks.ts')).stacksCommand },
  { name: 'plan-summary', summary: 'Summarize a Terraform JSON plan: counts, destroys called out, changes by address.', load: async () => (await import('./commands/plan-summary.ts')).planSummaryCommand },
  { name: 'comment', summary: 'Post or update the one sticky diff comment on a pull request.', load: async () => (await import('./commands/comment.ts')).commentCommand },
  { name: 'repository', summary: 'Check the GitHub settings that make review binding: protection, CODEOWNERS, Actions.', load: async () => (await import('./commands/repository.ts')).repositoryCommand },
  { name: 'schema', summary: 'Write schema/environment.schema.json from the zod model (editor completion).', load: async () => (await import('./commands/schema.ts')).schemaCommand },
];

const usage = `Usage: slipway <command> [options]

Turns environments/*.yaml into a reviewed GitOps repository in out/.

Commands:
${commands.map((c) => `  ${c.name.padEnd(Math.max(...commands.map((x) => x.name.length)))} ${c.summary}`).join('\n')}

Run "slipway help <command>" or "slipway <command> --help" for a command's options.
Options: -h, --help (this text), -v, --version (the version).
Exit codes: 0 ok, 1 invalid input or drift, 2 usage, environment or internal error.`;

export const version = (): string => (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;

export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(`${usage}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === 'help') return (await find(rest[0]!, io))?.run(['--help'], io) ?? 2;

  const command = await find(name, io);
  if (!command) return 2;
  try {
    return await command.run(rest, io);
  } catch (e) {
    return reportFailure(command.name, e, io);
  }
}

async function find(name: string, io: Io): Promise<Command | undefined> {
  const entry = commands.find((c) => c.name === name);
  if (entry) return entry.load();
  const guess = name.startsWith('-') ? undefined : closest(name, commands.map((c) => c.name));
  io.stderr.write(`slipway: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}".${guess ? ` Did you mean "${guess}"?` : ''}\n  hint: run "slipway --help" for the commands.\n`);
  return undefined;
}

/** No stack trace reaches a user unless SLIPWAY_DEBUG=1 asks for it. */
function reportFailure(command: string, e: unknown, io: Io): ExitCode {
  if (e instanceof UsageError) {
    io.stderr.write(`slipway ${command}: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}  hint: run "slipway ${command} --help".\n`);
    return 2;
  }
  if (e instanceof EnvironmentError) {
    io.stderr.write(`slipway ${command}: ${e.message}\n`);
    return 2;
  }
  const error = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`slipway ${command}: internal error: ${error.message}\n  This is a bug in Slipway: please report it with the command you ran${io.env.SLIPWAY_DEBUG ? '' : ' (SLIPWAY_DEBUG=1 prints the stack trace)'}.\n`);
  if (io.env.SLIPWAY_DEBUG) io.stderr.write(`${error.stack ?? ''}\n`);
  return 2;
}
