// Where the JSON Schema of a Kubernetes kind comes from. Locations are tried in order; the first
// that has the kind wins:
//   embedded    the set inside Slipway (schema/kubernetes/), the default: no files, no network
//   a folder    kubeconform layout: <dir>/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json (CRDs)
//                                   <dir>/core/{{.ResourceKind}}{{.KindSuffix}}.json         (built-in kinds)
//   a template  any path containing {{ .Field }} placeholders (kubeconform's template syntax)
//   a URL       an http(s) template, or a URL root read like a folder; downloaded (schema-downloads.ts)
//   default     kubeconform's public locations (downloads)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { EnvironmentError } from '../commands/command.ts';
import { embeddedValidator } from './embedded.ts';
import type { kubernetesAjv, ValidateFunction } from './kubernetes-ajv.ts';
import { SchemaDownloads, type DownloadFailure, type DownloadOptions } from './schema-downloads.ts';

export const EMBEDDED = 'embedded';

export const DEFAULT_LOCATIONS = [
  'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json',
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json',
];

/** Expands "default" and folders (or URL roots) into templates; "embedded" stays as it is. */
export function expandLocations(locations: readonly string[]): string[] {
  return locations.flatMap((loc) => {
    if (loc === EMBEDDED) return [EMBEDDED];
    if (loc === 'default') return DEFAULT_LOCATIONS;
    if (loc.includes('{{')) return [loc];
    const root = loc.replace(/\/+$/, '');
    return [`${root}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, `${root}/core/{{.ResourceKind}}{{.KindSuffix}}.json`];
  });
}

/** kubeconform's template fields for an apiVersion and kind. */
export function templateFields(apiVersion: string, kind: string): Record<string, string> {
  const parts = apiVersion.split('/');
  const group = parts[0]!;
  const version = parts.at(-1)!;
  const kindSuffix = `-${group.split('.')[0]!.toLowerCase()}${parts.length > 1 ? `-${version.toLowerCase()}` : ''}`;
  return { Group: group, ResourceKind: kind.toLowerCase(), ResourceAPIVersion: version, KindSuffix: kindSuffix, NormalizedKubernetesVersion: 'master', StrictSuffix: '-strict' };
}

export function fillTemplate(template: string, fields: Record<string, string>): string {
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, f: string) => fields[f] ?? '');
}

export const isUrl = (location: string) => /^https?:\/\//.test(location);

export type SchemaLookup =
  | { readonly validate: ValidateFunction }
  /** No location has the kind; failures are the downloads that could not be answered. */
  | { readonly tried: readonly string[]; readonly failures: readonly DownloadFailure[] };

/** Finds and compiles schemas for one run: each location's document is read and compiled once. */
export class SchemaLocator {
  private readonly templates: string[];
  private readonly documents = new Map<string, ValidateFunction | undefined>();
  // Documents from folders and URLs get an ajv of their own: two of them may share an $id.
  private ajv: ReturnType<typeof kubernetesAjv> | undefined;
  private readonly downloads: SchemaDownloads;

  constructor(locations: readonly string[], downloads: DownloadOptions) {
    this.templates = expandLocations(locations);
    this.downloads = new SchemaDownloads(downloads);
  }

  async find(apiVersion: string, kind: string): Promise<SchemaLookup> {
    const fields = templateFields(apiVersion, kind);
    const tried: string[] = [];
    const failures: DownloadFailure[] = [];
    for (const template of this.templates) {
      if (template === EMBEDDED) {
        tried.push('the embedded schemas');
        const validate = await embeddedValidator(apiVersion, kind);
        if (validate) return { validate };
        continue;
      }
      const where = fillTemplate(template, fields);
      tried.push(where);
      if (!this.documents.has(where)) {
        let text: string | undefined;
        if (isUrl(where)) {
          const result = await this.downloads.get(where);
          if ('failure' in result) {
            failures.push(result.failure);
            continue;
          }
          text = result.text;
        } else text = readLocal(where);
        this.documents.set(where, text === undefined ? undefined : await this.compile(where, text));
      }
      const validate = this.documents.get(where);
      if (validate) return { validate };
    }
    return { tried, failures };
  }

  /** A location that holds something other than a JSON Schema is a broken setup, not a broken manifest. */
  private async compile(where: string, text: string): Promise<ValidateFunction> {
    try {
      const { $id: _id, $schema: _s, ...schema } = JSON.parse(text) as Record<string, unknown>;
      this.ajv ??= (await import('./kubernetes-ajv.ts')).kubernetesAjv();
      return this.ajv.compile(schema);
    } catch (e) {
      throw new EnvironmentError(`${where} is not a usable JSON Schema (${(e as Error).message}); fix or remove that schema location.`);
    }
  }

  /** Ends the connections downloads keep open (the locator can still be used: it opens new ones). */
  close(): Promise<void> {
    return this.downloads.close();
  }
}

function readLocal(file: string): string | undefined {
  return existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
}
