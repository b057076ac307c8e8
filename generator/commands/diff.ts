import { writeFileSync } from 'node:fs';
import { GitError } from '../diff/git.ts';
import { invalidMarkdown, toJson, toMarkdown } from '../diff/markdown.ts';
import { diffAgainst } from '../diff/run.ts';
import { formatIssuesText, useColor } from '../format/text.ts';
import { redact } from '../secrets.ts';
import { oneOf, parse } from './args.ts';
import { UsageError, type Command } from './command.ts';

export const diffCommand: Command = {
  name: 'diff',
  usage: `Usage: slipway diff --base REF [--format markdown|json] [--output FILE] [--fail-on-danger]

Compares what REF committed under out/ (read from git; the working tree, index and HEAD are not
touched) with what the working tree's environment files render to now (as "slipway generate"
would write it, without writing). A change to the generator, a template or a pinned chart shows
up, not only a change to an environment file. When REF has no out/, REF's own generator renders
it in a temporary git worktree.

Both sides are read as models: Terraform module inputs per stack, every Kubernetes object the
cluster receives from out/<env>/flux (kind/namespace/name, built like kubectl kustomize), and the
releases (added, removed, chart version changes, values by path). Any other file that differs
(helmfile, modules, ...) is listed. Changes that destroy, replace, reinstall, downgrade a chart or
weaken backups are flagged with the reason. Values that look like secrets are redacted.

When the environment files do not validate, the report lists their located errors instead (same
hidden marker, so a sticky pull request comment is replaced) and the exit code is 1.

Options:
  --base REF         Git revision to compare against (branch, tag or commit). Required.
  --format FORMAT    markdown (default; summary table, dangers, then details per environment) or json.
  --output FILE      Write the report to FILE instead of stdout.
  --fail-on-danger   Exit 1 when a change is flagged as dangerous.
  -h, --help         Show this help.

Exit codes: 0 compared, 1 invalid environment files (or a danger with --fail-on-danger), 2 usage
error or unreadable revision.`,
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
      result = diffAgainst(ref, { env: io.env });
    } catch (e) {
      if (e instanceof GitError) throw new UsageError(`cannot read revision "${ref}" from git: ${e.message}`);
      throw e;
    }
    const write = (text: string) => (values.output ? writeFileSync(values.output as string, text) : io.stdout.write(text));
    if ('invalid' in result) {
      const { base, head, issues } = result.invalid;
      write(format === 'json' ? `${JSON.stringify({ base, head, valid: false, issues }, (_k, v) => (typeof v === 'string' ? redact(v) : v), 2)}\n` : invalidMarkdown(base, head, issues));
      io.stderr.write(formatIssuesText(issues, new Set(issues.map((i) => i.file)).size, { color: useColor(io.stderr, io.env) }));
      io.stderr.write('Fix the environment files before comparing.\n');
      return 1;
    }
    write(format === 'json' ? toJson(result.report) : toMarkdown(result.report));
    const dangerous = result.report.environments.some((e) => e.dangers.length > 0);
    return values['fail-on-danger'] && dangerous ? 1 : 0;
  },
};
