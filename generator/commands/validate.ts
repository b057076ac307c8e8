import { formatIssuesJson } from '../format/json.ts';
import { progress } from '../format/progress.ts';
import { formatIssuesText, useColor } from '../format/text.ts';
import { hasErrors } from '../issues.ts';
import { DEFAULT_ENVIRONMENTS_DIR, listEnvironmentFiles, loadEnvironmentFiles, toDisplayPath } from '../load/load-environments.ts';
import { WorkerPool, workerCount } from '../workers/pool.ts';
import { oneOf, parse } from './args.ts';
import type { Command } from './command.ts';

export const validateCommand: Command = {
  name: 'validate',
  usage: `Usage: slipway validate [FILES...] [--format text|json]

Checks every environment file (default: environments/*.yaml) and prints each problem as
file:line:column severity CODE message, with a hint. All files are checked and all problems
reported at once. Warnings do not fail the run. A warning the file lists under "acknowledge"
(with a reason) is printed once as "acknowledged: CODE (reason)" and counted apart.
A file unchanged since an earlier run is taken from the load cache (~/.cache/slipway/load;
SLIPWAY_LOAD_CACHE=off turns it off); the rules between environments always run.

Options:
  --format text|json   Output format (default: text). JSON is one object on stdout.
  -h, --help           Show this help.

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error.`,
  async run(args, io) {
    const { values, positionals } = parse(args, { format: { type: 'string' } }, true);
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const format = oneOf(values.format as string | undefined, ['text', 'json'], '--format', 'text');
    const files = positionals.length > 0 ? positionals.map(toDisplayPath) : listEnvironmentFiles(DEFAULT_ENVIRONMENTS_DIR);
    if (files.length === 0) {
      io.stderr.write(`No environment files found in ${DEFAULT_ENVIRONMENTS_DIR}/ (expected <name>.yaml).\n`);
      return 1;
    }
    const shown = progress(io.stderr, files.length);
    // Files changed since the last run are loaded again, by worker threads when there are many.
    let pool: WorkerPool | undefined;
    let loaded;
    try {
      loaded = await loadEnvironmentFiles(files, { onProgress: shown.phase('checking environments'), env: io.env, workers: (misses) => (pool = new WorkerPool(workerCount(misses, io.env))) });
    } finally {
      await pool?.close();
    }
    const { issues, acknowledged } = loaded;
    shown.end();
    io.stdout.write(
      format === 'json' ? formatIssuesJson(issues, files.length, acknowledged) : formatIssuesText(issues, files.length, { color: useColor(io.stdout, io.env) }, acknowledged),
    );
    return hasErrors(issues) ? 1 : 0;
  },
};
