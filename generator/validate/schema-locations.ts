// Where JSON Schemas for Kubernetes objects come from, in kubeconform's layout and template syntax:
//   a folder        <dir>/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json   (CRDs)
//                   <dir>/core/{{.ResourceKind}}{{.KindSuffix}}.json                  (built-in kinds)
//   a template      any path or http(s) URL containing {{ .Field }} placeholders
//   "default"       kubeconform's public locations (needs internet; downloads are cached)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_LOCATIONS = [
  'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json',
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json',
];

/** Expands "default" and folders into the templates kubeconform would use. */
export function expandLocations(locations: readonly string[]): string[] {
  return locations.flatMap((loc) => {
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

const MISSING_TTL_MS = 24 * 60 * 60 * 1000;

export class SchemaLocator {
  private readonly cache = new Map<string, unknown>();

  constructor(
    private readonly locations: readonly string[],
    /** Where downloaded schemas are kept between runs. */
    private readonly cacheDir: string = defaultCacheDir(),
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The schema for apiVersion/kind and where it came from, or undefined with the places tried. */
  async find(apiVersion: string, kind: string): Promise<{ schema: unknown; from: string } | { tried: string[]; errors: string[] }> {
    const fields = templateFields(apiVersion, kind);
    const tried: string[] = [];
    const errors: string[] = [];
    for (const template of expandLocations(this.locations)) {
      const where = fillTemplate(template, fields);
      tried.push(where);
      if (this.cache.has(where)) return { schema: this.cache.get(where), from: where };
      try {
        const text = /^https?:\/\//.test(where) ? await this.download(where) : readLocal(where);
        if (text === undefined) continue;
        const schema = JSON.parse(text);
        this.cache.set(where, schema);
        return { schema, from: where };
      } catch (e) {
        errors.push(`${where}: ${(e as Error).message}`);
      }
    }
    return { tried, errors };
  }

  private async download(url: string): Promise<string | undefined> {
    const key = path.join(this.cacheDir, createHash('sha256').update(url).digest('hex').slice(0, 32));
    if (existsSync(`${key}.json`)) return readFileSync(`${key}.json`, 'utf8');
    // A location that answered 404 is not asked again for a day (each kind is tried in every layout).
    if (existsSync(`${key}.missing`) && Date.now() - statSync(`${key}.missing`).mtimeMs < MISSING_TTL_MS) return undefined;
    const response = await this.fetchImpl(url, { signal: AbortSignal.timeout(15_000) });
    mkdirSync(this.cacheDir, { recursive: true });
    if (response.status === 404) {
      writeFileSync(`${key}.missing`, url);
      return undefined;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    JSON.parse(text);
    writeFileSync(`${key}.json`, text);
    return text;
  }
}

function readLocal(file: string): string | undefined {
  return existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_CACHE_DIR) return env.SLIPWAY_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'slipway', 'schemas');
}
