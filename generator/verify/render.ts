// `helm template` for verify: one render per distinct input (chart@version or a local chart's
// content, values, namespace, release name, kube version, API list and flags), however many
// environments, HelmReleases and helmfile releases ask for it; renders run as child processes, as
// many at once as the machine has cores, each with a timeout. The output is split the way helm splits
// manifests and read as YAML 1.1 (helm reads manifests with sigs.k8s.io/yaml); identical documents
// (a chart's CRDs in every render of it) are parsed once.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../catalog/types.ts';
import { ArchiveError, readArchive } from '../charts/archive.ts';
import { EnvironmentError } from '../commands/command.ts';
import type { ChartPin, ChartStore } from './charts.ts';
import { runHelm, type Helm } from './helm.ts';

export type ChartSpec =
  | { readonly kind: 'archive'; readonly pin: ChartPin }
  /** A chart folder that exists only in the file map (helmfile's charts/<name>): paths relative to the chart. */
  | { readonly kind: 'local'; readonly name: string; readonly files: ReadonlyMap<string, string> };

export interface RenderRequest {
  readonly chart: ChartSpec;
  readonly releaseName: string;
  readonly namespace: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** --kube-version */
  readonly kubeVersion: string;
  /** --api-versions: what .Capabilities.APIVersions holds besides helm's built-in group/versions. */
  readonly apiVersions: readonly string[];
  /** The chart's crds/ folders (helm install does, unless told to skip them). */
  readonly includeCrds: boolean;
  /** Hook resources (helm runs them on install unless hooks are disabled). */
  readonly hooks: boolean;
  /** Test hooks (run only by `helm test`). */
  readonly tests: boolean;
}

export interface RenderedDocument {
  /** Shared between every render that produced the same document: never change it in place. */
  readonly object: KubeObject;
  /** The template it came from, as helm's "# Source:" comment names it (chart/templates/x.yaml). */
  readonly source: string;
  /** A helm hook (annotation helm.sh/hook). */
  readonly hook: boolean;
  /** From a crds/ folder: installed before the release, never post-rendered. */
  readonly crd: boolean;
}

export type Rendered =
  | { readonly ok: true; readonly key: string; readonly documents: readonly RenderedDocument[] }
  | { readonly ok: false; readonly key: string; readonly error: string };

/** Which API names a chart's templates test with .Capabilities.APIVersions.Has. */
export interface CapabilityProbes {
  readonly exact: ReadonlySet<string>;
  /** printf "gateway.networking.k8s.io/v1/%s": the literal part before the first verb. */
  readonly prefixes: readonly string[];
  /** Some use the test cannot be read from the text (a variable argument, a range over the list). */
  readonly opaque: boolean;
}

export interface RenderStats {
  /** helm template processes run. */
  run: number;
  /** Requests answered from an earlier render with the same input. */
  reused: number;
  /** Every distinct render, with how many requests it answered. */
  readonly renders: Map<string, RenderUse>;
}

export interface RenderUse {
  /** chart@version, or <name>@local-<hash> for a chart from the file map. */
  readonly chart: string;
  readonly releaseName: string;
  readonly namespace: string;
  requests: number;
}

export interface RendererOptions {
  readonly helm: () => Promise<Helm>;
  readonly charts: ChartStore;
  readonly env: NodeJS.ProcessEnv;
  /** Per `helm template`; default 120 s. */
  readonly timeoutMs?: number;
  /** Processes at once; default os.availableParallelism(). */
  readonly parallelism?: number;
}

export class HelmRenderer {
  readonly stats: RenderStats = { run: 0, reused: 0, renders: new Map() };
  private readonly renders = new Map<string, Promise<Rendered>>();
  private readonly probesByChart = new Map<string, Promise<CapabilityProbes>>();
  private readonly localCharts = new Map<string, string>();
  private readonly documents = new Map<string, KubeObject | null>();
  private readonly slots: Semaphore;
  private folder: string | undefined;

