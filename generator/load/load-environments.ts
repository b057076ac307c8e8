// load: environment files -> validated, resolved, frozen models plus every issue found, located.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { environmentSchema } from '../../schema/environment.ts';
import { hasErrors, sortIssues, type Issue } from '../issues.ts';
import type { Environment } from '../model/environment.ts';
import { normalize } from '../model/normalize.ts';
import { checkEnvironment, type Finding } from '../model/rules/index.ts';
import { position } from './locate.ts';
import { schemaIssues } from './schema-issues.ts';
import { readYaml, type YamlSource } from './yaml-document.ts';

export const DEFAULT_ENVIRONMENTS_DIR = 'environments';
const SCHEMA_COMMENT = /^# yaml-language-server: \$schema=\S+/;

export interface LoadResult {
  readonly environments: readonly Environment[];
  readonly issues: readonly Issue[];
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

export function loadEnvironments(files: readonly string[]): LoadResult {
  return loadEnvironmentTexts(files.map((file) => ({ file, text: readText(file) })));
}

/** Same as loadEnvironments for contents read elsewhere (e.g. from git); text undefined = unreadable. */
export function loadEnvironmentTexts(inputs: ReadonlyArray<{ file: string; text: string | undefined }>): LoadResult {
  const environments: Environment[] = [];
  const issues: Issue[] = [];
  const sources = new Map<string, YamlSource>();
  for (const { file, text } of inputs) {
    const result = loadEnvironment(file, text);
    issues.push(...result.issues);
    if (result.environment && result.source) {
      environments.push(result.environment);
      sources.set(result.environment.name, result.source);
    }
  }
  issues.push(...fleetIssues(environments, sources));
  return { environments: environments.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), issues: sortIssues(issues) };
}

function readText(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

export function loadEnvironment(file: string, text: string | undefined = readText(file)): { environment?: Environment; source?: YamlSource; issues: Issue[] } {
  if (text === undefined) {
    return { issues: [{ code: 'FILE_NOT_FOUND', severity: 'error', message: `Cannot read ${file}.`, file, line: 0, column: 0, path: '', hint: 'Check the path; environment files live in environments/<name>.yaml.' }] };
  }
  const { source, issues } = readYaml(file, text);
  if (source.data === undefined || issues.length > 0) return { issues };

  const parsed = environmentSchema.safeParse(source.data);
  if (!parsed.success) return { issues: schemaIssues(source, environmentSchema, parsed.error.issues) };

  const environment = normalize(parsed.data, file);
  const located = [...checkEnvironment(environment), ...fileFindings(environment, text)].map((f) => locate(source, f));
  // Only a file without errors yields a model: renderers never see invalid input.
  return hasErrors(located) ? { issues: located } : { environment, source, issues: located };
}

function fileFindings(env: Environment, text: string): Finding[] {
  const out: Finding[] = [];
  const expected = path.basename(env.source).replace(/\.ya?ml$/, '');
  if (env.name !== expected) {
    out.push({ code: 'ENV_NAME_MISMATCH', severity: 'error', path: ['name'], message: `The name "${env.name}" differs from the file name "${expected}".`, hint: `Set name: ${expected}, or rename the file to ${env.name}.yaml.` });
  }
  if (!SCHEMA_COMMENT.test(text)) {
    out.push({
      code: 'ENV_SCHEMA_COMMENT',
      severity: 'warning',
      path: [],
      message: 'The file does not start with the yaml-language-server $schema comment, so editors cannot complete or check it.',
      hint: 'Add as the first line: # yaml-language-server: $schema=../schema/environment.schema.json',
    });
  }
  return out;
}

/** Problems between environments: two environments may not manage the same DNS zone. */
function fleetIssues(environments: readonly Environment[], sources: ReadonlyMap<string, YamlSource>): Issue[] {
  const owner = new Map<string, Environment>();
  const out: Issue[] = [];
  for (const env of environments) {
    const first = owner.get(env.dns.zone);
    if (!first) {
      owner.set(env.dns.zone, env);
      continue;
    }
    out.push(
      locate(sources.get(env.name)!, {
        code: 'FLEET_DUPLICATE_ZONE',
        severity: 'error',
        path: ['dns', 'zone'],
        message: `DNS zone ${env.dns.zone} is also managed by environment ${first.name} (${first.source}).`,
        hint: 'Give each environment its own zone, for example a subdomain per environment.',
      }),
    );
  }
  return out;
}

function locate(source: YamlSource, f: Finding): Issue {
  return { code: f.code, severity: f.severity, message: f.message, hint: f.hint, file: source.file, path: f.path.map(String).join('.'), ...position(source, f.path) };
}

/** Paths in messages and output are relative and use "/" on every platform. */
export function toDisplayPath(p: string): string {
  const rel = path.isAbsolute(p) ? path.relative(process.cwd(), p) : path.normalize(p);
  return rel.split(path.sep).join('/');
}
