import { readFileSync, writeFileSync } from 'node:fs';
import { PlanFormatError, summarizePlan, summaryMarkdown } from '../delivery/plan-summary.ts';
import { oneOf, parse } from './args.ts';
import { UsageError, type Command } from './command.ts';

export const planSummaryCommand: Command = {
  name: 'plan-summary',
  usage: `Usage: slipway plan-summary PLAN_JSON [--title TEXT] [--format markdown|json] [--output FILE]

Summarizes a saved Terraform plan from its JSON representation:

  terraform plan -out=tfplan && terraform show -json tfplan > plan.json
  slipway plan-summary plan.json --title numbers-test/aks

Counts what terraform plan counts (to import, add, change, destroy, forget; a replace is one to add
and one to destroy; data sources are not counted), calls out every resource destroyed or replaced
(with Terraform's reason), notes changes made outside Terraform, deferred changes and outputs
that change, and lists every change by address. Only addresses and actions are printed: no
attribute value of the plan, sensitive or not, reaches the summary. The JSON plan itself holds
sensitive values in clear: keep it out of artifacts and logs.

Options:
  --title TEXT     Heading of the summary (default: the file name), e.g. ENV/STACK.
  --format FMT     markdown (default; a section for a pull request comment or job summary) or json.
  --output FILE    Write to FILE instead of stdout.
  -h, --help       Show this help.

Exit codes: 0 summarized, 1 not a Terraform JSON plan (format_version 1.x), 2 usage error or
unreadable file.`,
  run(args, io) {
    const { values, positionals } = parse(args, { title: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } }, true);
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const format = oneOf(values.format as string | undefined, ['markdown', 'json'], '--format', 'markdown');
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'PLAN_JSON is required (the output of terraform show -json PLANFILE).' : `one plan at a time, not ${positionals.length}.`);
    const file = positionals[0]!;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
    }
    let summary;
    try {
      summary = summarizePlan(JSON.parse(text) as unknown, (values.title as string | undefined) ?? file);
    } catch (e) {
      if (!(e instanceof PlanFormatError) && !(e instanceof SyntaxError)) throw e;
      const why = e instanceof SyntaxError ? `not JSON (${e.message}): expected the output of "terraform show -json PLANFILE"` : e.message;
      io.stderr.write(`slipway plan-summary: ${file} is ${e instanceof SyntaxError ? '' : 'not a Terraform JSON plan: '}${why}.\n`);
      return 1;
    }
    const out = format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : summaryMarkdown(summary);
    if (values.output) writeFileSync(values.output as string, out);
    else io.stdout.write(out);
    return 0;
  },
};
