// Validates Kubernetes objects against their JSON Schemas, strictly (unknown fields are errors).
// With kubeconform on PATH it runs kubeconform; otherwise it validates in-process with ajv against
// the same schema locations. Either way, problems come back as Slipway issues naming the object's
// file, kind, name and the JSON pointer of the offending field.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { KubeObject } from '../catalog/types.ts';
import type { Issue } from '../issues.ts';
import { toYaml } from '../render/yaml.ts';
import { defaultCacheDir, expandLocations, SchemaLocator } from './schema-locations.ts';

export interface Manifest {
  readonly object: KubeObject;
  /** File (relative to out/) that carries the object. */
  readonly file: string;
}

export interface ValidateOptions {
  readonly locations: readonly string[];
  /** A missing schema is a warning instead of an error. */
  readonly ignoreMissingSchemas?: boolean;
  readonly cacheDir?: string;
  /** Path of the kubeconform binary; default: found on PATH. null: never use it. */
  readonly kubeconform?: string | null;
  readonly fetchImpl?: typeof fetch;
  /** Prefix for file names in issues, e.g. "out/". */
  readonly filePrefix?: string;
}

export async function validateManifests(manifests: readonly Manifest[], options: ValidateOptions): Promise<Issue[]> {
  const binary = options.kubeconform === undefined ? findOnPath('kubeconform') : options.kubeconform;
  return binary ? runKubeconform(binary, manifests, options) : validateInProcess(manifests, options);
}

const describe = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

function issue(m: Manifest, options: ValidateOptions, code: string, severity: Issue['severity'], pointer: string, message: string, hint: string): Issue {
  return { code, severity, file: `${options.filePrefix ?? ''}${m.file}`, line: 0, column: 0, path: pointer, message: `${describe(m.object)}: ${message}`, hint };
}

// ---------------------------------------------------------------- in-process (ajv)

export async function validateInProcess(manifests: readonly Manifest[], options: ValidateOptions): Promise<Issue[]> {
  const locator = new SchemaLocator(options.locations, options.cacheDir ?? defaultCacheDir(), options.fetchImpl);
  const ajv = newAjv();
  const compiled = new Map<string, ValidateFunction>();
  const issues: Issue[] = [];
  for (const m of manifests) {
    const { apiVersion, kind } = m.object;
    const found = await locator.find(apiVersion, kind);
    if (!('schema' in found)) {
      issues.push(
        issue(m, options, 'MANIFEST_SCHEMA_MISSING', options.ignoreMissingSchemas ? 'warning' : 'error', '', `no schema for ${apiVersion} ${kind} (looked in ${found.tried.length} places${found.errors.length ? `; ${found.errors[0]}` : ''}).`, 'Pass --schema-location with a folder in kubeconform layout, or allow downloads.'),
      );
      continue;
    }
    let validate = compiled.get(found.from);
    if (!validate) {
      validate = ajv.compile(withoutId(found.schema));
      compiled.set(found.from, validate);
    }
    if (!validate(m.object)) for (const e of validate.errors ?? []) issues.push(errorIssue(m, options, e));
  }
  return issues;
}

function newAjv(): Ajv.default {
  const ajv = new Ajv.default({
    strict: false,
    allErrors: true,
    // Kubernetes schemas carry Go regular expressions; (?i) becomes JavaScript's i flag.
    code: { regExp: ((pattern: string, flags: string) => (pattern.includes('(?i)') ? new RegExp(pattern.replaceAll('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags))) as never },
  });
  addFormats.default(ajv);
  return ajv;
}

/** Two schemas may share an $id (or none); each is compiled on its own. */
const withoutId = (schema: unknown) => {
  const { $id: _id, $schema: _s, ...rest } = schema as Record<string, unknown>;
  return rest;
};

function errorIssue(m: Manifest, options: ValidateOptions, e: ErrorObject): Issue {
  if (e.keyword === 'additionalProperties') {
    const field = (e.params as { additionalProperty: string }).additionalProperty;
    const pointer = `${e.instancePath}/${field}`;
    return issue(m, options, 'MANIFEST_INVALID', 'error', pointer, `${pointer} is not a field of ${m.object.kind}.`, 'Remove the field or fix its spelling.');
  }
  const pointer = e.instancePath || '/';
  return issue(m, options, 'MANIFEST_INVALID', 'error', pointer, `${pointer} ${e.message ?? 'is invalid'}.`, 'Fix the value to match the schema of this kind.');
}

// ---------------------------------------------------------------- kubeconform binary

interface KubeconformResource {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: string;
  msg: string;
  validationErrors?: Array<{ path: string; msg: string }>;
}

async function runKubeconform(binary: string, manifests: readonly Manifest[], options: ValidateOptions): Promise<Issue[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-kubeconform-'));
  try {
    manifests.forEach((m, i) => writeFileSync(path.join(dir, `${i}.yaml`), toYaml(m.object)));
    const args = ['-strict', '-output', 'json', '-summary', '-cache', options.cacheDir ?? defaultCacheDir()];
    for (const location of expandLocations(options.locations)) args.push('-schema-location', location);
    if (options.ignoreMissingSchemas) args.push('-ignore-missing-schemas');
    args.push(dir);
    let stdout: string;
    try {
      stdout = (await promisify(execFile)(binary, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
    } catch (e) {
      // kubeconform exits 1 when a resource is invalid; its report is still on stdout.
      stdout = (e as { stdout?: string }).stdout ?? '';
      if (!stdout.trim()) throw new Error(`kubeconform failed: ${(e as Error).message}`);
    }
    const report = JSON.parse(stdout) as { resources?: KubeconformResource[] };
    return (report.resources ?? []).flatMap((r) => {
      const m = manifests[Number(path.basename(r.filename, '.yaml'))];
      if (!m) return [];
      if (r.status === 'statusInvalid') {
        const errors = r.validationErrors?.length ? r.validationErrors : [{ path: '', msg: r.msg }];
        return errors.map((e) => issue(m, options, 'MANIFEST_INVALID', 'error', e.path || '/', `${e.path || '/'} ${e.msg}.`, 'Fix the value to match the schema of this kind.'));
      }
      if (r.status === 'statusError') {
        const missing = /could not find schema/i.test(r.msg);
        return [issue(m, options, missing ? 'MANIFEST_SCHEMA_MISSING' : 'MANIFEST_INVALID', missing && options.ignoreMissingSchemas ? 'warning' : 'error', '', `${r.msg}.`, 'Pass --schema-location with a folder in kubeconform layout, or allow downloads.')];
      }
      return [];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
