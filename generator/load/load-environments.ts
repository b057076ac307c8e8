// load: environment files -> validated, resolved, frozen models plus every issue found, located.
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { environmentSchema } from '../../schema/environment.ts';
import type { OnProgress } from '../format/progress.ts';
import { hasErrors, sortIssues, type Issue } from '../issues.ts';
import type { Environment } from '../model/environment.ts';
import { policyFor, type Policy } from '../model/kubernetes-versions.ts';
import { normalize } from '../model/normalize.ts';
import { checkEnvironment, type Finding } from '../model/rules/index.ts';
import { deepFreeze } from '../model/freeze.ts';
import { fleetRules } from '../model/rules/fleet.ts';
import { error, warning } from '../model/rules/rule.ts';
import type { Acknowledgment } from '../../schema/acknowledge.ts';
import { acknowledgmentFindings, applyAcknowledgments, type AcknowledgedIssue } from './acknowledgments.ts';
import { LIMITS, readBounded } from './limits.ts';
import { position } from './locate.ts';
import { SCHEMA_COMMENT, schemaCommentLine } from './schema-comment.ts';
import { schemaIssues } from './schema-issues.ts';
import { scrubIssue, valueIssues } from './value-checks.ts';
import { readYaml, type YamlReader, type YamlSource } from './yaml-document.ts';
import { SLICE, type WorkerPool } from '../workers/pool.ts';
import { BUILD_ID, LoadCache } from './load-cache.ts';
import { dashboardReads } from '../catalog/grafana-dashboards.ts';

export const DEFAULT_ENVIRONMENTS_DIR = 'environments';

export interface LoadResult {
  readonly environments: readonly Environment[];
  /** Every problem to report. Acknowledged warnings are not among them. */
  readonly issues: readonly Issue[];
  /** Warnings the files acknowledge, each with its reason: reported once, not counted as warnings. */
  readonly acknowledged: readonly AcknowledgedIssue[];
}

/** The environment files in a directory, sorted so output order never depends on the file system. */
export function listEnvironmentFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => toDisplayPath(path.join(dir, n)));
}

export function loadEnvironments(files: readonly string[], onProgress?: OnProgress, policy: Policy = policyFor()): LoadResult {
  return loadEnvironmentTexts(files.map((file) => ({ file, text: readText(file) })), onProgress, policy);
}

/** Same as loadEnvironments for contents read elsewhere (e.g. from git); text undefined = unreadable. */
export function loadEnvironmentTexts(inputs: ReadonlyArray<{ file: string; text: string | undefined }>, onProgress?: OnProgress, policy: Policy = policyFor()): LoadResult {
  if (inputs.length > LIMITS.environmentFiles) return tooManyFiles(inputs.map((i) => i.file));
  const results = inputs.map(({ file, text }, index) => {
    onProgress?.(index + 1, inputs.length);
    return { file, ...loadEnvironment(file, text, policy) };
  });
  const texts = new Map(inputs.map((i) => [i.file, i.text]));
  return assemble(results, (file) => readYaml(file, texts.get(file) ?? '').source);
}

export interface LoadOptions {
  readonly onProgress?: OnProgress;
  readonly policy?: Policy;
  /** The command's environment, for the cache's setting (load-cache.ts); no cache without it. */
  readonly env?: NodeJS.ProcessEnv;
  /** The build the cache belongs to (default: the bundle's; tests name one). */
  readonly buildId?: string;
  /** Workers for the files the cache does not have (called once, with their number). */
  readonly workers?: (misses: number) => WorkerPool | undefined;
}

/**
 * What commands load with: loadEnvironments' result, each file unchanged since an earlier run
 * taken from the cache, the others loaded by the workers a slice at a time (loadSlice) when there
 * are enough of them. YAML documents stay where the files were parsed: the few files a fleet-wide
 * issue must be located in are parsed again here.
 */