  constructor(private readonly options: RendererOptions) {
    this.slots = new Semaphore(options.parallelism ?? availableParallelism());
  }

  /** The render of a request: from a render with the same input when there was one. */
  render(request: RenderRequest): Promise<Rendered> {
    const key = renderKey(request);
    const earlier = this.renders.get(key);
    if (earlier) {
      this.stats.reused++;
      this.stats.renders.get(key)!.requests++;
      return earlier;
    }
    this.stats.renders.set(key, { chart: chartId(request.chart), releaseName: request.releaseName, namespace: request.namespace, requests: 1 });
    const pending = this.run(key, request);
    // Callers see a failure; a render nobody awaits any more (the run already failed) must not crash the process.
    pending.catch(() => undefined);
    this.renders.set(key, pending);
    return pending;
  }

  /** What the chart's templates ask of the API list (read once per chart). */
  probes(chart: ChartSpec): Promise<CapabilityProbes> {
    const id = chartId(chart);
    let found = this.probesByChart.get(id);
    if (!found) {
      found = (async () => {
        if (chart.kind === 'local') return capabilityProbes(chart.files);
        const archive = await this.options.charts.archive(chart.pin);
        let files: Map<string, Buffer>;
        try {
          files = readArchive(archive);
        } catch (e) {
          if (!(e instanceof ArchiveError)) throw e;
          throw new EnvironmentError(`the chart archive ${archive} cannot be read (${e.message}); replace it with the ${chart.pin.chart} ${chart.pin.version} archive, or remove it to let verify pull it.`);
        }
        return capabilityProbes(new Map([...files].map(([f, b]) => [f, b.toString('utf8')])));
      })();
      found.catch(() => undefined);
      this.probesByChart.set(id, found);
    }
    return found;
  }

  /** Waits for every render started, then removes the temporary files. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.renders.values(), ...this.probesByChart.values()]);
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
    this.folder = undefined;
  }

  private workFolder(): string {
    this.folder ??= mkdtempSync(path.join(os.tmpdir(), 'slipway-verify-'));
    return this.folder;
  }

  private async chartPath(chart: ChartSpec): Promise<string> {
    if (chart.kind === 'archive') return this.options.charts.archive(chart.pin);
    const id = chartId(chart);
    let dir = this.localCharts.get(id);
    if (!dir) {
      dir = path.join(this.workFolder(), 'charts', id.replace(/[^a-z0-9]+/gi, '-'), chart.name);
      for (const [file, content] of chart.files) {
        const target = path.join(dir, file);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
      this.localCharts.set(id, dir);
    }
    return dir;
  }

  private async run(key: string, request: RenderRequest): Promise<Rendered> {
    const [helm, chart] = await Promise.all([this.options.helm(), this.chartPath(request.chart)]);
    const valuesFile = path.join(this.workFolder(), `values-${key.slice(0, 24)}.json`);
    writeFileSync(valuesFile, JSON.stringify(request.values));
    const args = [
      'template', request.releaseName, chart,
      '--namespace', request.namespace,
      '--kube-version', request.kubeVersion,
      '--values', valuesFile,
      ...(request.includeCrds ? ['--include-crds'] : []),
      ...(request.hooks ? [] : ['--no-hooks']),
      ...(request.tests ? [] : ['--skip-tests']),
      ...(request.apiVersions.length ? ['--api-versions', request.apiVersions.join(',')] : []),
    ];
    const result = await this.slots.use(() => {
      this.stats.run++;
      return runHelm(helm.path, args, { env: this.options.env, timeoutMs: this.options.timeoutMs ?? 120_000 });
    });
    if (result.code !== 0) return { ok: false, key, error: helmError(result.stderr) || `helm template exited with code ${result.code}` };
    const documents: RenderedDocument[] = [];
    // helm names the template once; the further documents of a file (or a file that starts with "---") follow without it.
    let source = '';
    for (const text of splitManifests(result.stdout)) {
      if (text.startsWith('# Source: ')) source = text.slice(10, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')).trim();
      if (source.endsWith('NOTES.txt')) continue;
      let object: KubeObject | null;
      try {
        object = this.parse(text);
      } catch (e) {
        return { ok: false, key, error: `${source || 'a template'} renders invalid YAML: ${(e as Error).message.split('\n')[0]}` };
      }
      if (object === null) continue;
      if (!isObject(object)) return { ok: false, key, error: `${source || 'a template'} renders a document without apiVersion, kind and metadata.name` };
      documents.push({
        object,
        source,
        hook: typeof object.metadata.annotations?.['helm.sh/hook'] === 'string',
        crd: /(^|\/)crds\/[^/]+$/.test(source),
      });
    }
    return { ok: true, key, documents };
  }

  private parse(text: string): KubeObject | null {
    let object = this.documents.get(text);
    if (object === undefined) {
      const value = parse(text, { version: '1.1', uniqueKeys: false }) as unknown;
      object = value === null || value === undefined ? null : (value as KubeObject);
      this.documents.set(text, object);
    }
    return object;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isObject = (v: unknown): v is KubeObject =>
  isMap(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string' && isMap(v.metadata) && typeof v.metadata.name === 'string' && v.metadata.name !== '';

/**
 * Documents of helm's output, split where helm's releaseutil.SplitManifests splits (a "---" at the
 * start of the text or of a line; its regular expression backtracks badly on indented output, so
 * the split is on the plain string); blank ones dropped.
 */
export function splitManifests(text: string): string[] {
  const body = text.startsWith('---') ? text.slice(3) : text;
  return body
    .split('\n---')
    .map((d) => d.trim())
    .filter((d) => d !== '');
}

/** helm's message without the "Error: " prefix, first lines only. */
function helmError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(WARNING|walk\.go|install\.go)/.test(l));
  return lines.slice(0, 3).join(' ').replace(/^Error: /, '');
}

