// slipway: the command-line entry point. Dispatches to one module per command.
import { commentCommand } from './commands/comment.ts';
import { diffCommand } from './commands/diff.ts';
import { generateCommand } from './commands/generate.ts';
import { schemaCommand } from './commands/schema.ts';
import { validateCommand } from './commands/validate.ts';
import { UsageError, type Command, type ExitCode, type Io } from './commands/command.ts';
import { readFileSync } from 'node:fs';

const commands: readonly Command[] = [validateCommand, generateCommand, diffCommand, commentCommand, schemaCommand];

const usage = `Usage: slipway <command> [options]

Turns environments/*.yaml into a reviewed GitOps repository in out/.

Commands:
${commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run "slipway <command> --help" for a command's options.
Exit codes: 0 ok, 1 invalid input or drift, 2 usage or internal error.`;

export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`slipway: unknown command "${name}".\n\n${usage}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`slipway ${command.name}: ${e.message}\n  hint: run "slipway ${command.name} --help".\n`);
      return 2;
    }
    io.stderr.write(`slipway ${command.name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint) {
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
}