export async function loadEnvironmentFiles(files: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  if (files.length > LIMITS.environmentFiles) return tooManyFiles(files);
  const policy = options.policy ?? policyFor();
  const cache = options.env ? LoadCache.open(policy, options.env, options.buildId ?? BUILD_ID) : undefined;
  const inputs = files.map((file) => ({ file, text: readText(file) }));
  const results: LoadedFile[] = [];
  const misses: number[] = [];
  for (const [i, { file, text }] of inputs.entries()) {
    const hit = text === undefined ? undefined : cache?.get(file, text);
    if (hit) results[i] = hit;
    else misses.push(i);
  }
  let done = files.length - misses.length;
  options.onProgress?.(done, files.length);
  const slices: number[][] = [];
  for (let start = 0; start < misses.length; start += SLICE) slices.push(misses.slice(start, start + SLICE));
  const jobs = slices.map((slice): LoadJob => ({ inputs: slice.map((i) => inputs[i]!), policy }));
  const take = (loaded: readonly LoadedFile[], index: number) => {
    for (const [k, result] of loaded.entries()) {
      const i = slices[index]![k]!;
      results[i] = result;
      if (inputs[i]!.text !== undefined) cache?.set(inputs[i]!.file, inputs[i]!.text!, result);
    }
    options.onProgress?.((done += loaded.length), files.length);
  };
  const pool = slices.length >= 2 ? options.workers?.(misses.length) : undefined;
  const rest = pool ? await pool.run<LoadedFile[]>('load', jobs, take, (job) => loadSlice(job as LoadJob)) : jobs.keys();
  for (const i of rest) take(loadSlice(jobs[i]!), i);
  cache?.save();
  return assemble(results, (file) => readYaml(file, readText(file) ?? '').source);
}

/** A worker's load job (workers/worker.ts): the files with the texts the calling thread read (and keys the cache with). */
export interface LoadJob {
  readonly inputs: ReadonlyArray<{ readonly file: string; readonly text: string | undefined }>;
  readonly policy: Policy;
}

/** The files of a load job, each loaded as loadEnvironments loads it; YAML documents cannot cross threads, so they stay behind. */
export function loadSlice(job: LoadJob): LoadedFile[] {
  return job.inputs.map(({ file, text }) => {
    const { source, ...result } = loadEnvironment(file, text, job.policy);
    return { ...result, file, readable: source !== undefined };
  });
}

/**
 * The fleet from each file's own result: duplicate files refused, the rules between environments
 * (located with `sourceOf`, only for the files they concern), acknowledgments applied, sorted.
 */
function assemble(results: readonly LoadedFile[], sourceOf: (file: string) => YamlSource): LoadResult {
  const environments: Environment[] = [];
  const issues: Issue[] = [];
  const acknowledged: AcknowledgedIssue[] = [];
  const fileOf = new Map<string, string>();
  const entriesOf = new Map<string, readonly Acknowledgment[]>();
  const resultOf = new Map<string, LoadedFile>();
  const source = (r: LoadedFile) => r.source ?? (r.readable ? sourceOf(r.file) : undefined);
  for (const result of results) {
    const { file } = result;
    issues.push(...result.issues);
    acknowledged.push(...result.acknowledged);
    // x.yaml and x.yml would both render out/x/: the second one is refused, and not rendered.
    const stem = file.replace(/\.ya?ml$/, '');
    const first = fileOf.get(stem);
    if (first !== undefined) {
      issues.push(duplicateFileIssue(first, file, source(result)));
      continue;
    }
    fileOf.set(stem, file);
    if (result.environment) {
      environments.push(result.environment);
      entriesOf.set(file, result.entries ?? []);
      resultOf.set(result.environment.name, result);
    }
  }
  const located = fleetRules(environments).map(({ environment, finding }) => locate(source(resultOf.get(environment.name)!)!, finding));
  const fleet = acknowledgeFleet(located, entriesOf);
  acknowledged.push(...fleet.acknowledged);
  return {
    environments: withParentOwners(environments).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    issues: sortIssues([...issues.filter((i) => !fleet.stale.has(`${i.file} ${i.path}`)), ...fleet.issues]),
    acknowledged: sortIssues(acknowledged) as AcknowledgedIssue[],
  };
}

/**
 * What an environment knows only from the others: which of them manages its parent zone (and who
 * runs that one's dns stack), and which child zones its own dns stack delegates. Only a zone the
 * environment creates (dns mode owned) holds its children's NS records; an existing zone's
 * children delegate themselves, as from a zone outside the fleet.
 */
