import { writeFileSync } from 'node:fs';
import { GitError } from '../diff/git.ts';
import { toJson, toMarkdown } from '../diff/markdown.ts';
import { diffAgainst } from '../diff/run.ts';
import { formatIssuesText, useColor } from '../format/text.ts';
import { oneOf, parse } from './args.ts';
import { UsageError, type Command } from './command.ts';

export const diffCommand: Command = {
  name: 'diff',
  usage: `Usage: slipway diff --base REF [--format markdown|json] [--output FILE] [--fail-on-danger]

Renders the environments as they are at REF (read from git; the working tree is not touched) and
as they are now, and compares them as models: Terraform module inputs, releases (added, removed,
chart bumps, values by path), Kubernetes objects by kind/namespace/name. Changes that destroy,
replace, reinstall or weaken backups are flagged with the reason. Secrets never appear.

Options:
  --base REF         Git revision to compare against (branch, tag or commit). Required.
  --format FORMAT    markdown (default; summary table, then details per environment) or json.
  --output FILE      Write the report to FILE instead of stdout.
  --fail-on-danger   Exit 1 when a change is flagged as dangerous.
  -h, --help         Show this help.

Exit codes: 0 compared, 1 invalid environment files (or a danger with --fail-on-danger), 2 usage error.`,
  run(args, io) {
    const { values } = parse(args, { base: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' }, 'fail-on-danger': { type: 'boolean' } });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const ref = values.base as string | undefined;
    if (!ref) throw new UsageError('--base REF is required.');
    const format = oneOf(values.format as string | undefined, ['markdown', 'json'], '--format', 'markdown');
    let result;
    try {
      result = diffAgainst(ref);
    } catch (e) {
      if (e instanceof GitError) throw new UsageError(`cannot read revision "${ref}" from git: ${e.message}`);
      throw e;
    }
    if ('headIssues' in result) {
      io.stderr.write(formatIssuesText(result.headIssues, new Set(result.headIssues.map((i) => i.file)).size, { color: useColor(io.stderr, io.env) }));
      io.stderr.write('Fix the environment files before comparing.\n');
      return 1;
    }
    const text = format === 'json' ? toJson(result.report) : toMarkdown(result.report);
    if (values.output) writeFileSync(values.output as string, text);
    else io.stdout.write(text);
    const dangerous = result.report.environments.some((e) => e.dangers.length > 0);
    return values['fail-on-danger'] && dangerous ? 1 : 0;
  },
};
