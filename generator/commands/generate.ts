import { readdirSync } from 'node:fs';
import { isClean, planEmit, type Plan } from '../emit/plan.ts';
import { emit, EmitConflictError, StagingTree } from '../emit/emit.ts';
import { fsFailure } from '../emit/fs-errors.ts';
import { kind, outPaths } from '../emit/out-paths.ts';
import { beginWrite, planForCheck, type Writer } from '../emit/recover.ts';
import { ManifestError } from '../emit/manifest.ts';
import { progress } from '../format/progress.ts';
import { formatIssuesText, useColor } from '../format/text.ts';
import { schemaLocations } from '../config.ts';
import { projectConfig } from './project-config.ts';
import type { ConfigResult } from '../config.ts';
import { hasErrors, sortIssues } from '../issues.ts';
import { DEFAULT_ENVIRONMENTS_DIR, listEnvironmentFiles, loadEnvironmentFiles } from '../load/load-environments.ts';
import type { Environment } from '../model/environment.ts';
import { renderFleet } from '../render/fleet.ts';
import { WorkerPool, workerCount } from '../workers/pool.ts';
import { parse } from './args.ts';
import { UsageError, type Command, type ExitCode, type Io } from './command.ts';

export const DEFAULT_OUT_DIR = 'out';

export const generateCommand: Command = {
  name: 'generate',
  usage: `Usage: slipway generate [--env NAME] [--check] [--out DIR] [--schema-location LOC]... [--ignore-missing-schemas]

Validates every environment file, renders the outputs, validates every Kubernetes object strictly
against its JSON Schema (by default the schemas embedded in Slipway: no network) and writes out/
all or nothing: the new tree is built next to it and switched in with two renames, so a killed
run leaves the old tree or the new one, never a mix. One generate writes at a time
(.slipway-out.lock); a second exits 2 naming the holder.
Only files Slipway generated (listed in out/.slipway-manifest.json) are ever rewritten or
pruned; any other file in out/ is left alone, and a generated path held by such a file is
refused. Invalid input never changes out/. Environment files unchanged since an earlier run are
taken from the load cache (~/.cache/slipway/load; SLIPWAY_LOAD_CACHE=off turns it off).

Options:
  --env NAME   Render only this environment (all files are still validated).
  --check      Write nothing; list changed, missing and extra files and exit 1 on drift.
  --out DIR    Output directory (default: out).
  --schema-location LOC
               Where Kubernetes JSON Schemas are, tried in order, first hit wins; repeatable:
               "embedded" (the set inside Slipway), a folder in kubeconform layout, a kubeconform
               template, a URL or URL template, or "default" (kubeconform's public locations).
               Default: SLIPWAY_SCHEMA_LOCATION (comma-separated), then schemaLocations in
               slipway.config.json, then "embedded". Only URL locations download (10 s per
               request, HTTPS_PROXY/HTTP_PROXY/NO_PROXY honoured, cached in SLIPWAY_CACHE_DIR or
               ~/.cache/slipway/schemas); a download failure that leaves a kind without a schema
               exits 2.
  --ignore-missing-schemas
               An object without a schema is a warning, not an error.
  -h, --help   Show this help.

Exit codes: 0 written or up to date, 1 invalid input, drift or conflict, 2 usage or environment
error (a schema host that does not answer, another generate writing, a read-only folder, a full
disk, an unreadable environments/).`,
  async run(args, io) {
    const { values } = parse(args, {
      env: { type: 'string' },
      check: { type: 'boolean' },
      out: { type: 'string' },
      'schema-location': { type: 'string', multiple: true },
      'ignore-missing-schemas': { type: 'boolean' },
    });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const project = projectConfig(io);
    if (!project) return 2;
    const outDir = (values.out as string | undefined) ?? DEFAULT_OUT_DIR;
    assertReadableFolder(DEFAULT_ENVIRONMENTS_DIR);
    const files = listEnvironmentFiles(DEFAULT_ENVIRONMENTS_DIR);
    if (files.length === 0) {
      io.stderr.write(`No environment files found in ${DEFAULT_ENVIRONMENTS_DIR}/ (expected <name>.yaml).\n`);
      return 1;
    }
    // A fleet's workers load the files, then render them: one set, started before anything else.
    const pool = new WorkerPool(workerCount(files.length, io.env));
    try {
      return await generate(files, values, project, outDir, pool, io);
    } finally {
      await pool.close();
    }
  },
};

async function generate(files: readonly string[], values: Record<string, unknown>, project: ConfigResult, outDir: string, pool: WorkerPool, io: Io): Promise<ExitCode> {
  const shown = progress(io.stderr, files.length);
  const { environments, issues } = await loadEnvironmentFiles(files, { onProgress: shown.phase('loading environments'), env: io.env, workers: () => pool });
  shown.end();
  const color = useColor(io.stderr, io.env);
  const selected = values.env === undefined ? environments : environments.filter((e) => e.name === values.env);
  if (hasErrors(issues)) {
    io.stderr.write(formatIssuesText(issues, files.length, { color }));
    io.stderr.write(`Nothing was written to ${outDir}/.\n`);
    return 1;
  }

  const only = values.env as string | undefined;
  if (selected.length === 0) {
    throw new UsageError(`There is no environment named "${only}"; known: ${environments.map((e) => e.name).join(', ')}.`);
  }
  const locations = schemaLocations(values['schema-location'] as string[] | undefined, io.env, project);
  const note = (line: string) => io.stderr.write(`${line}\n`);
  // With no out/ yet, the lock is taken now and the staging tree made: the thread that renders an
  // environment writes its files into it, those every environment shares are written as each slice
  // comes back, so writing overlaps rendering (StagingTree). Nothing shows until the switch.
  const early = !values.check && kind(outPaths(outDir).out) === 'missing' ? beginWrite(outDir, note) : undefined;
  let staging: StagingTree | undefined;
  try {
    if (early && kind(early.paths.out) === 'missing') staging = new StagingTree(early.paths);
    return await renderAndWrite(selected, environments.length, { values, locations, outDir, pool, io, note, shown, fileCount: files.length, warnings: issues.length, staging, writer: early });
  } finally {
    staging?.discard(); // nothing left to remove once emit() has switched the tree in
    early?.release();
  }
}