function withParentOwners(environments: readonly Environment[]): Environment[] {
  const owners = new Map(environments.filter((e) => e.dns.mode === 'owned').map((e) => [e.dns.zone, e]));
  const ownerOf = (e: Environment) => (e.dns.parent ? owners.get(e.dns.parent.zone) : undefined);
  return environments.map((e) => {
    const parent = e.dns.parent;
    const owner = ownerOf(e);
    const children = environments
      .filter((c) => c !== e && ownerOf(c) === e && c.dns.zone.endsWith(`.${e.dns.zone}`))
      .map((c) => ({
        environment: c.name,
        name: c.dns.zone.slice(0, -(e.dns.zone.length + 1)),
        state: { resourceGroup: c.state.resourceGroup, storageAccount: c.state.storageAccount, container: c.state.container, key: `${c.names.stateKey}/dns.tfstate` },
      }))
      .sort((a, b) => (a.environment < b.environment ? -1 : 1));
    const ownerRunners = owner ? { objectIds: owner.terraform.deployers.map((d) => d.objectId), ranges: owner.terraform.runnerRanges } : null;
    if (!parent && children.length === 0) return e;
    return deepFreeze({ ...e, dns: { ...e.dns, children, ...(parent && { parent: { ...parent, owner: owner?.name ?? null, ownerRunners } }) } });
  });
}

function duplicateFileIssue(first: string, file: string, source: YamlSource | undefined): Issue {
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  const finding = error(
    'ENV_DUPLICATE_FILE',
    ['name'],
    `Environment ${name} has two files, ${first} and ${file}; one environment is one file.`,
    `Keep ${first}: move anything ${file} adds into it, then delete ${file}.`,
  );
  // Without a source the file could not be read (FILE_NOT_FOUND says so): the file as a whole.
  return source ? locate(source, finding) : { ...finding, path: 'name', file, line: 0, column: 0 };
}

/** Nothing is loaded past the limit: one located error on the first file over it. */
function tooManyFiles(files: readonly string[]): LoadResult {
  const first = files[LIMITS.environmentFiles]!;
  const dir = path.posix.dirname(first);
  const issue: Issue = {
    code: 'ENV_TOO_MANY_FILES',
    severity: 'error',
    message: `There are ${files.length} environment files, more than the ${LIMITS.environmentFiles} Slipway reads in one run (this is file ${LIMITS.environmentFiles + 1}); no file was loaded.`,
    file: first,
    line: 1,
    column: 1,
    path: '',
    hint: `Remove environments that are gone from ${dir}/, or split the fleet over two repositories.`,
  };
  return { environments: [], issues: [issue], acknowledged: [] };
}

function readText(file: string): string | undefined {
  try {
    // Regular files only, never more than the size limit (readBounded): a FIFO would block, and a
    // symbolic link could make a pull request's validate read, and quote, a file outside the repository.
    return lstatSync(file).isFile() ? readBounded(file) : undefined;
  } catch {
    return undefined;
  }
}

const isSymlink = (file: string) => {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
};

interface FileResult {
  /** Present only when the file has no errors: renderers never see invalid input. */
  readonly environment?: Environment;
  /** Present whenever the file could be read (and the result has not crossed from a worker). */
  readonly source?: YamlSource;
  readonly issues: Issue[];
  readonly acknowledged: AcknowledgedIssue[];
  /** With the environment: the file's acknowledge entries, which fleet-wide warnings go through too. */
  readonly entries?: readonly Acknowledgment[];
  /** The checks read another file (a dashboard): the result holds only while that file is unchanged. */
  readonly readOtherFiles?: boolean;
}

/** One file's result with its name, as assemble() takes it (loadSlice sends it from a worker without the source). */
export type LoadedFile = FileResult & { readonly file: string; readonly readable?: boolean };

/** `reader`: 'library' reads every file with the `yaml` library (the reference plain-yaml.ts is tested against). */
export function loadEnvironment(file: string, text: string | undefined = readText(file), policy: Policy = policyFor(), reader: YamlReader = 'plain'): FileResult {
  if (text === undefined && isSymlink(file)) {
    const message = `${file} is a symbolic link; Slipway reads only regular files, so that a link cannot make it read (and print) a file outside the repository.`;
    return { issues: [{ code: 'ENV_FILE_SYMLINK', severity: 'error', message, file, line: 0, column: 0, path: '', hint: 'Replace the link with the environment file itself.' }], acknowledged: [] };
  }
  if (text === undefined) {
    return {
      issues: [{ code: 'FILE_NOT_FOUND', severity: 'error', message: `Cannot read ${file}.`, file, line: 0, column: 0, path: '', hint: 'Check the path; environment files live in environments/<name>.yaml.' }],
      acknowledged: [],
    };
  }
  const result = checkText(file, text, policy, reader);
  // A file with errors is read again by the library: every error is located on the reference's nodes.
  return result.source?.plain && hasErrors(result.issues) ? checkText(file, text, policy, 'library') : result;
}

