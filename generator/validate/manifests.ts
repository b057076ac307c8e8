// Validates Kubernetes objects against their JSON Schemas, strictly (an unknown field is an error),
// in-process with ajv. Problems come back as Slipway issues naming the object's file, kind, name
// and the JSON pointer of the offending field.
//
// The kubeconform binary is deliberately not used here, even when installed: generate's verdict
// must not depend on what a machine has installed or on unpinned public schemas, so it validates
// against the schemas embedded in the package unless told otherwise. CI runs kubeconform over
// every built overlay as an independent second check.
import { EnvironmentError } from '../commands/command.ts';
import type { KubeObject } from '../catalog/types.ts';
import type { OnProgress } from '../format/progress.ts';
import type { Issue } from '../issues.ts';
import type { ErrorObject } from './kubernetes-ajv.ts';
import { defaultCacheDir } from './schema-downloads.ts';
import { EMBEDDED, SchemaLocator } from './schema-locations.ts';

export interface Manifest {
  readonly object: KubeObject;
  /** File (relative to out/) that carries the object. */
  readonly file: string;
}

export interface ValidateOptions {
  /** Schema locations in order (schema-locations.ts); default: the embedded set. */
  readonly locations?: readonly string[];
  /** A missing schema is a warning instead of an error. */
  readonly ignoreMissingSchemas?: boolean;
  /** Where downloaded schemas are kept; default SLIPWAY_CACHE_DIR, else the XDG cache. */
  readonly cacheDir?: string;
  /** Bound of one download (default 10 s). */
  readonly timeoutMs?: number;
  /** The command's environment (proxies, cache folder); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Prefix for file names in issues, e.g. "out/". */
  readonly filePrefix?: string;
  readonly onProgress?: OnProgress;
  /**
   * Where schemas are found, shared by the calls of one run (a fleet's environments), so that each
   * is read and compiled once; the caller closes it. Default: one for this call.
   */
  readonly locator?: SchemaLocator;
}

/**
 * Issues for every object that does not match its schema, or has none. Throws EnvironmentError
 * when a download failure leaves a kind without a schema: that says nothing about the manifests.
 */
export async function validateManifests(manifests: readonly Manifest[], options: ValidateOptions = {}): Promise<Issue[]> {
  const env = options.env ?? process.env;
  const locations = options.locations ?? [EMBEDDED];
  const locator = options.locator ?? new SchemaLocator(locations, { cacheDir: options.cacheDir ?? defaultCacheDir(env), timeoutMs: options.timeoutMs, env });
  const issues: Issue[] = [];
  try {
    for (const [index, m] of manifests.entries()) {
      options.onProgress?.(index + 1, manifests.length);
      const { apiVersion, kind } = m.object;
      const found = await locator.find(apiVersion, kind);
      if ('validate' in found) {
        if (!found.validate(m.object)) for (const e of found.validate.errors ?? []) issues.push(errorIssue(m, options, e));
        continue;
      }
      const failure = found.failures[0];
      if (failure) {
        throw new EnvironmentError(
          `Cannot download the schema of ${apiVersion} ${kind} from ${failure.url}: ${failure.host} ${failure.cause}, and no other schema location has it. Check the network and the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), or validate against the schemas embedded in Slipway by naming no URL location.`,
        );
      }
      issues.push(
        issue(
          m,
          options,
          'MANIFEST_SCHEMA_MISSING',
          options.ignoreMissingSchemas ? 'warning' : 'error',
          '',
          `there is no schema for ${apiVersion} ${kind} (looked in ${found.tried.length === 1 ? found.tried[0] : `${found.tried.length} places: ${found.tried.join(', ')}`}).`,
          `Name a schema location that has this kind (--schema-location with a folder in kubeconform layout, a template or a URL; or schemaLocations in slipway.config.json)${options.ignoreMissingSchemas ? '' : ', or pass --ignore-missing-schemas to make this a warning'}.`,
        ),
      );
    }
  } finally {
    if (!options.locator) await locator.close();
  }
  return issues;
}

const describe = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

function issue(m: Manifest, options: ValidateOptions, code: string, severity: Issue['severity'], pointer: string, message: string, hint: string): Issue {
  return { code, severity, file: `${options.filePrefix ?? ''}${m.file}`, line: 0, column: 0, path: pointer, message: `${describe(m.object)}: ${message}`, hint };
}

function errorIssue(m: Manifest, options: ValidateOptions, e: ErrorObject): Issue {
  if (e.keyword === 'additionalProperties') {
    const field = (e.params as { additionalProperty: string }).additionalProperty;
    const pointer = `${e.instancePath}/${field.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    return issue(m, options, 'MANIFEST_INVALID', 'error', pointer, `${pointer} is not a field of ${m.object.kind}.`, 'Remove the field or fix its spelling.');
  }
  const pointer = e.instancePath || '/';
  return issue(m, options, 'MANIFEST_INVALID', 'error', pointer, `${pointer} ${e.message ?? 'is invalid'}.`, 'Fix the value to match the schema of this kind.');
}