interface WriteContext {
  readonly values: Record<string, unknown>;
  readonly locations: readonly string[];
  readonly outDir: string;
  readonly pool: WorkerPool;
  readonly io: Io;
  readonly note: (line: string) => void;
  readonly shown: ReturnType<typeof progress>;
  /** Environment files read, and the warnings they gave (for the closing line). */
  readonly fileCount: number;
  readonly warnings: number;
  readonly staging?: StagingTree;
  /** The lock of out/, when taken before rendering. */
  readonly writer?: Writer;
}

async function renderAndWrite(selected: readonly Environment[], fleetSize: number, context: WriteContext): Promise<ExitCode> {
  const { values, locations, outDir, pool, io, note, shown, warnings, staging } = context;
  const color = useColor(io.stderr, io.env);
  const only = values.env as string | undefined;
  // A slice of environments at a time, in worker threads for a fleet: memory bounded, cost per environment flat.
  const { files: rendered, issues: invalid, comparedWith } = await renderFleet(
    selected,
    { locations, ignoreMissingSchemas: Boolean(values['ignore-missing-schemas']), filePrefix: `${outDir}/`, env: io.env, compareWith: outDir, ...(staging && { stageIn: outDir }) },
    { pool: selected.length === fleetSize ? pool : undefined, onProgress: shown.phase('rendering and validating'), onBytes: staging && ((file, bytes) => staging.write(file, bytes)) },
  );
  shown.end();
  await pool.close(); // their heaps are not needed for writing
  if (invalid.length > 0) {
    io.stderr.write(formatIssuesText(sortIssues(invalid), context.fileCount, { color }));
    if (hasErrors(invalid)) {
      io.stderr.write(`The rendered manifests are invalid; nothing was written to ${outDir}/.\n`);
      return 1;
    }
  }
  const inScope = only === undefined ? () => true : (file: string) => file.startsWith(`${only}/`);
  const warningNote = warnings > 0 ? ` ${warnings} warning${warnings === 1 ? '' : 's'}: run "slipway validate" to read them.` : '';

  // File-system failures below (read-only out/ or a folder in it, a full disk, an unreadable file,
  // out/ locked by another generate) are EnvironmentErrors: one line naming the path and the cause,
  // exit 2, out/ as it was.
  if (values.check) {
    try {
      return reportCheck(planForCheck(outDir, rendered, inScope, { note, comparedWith }), outDir, io, warningNote);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      io.stderr.write(`${e.message}\n`);
      return 1;
    }
  }

  const writer = context.writer ?? beginWrite(outDir, note);
  try {
    let plan: Plan;
    try {
      plan = planEmit(outDir, rendered, inScope, comparedWith);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      io.stderr.write(`${e.message}\n`);
      return 1;
    }
    const report = emit(outDir, rendered, plan, shown.phase(`writing ${outDir}/`), undefined, staging);
    shown.end();
    for (const f of plan.editedByHand) io.stderr.write(`note: ${outDir}/${f} was edited by hand; regenerated.\n`);
    for (const line of report.notes) note(line);
    io.stdout.write(
      `${outDir}/: ${report.written.length} written, ${report.pruned.length} pruned, ${report.unchanged} unchanged (${selected.length} environment${selected.length === 1 ? '' : 's'}).${warningNote}\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof EmitConflictError)) throw e;
    io.stderr.write(`${e.message}\n  hint: move those files out of ${outDir}/ (Slipway never overwrites a file it did not generate), then run again.\n`);
    return 1;
  } finally {
    shown.end();
    if (writer !== context.writer) writer.release();
  }
}

/** A missing or unreadable environments/ folder is an environment problem (exit 2), not "no files". */
function assertReadableFolder(dir: string): void {
  try {
    readdirSync(dir);
  } catch (e) {
    throw fsFailure(e, `Cannot read the environments folder ${dir}/`, '; nothing was written.');
  }
}

function reportCheck(plan: Plan, outDir: string, io: Io, warningNote: string) {
  if (isClean(plan)) {
    io.stdout.write(`${outDir}/ is up to date.${warningNote}\n`);
    return 0;
  }
  const lines = [
    ...plan.changed.map((f) => `changed  ${outDir}/${f}`),
    ...plan.missing.map((f) => `missing  ${outDir}/${f}`),
    ...plan.extra.map((f) => `extra    ${outDir}/${f}`),
    ...plan.conflicts.map((f) => `foreign  ${outDir}/${f} (not generated by slipway)`),
    ...(plan.manifestChanged ? [`changed  ${outDir}/.slipway-manifest.json`] : []),
  ];
  io.stdout.write(`${outDir}/ is not what the generator produces:\n${lines.map((l) => `  ${l}`).join('\n')}\n  hint: run "slipway generate" and commit the result.\n`);
  return 1;
}