function checkText(file: string, text: string, policy: Policy, reader: YamlReader): FileResult {
  const { source, issues } = readYaml(file, text, reader);
  const clean = source.data !== undefined && issues.length === 0;
  const values = valueIssues(source, clean);
  // A credential stops the file here: schema messages quote values, so they never see one.
  if (!clean || values.secret) return { source, issues: [...issues, ...values.issues].map(scrubIssue), acknowledged: [] };

  const parsed = environmentSchema.safeParse(source.data);
  if (!parsed.success) return { source, issues: [...values.issues, ...schemaIssues(source, environmentSchema, parsed.error.issues)].map(scrubIssue), acknowledged: [] };

  const environment = normalize(parsed.data, file);
  const reads = dashboardReads();
  const findings = [...checkEnvironment(environment, parsed.data, policy), ...fileFindings(environment, text)];
  const readOtherFiles = dashboardReads() !== reads;
  const entries = parsed.data.acknowledge ?? [];
  const fired = new Set(findings.map((f) => f.code));
  const located = [...findings, ...acknowledgmentFindings(entries, fired)].map((f) => locate(source, f));
  const applied = applyAcknowledgments(located, entries);
  const reported = [...values.issues, ...applied.issues].map(scrubIssue);
  const acknowledged = applied.acknowledged.map(scrubIssue);
  return hasErrors(reported) ? { source, issues: reported, acknowledged, readOtherFiles } : { environment, source, issues: reported, acknowledged, entries, readOtherFiles };
}

function fileFindings(env: Environment, text: string): Finding[] {
  const out: Finding[] = [];
  const expected = path.basename(env.source).replace(/\.ya?ml$/, '');
  if (env.name !== expected) {
    out.push(error('ENV_NAME_MISMATCH', ['name'], `The name "${env.name}" differs from the file name "${expected}".`, `Set name: ${expected}, or rename the file to ${env.name}.yaml.`));
  }
  if (!SCHEMA_COMMENT.test(text)) {
    out.push(
      warning(
        'ENV_SCHEMA_COMMENT',
        [],
        'The file does not start with the yaml-language-server $schema comment, so editors cannot complete or check it.',
        `Add as the first line: ${schemaCommentLine(path.dirname(path.resolve(env.source)))}`,
      ),
    );
  }
  return out;
}

/**
 * Fleet warnings go through the acknowledge list of the file they are reported in, like its own:
 * an acknowledged one is reported once with its reason, and the entry that names it is not stale
 * (per file, only the file's own warnings were known when staleness was judged).
 */
function acknowledgeFleet(fleet: readonly Issue[], entriesOf: ReadonlyMap<string, readonly Acknowledgment[]>): { issues: Issue[]; acknowledged: AcknowledgedIssue[]; stale: Set<string> } {
  const issues: Issue[] = [];
  const acknowledged: AcknowledgedIssue[] = [];
  const stale = new Set<string>();
  for (const [file, entries] of entriesOf) {
    const applied = applyAcknowledgments(fleet.filter((i) => i.file === file), entries);
    issues.push(...applied.issues);
    acknowledged.push(...applied.acknowledged);
    for (const a of applied.acknowledged) entries.forEach((e, i) => e.code === a.code && stale.add(`${file} acknowledge.${i}`));
  }
  return { issues, acknowledged, stale };
}

function locate(source: YamlSource, f: Finding): Issue {
  return { code: f.code, severity: f.severity, message: f.message, hint: f.hint, file: source.file, path: f.path.map(String).join('.'), ...position(source, f.path) };
}

/** Paths in messages and output are relative and use "/" on every platform. */
export function toDisplayPath(p: string): string {
  const rel = path.isAbsolute(p) ? path.relative(process.cwd(), p) : path.normalize(p);
  return rel.split(path.sep).join('/');
}
