import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { changedStacks, isWorkingFile, type OutFiles, type StackChange } from '../delivery/stacks.ts';
import { filesAt, GitError, resolveRef } from '../diff/git.ts';
import { oneOf, parse } from './args.ts';
import { UsageError, type Command } from './command.ts';

/** Where generate writes by default (generate --out), relative to the working directory. */
const OUT = 'out';
const WORKING_TREE = 'working tree';

export const stacksCommand: Command = {
  name: 'stacks',
  usage: `Usage: slipway stacks (--base REF | --all) [--head REF] [--branch NAME] [--format text|json|markdown]

Lists the Terraform root stacks (out/<env>/terraform/<stack>) that changed between what REF
committed under out/ and the working tree's out/ (tracked and new files, as git sees them; .terraform/
and state files ignored), per environment in apply order (state, dns, aks, postgresql, databases,
gitops). A stack changed when a file in its folder changed, or a file of a module it calls under
out/modules/ (through the module blocks' source paths, also modules called by modules, in either
revision). Read from git; the working tree, index and HEAD are not touched.

Some changed stacks are listed but not planned: a stack that is gone (destroying is never
automatic), every stack of an environment whose state is still local (state.bootstrapped: false),
a stack whose state moves into the state account (terraform init -migrate-state by hand) and, with
--branch, the stacks of environments that sync another branch.

JSON (for a GitHub Actions matrix, strategy.matrix.include: fromJSON(...).include):
  include  the stacks to plan or apply, in order: environment, stack, directory, order (1, 2, ...)
           and after (the stacks of the same environment before it in this list, space-separated)
  stacks   every changed stack: environment, stack, directory, status (added, changed, removed),
           files, plan (true or false) and, when false, reason

Options:
  --base REF      Git revision to compare against (branch, tag or commit).
  --all           Compare against nothing: every stack at the head is listed as added.
  --head REF      Compare what this revision committed instead of the working tree.
  --branch NAME   Plan only environments whose Flux configuration syncs NAME (gitops.branch, read
                  from out/<env>/terraform/gitops/terraform.tfvars.json): what a push to NAME applies.
  --format FMT    text (default), json or markdown (a table for a pull request comment).
  -h, --help      Show this help.

Exit codes: 0 listed (also when nothing changed), 2 usage error or unreadable revision.`,
  run(args, io) {
    const { values } = parse(args, {
      base: { type: 'string' },
      all: { type: 'boolean' },
      head: { type: 'string' },
      branch: { type: 'string' },
      format: { type: 'string' },
    });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const format = oneOf(values.format as string | undefined, ['text', 'json', 'markdown'], '--format', 'text');
    const baseRef = values.base as string | undefined;
    const headRef = values.head as string | undefined;
    if (baseRef === undefined && !values.all) throw new UsageError('--base REF (or --all) is required.');
    if (baseRef !== undefined && values.all) throw new UsageError('--base and --all exclude each other.');
    const branch = values.branch as string | undefined;
    if (branch !== undefined && branch.trim() === '') throw new UsageError('--branch needs a branch name.');
    let base: OutFiles | undefined;
    let head: OutFiles;
    const read = (ref: string) => {
      try {
        return outAt(resolveRef(ref));
      } catch (e) {
        if (e instanceof GitError) throw new UsageError(`cannot read revision "${ref}" from git: ${e.message.split('\n')[0] || 'not a commit'}.`);
        throw e;
      }
    };
    if (baseRef !== undefined) base = read(baseRef);
    if (headRef !== undefined) head = read(headRef);
    else {
      try {
        head = outInWorkingTree();
      } catch (e) {
        if (e instanceof GitError) throw new UsageError(`cannot list the working tree with git: ${e.message.split('\n')[0]}.`);
        throw e;
      }
    }
    const changes = changedStacks(base, head, { ...(branch !== undefined && { branch }) });
    const labels = { base: baseRef ?? null, head: headRef ?? WORKING_TREE };
    io.stdout.write(format === 'json' ? toJson(changes, labels) : format === 'markdown' ? toMarkdown(changes, labels) : toText(changes, labels));
    return 0;
  },
};