export function availableParallelism(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length || 1;
}

function chartId(chart: ChartSpec): string {
  if (chart.kind === 'archive') return `${chart.pin.chart}@${chart.pin.version}`;
  const hash = createHash('sha256');
  for (const [file, content] of [...chart.files].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${file}\0${content}\0`);
  return `${chart.name}@local-${hash.digest('hex').slice(0, 16)}`;
}

/** The content hash a render is cached under. */
export function renderKey(request: RenderRequest): string {
  const input = {
    chart: chartId(request.chart),
    releaseName: request.releaseName,
    namespace: request.namespace,
    kubeVersion: request.kubeVersion,
    apiVersions: request.apiVersions,
    includeCrds: request.includeCrds,
    hooks: request.hooks,
    tests: request.tests,
    values: request.values,
  };
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** JSON with every map's keys sorted, so equal values hash equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isMap(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const PROBE = /\.Capabilities\.APIVersions(?:\.Has\s+(?:"([^"]*)"|\(\s*printf\s+"([^"]*)"))?/g;

/** The API names the templates test for, read from their text. */
export function capabilityProbes(files: ReadonlyMap<string, string>): CapabilityProbes {
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  let opaque = false;
  for (const [file, text] of files) {
    if (!/(^|\/)templates\//.test(file) || !text.includes('.Capabilities.APIVersions')) continue;
    for (const m of text.matchAll(PROBE)) {
      if (m[1] !== undefined) exact.add(m[1]);
      else if (m[2] !== undefined && m[2].split('%')[0]) prefixes.add(m[2].split('%')[0]!);
      else opaque = true;
    }
  }
  return { exact, prefixes: [...prefixes], opaque };
}

/** Whether APIs beyond the base list could change what the chart renders. */
export const probesAny = (probes: CapabilityProbes, added: readonly string[]) =>
  probes.opaque || added.some((api) => probes.exact.has(api) || probes.prefixes.some((p) => api.startsWith(p)));

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async use<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