const relevant = (file: string) => !isWorkingFile(file) && (/^[^/]+\/terraform\/[^/]+\//.test(file) || file.startsWith('modules/'));

/** out/ as a commit holds it, paths relative to out/. */
function outAt(commit: string): OutFiles {
  const files = filesAt(commit, OUT) ?? new Map<string, string>();
  return new Map([...files].filter(([file]) => relevant(file)));
}

/** out/ in the working tree as git sees it: tracked files that exist, and new files git does not ignore. */
function outInWorkingTree(): OutFiles {
  let listing: string;
  try {
    listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', OUT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    throw new GitError(String((e as { stderr?: string }).stderr ?? (e as Error).message).trim());
  }
  const files = new Map<string, string>();
  for (const file of new Set(listing.split('\0').filter(Boolean))) {
    const rel = file.slice(OUT.length + 1);
    if (!file.startsWith(`${OUT}/`) || !relevant(rel)) continue;
    try {
      files.set(rel, readFileSync(file, 'utf8'));
    } catch {
      // Tracked but deleted in the working tree: absent here.
    }
  }
  return files;
}

interface Labels {
  readonly base: string | null;
  readonly head: string;
}

const dir = (c: StackChange) => `${OUT}/${c.folder}`;
const name = (c: StackChange) => `${c.environment}/${c.stack}`;
const from = (labels: Labels) => (labels.base === null ? 'nothing' : labels.base);

function toJson(changes: readonly StackChange[], labels: Labels): string {
  const planned = changes.filter((c) => !c.skip);
  const include = planned.map((c, i) => ({
    environment: c.environment,
    stack: c.stack,
    directory: dir(c),
    order: i + 1,
    after: planned.slice(0, i).filter((p) => p.environment === c.environment).map((p) => p.stack).join(' '),
  }));
  const stacks = changes.map((c) => ({
    environment: c.environment,
    stack: c.stack,
    directory: dir(c),
    status: c.status,
    files: c.files.map((f) => `${OUT}/${f}`),
    plan: !c.skip,
    ...(c.skip && { reason: c.skip }),
  }));
  return `${JSON.stringify({ ...labels, include, stacks }, null, 2)}\n`;
}

/** The files that changed, those of the stack's own folder by name. */
function shortFiles(c: StackChange, limit: number): string[] {
  const names = c.files.map((f) => (f.startsWith(`${c.folder}/`) ? f.slice(c.folder.length + 1) : `${OUT}/${f}`));
  return names.length > limit ? [...names.slice(0, limit), `and ${names.length - limit} more`] : names;
}

function toText(changes: readonly StackChange[], labels: Labels): string {
  if (changes.length === 0) return `No Terraform stack changed from ${from(labels)} to the ${labels.head === WORKING_TREE ? WORKING_TREE : labels.head}.\n`;
  const width = Math.max(...changes.map((c) => name(c).length));
  const lines = changes.map((c) => {
    const what = c.status === 'removed' ? 'removed' : `${c.status}: ${shortFiles(c, 4).join(', ')}`;
    return `  ${name(c).padEnd(width)}  ${c.skip ? 'skip' : 'plan'}  ${what}${c.skip ? `\n  ${' '.repeat(width)}        not planned: ${c.skip}` : ''}`;
  });
  const planned = changes.filter((c) => !c.skip).length;
  return `Terraform stacks changed from ${from(labels)} to ${labels.head === WORKING_TREE ? `the ${WORKING_TREE}` : labels.head}, in apply order:\n${lines.join('\n')}\n${planned} to plan, ${changes.length - planned} not planned.\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function toMarkdown(changes: readonly StackChange[], labels: Labels): string {
  if (changes.length === 0) return `No Terraform stack changed from \`${cell(from(labels))}\`.\n`;
  const rows = changes.map((c) => {
    const files = c.status === 'removed' ? 'removed' : `${c.status}: ${shortFiles(c, 6).map((f) => (f.startsWith('and ') ? f : `\`${cell(f)}\``)).join(', ')}`;
    return `| \`${name(c)}\` | ${files} | ${c.skip ? `not planned: ${cell(c.skip)}` : 'planned'} |`;
  });
  return ['| stack | change | plan |', '| --- | --- | --- |', ...rows, ''].join('\n');
}
