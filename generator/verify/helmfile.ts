// The helmfile side of an environment: its releases as apply-order nodes (namespace/name with
// needs), rendered as `helmfile apply` would install them (the same helm flags as the Flux side, so
// equal inputs share one render), and compared object by object with what Flux puts into the
// cluster. Both outputs come from one catalog: any difference is a generator bug worth a finding.
import { parse } from 'yaml';
import type { KubeObject } from '../catalog/types.ts';
import type { Environment } from '../model/environment.ts';
import type { ChartSpec, RenderRequest } from './render.ts';
import { finding } from './flux.ts';
import { groupOf } from './cluster-apis.ts';
import type { HelmfileNode, RenderedObject, VerifyFinding } from './types.ts';
import { objectId } from './types.ts';
import type { Variables } from './substitute.ts';

export interface HelmfileRelease {
  /** namespace/name */
  readonly id: string;
  readonly namespace: string;
  /** The values file (or helmfile.yaml) findings point at. */
  readonly file: string;
  /** Undefined when the release cannot be rendered (a finding says why). */
  readonly request?: RenderRequest;
}

export interface HelmfilePlan {
  readonly nodes: HelmfileNode[];
  readonly releases: HelmfileRelease[];
  readonly findings: VerifyFinding[];
}

const KNOWN_RELEASE_FIELDS = new Set(['name', 'namespace', 'chart', 'version', 'needs', 'values', 'labels', 'installed']);
const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const helmfilePath = (env: Environment) => `${env.name}/helmfile/helmfile.yaml`;

/** The releases of out/<env>/helmfile/helmfile.yaml, each with the render request helmfile would make. */
export function helmfilePlan(files: ReadonlyMap<string, string>, env: Environment, variables: Variables, kubeVersion: string): HelmfilePlan {
  const file = helmfilePath(env);
  const dir = file.slice(0, file.lastIndexOf('/'));
  const findings: VerifyFinding[] = [];
  const text = files.get(file);
  if (text === undefined) return { nodes: [], releases: [], findings };
  let doc: Record<string, any>;
  try {
    doc = parse(text) as Record<string, any>;
  } catch (e) {
    return { nodes: [], releases: [], findings: [finding('VERIFY_HELMFILE', `${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'Regenerate it with slipway generate.', { file })] };
  }
  const repositories = new Map<string, { url: string; oci: boolean }>();
  for (const r of Array.isArray(doc?.repositories) ? doc.repositories : []) {
    if (isMap(r) && typeof r.name === 'string' && typeof r.url === 'string') repositories.set(r.name, { url: r.url, oci: r.oci === true });
  }

  const nodes: HelmfileNode[] = [];
  const releases: HelmfileRelease[] = [];
  for (const entry of Array.isArray(doc?.releases) ? doc.releases : []) {
    if (!isMap(entry) || typeof entry.name !== 'string') continue;
    if (entry.installed === false) continue;
    const namespace = typeof entry.namespace === 'string' ? entry.namespace : 'default';
    const id = `${namespace}/${entry.name}`;
    nodes.push({ id, needs: (Array.isArray(entry.needs) ? entry.needs : []).map(String) });
    const valuesFiles = (Array.isArray(entry.values) ? entry.values : []).filter((v: unknown): v is string => typeof v === 'string');
    const at = valuesFiles.length ? `${dir}/${valuesFiles[valuesFiles.length - 1]}` : file;
    const fail = (message: string, hint: string, severity: 'error' | 'warning' = 'error') => findings.push(finding('VERIFY_HELMFILE', `helmfile release ${id}: ${message}`, hint, { release: id, file: at, severity }));

    const unknown = Object.keys(entry).filter((k) => !KNOWN_RELEASE_FIELDS.has(k));
    if (unknown.length) fail(`sets ${unknown.join(', ')}, which slipway verify does not apply; its render may differ from helmfile's.`, 'Check this release by hand.', 'warning');
    if (Array.isArray(entry.values) && entry.values.length !== valuesFiles.length) fail('has inline values, which slipway verify does not read.', 'Keep values in files.', 'warning');

    const chart = chartOf(files, dir, String(entry.chart ?? ''), typeof entry.version === 'string' ? entry.version : undefined, repositories);
    if ('problem' in chart) {
      fail(chart.problem, 'Use ./charts/<name> or <repository>/<chart> with a version, the repository listed under repositories.');
      releases.push({ id, namespace, file: at });
      continue;
    }
    let values: Record<string, unknown> = {};
    let broken = false;
    for (const v of valuesFiles) {
      const path = `${dir}/${v}`;
      const content = files.get(path);
      if (content === undefined) {
        fail(`the values file ${v} does not exist.`, 'Regenerate the helmfile with slipway generate.');
        broken = true;
        break;
      }
      try {
        const rendered = v.endsWith('.gotmpl') ? renderValuesTemplate(content, variables) : content;
        // helm reads values files as YAML 1.1 (sigs.k8s.io/yaml): `no` is false there.
        const parsed = parse(rendered, { version: '1.1', uniqueKeys: false }) as unknown;
        if (parsed !== null && parsed !== undefined && !isMap(parsed)) throw new Error('it is not a map');
        values = mergeValues(values, parsed ?? {});
      } catch (e) {
        fail(`the values file ${v} cannot be read: ${(e as Error).message.split('\n')[0]}`, 'Regenerate the helmfile with slipway generate.');
        broken = true;
        break;
      }
    }
    if (broken) {
      releases.push({ id, namespace, file: at });
      continue;
    }
    releases.push({
      id,
      namespace,
      file: at,
      request: { chart: chart.spec, releaseName: entry.name, namespace, values, kubeVersion, apiVersions: [], includeCrds: true, hooks: true, tests: false },
    });
  }
  return { nodes, releases, findings };
}

function chartOf(
  files: ReadonlyMap<string, string>,
  dir: string,
  chart: string,
  version: string | undefined,
  repositories: ReadonlyMap<string, { url: string; oci: boolean }>,
): { spec: ChartSpec } | { problem: string } {
  if (chart.startsWith('./') || chart.startsWith('../')) {
    const prefix = `${dir}/${chart.replace(/^\.\//, '').replace(/\/+$/, '')}/`;
    const chartFiles = new Map<string, string>();
    for (const [f, content] of files) if (f.startsWith(prefix)) chartFiles.set(f.slice(prefix.length), content);
    if (!chartFiles.has('Chart.yaml')) return { problem: `the local chart ${chart} has no Chart.yaml in the output.` };
    return { spec: { kind: 'local', name: prefix.split('/').at(-2)!, files: chartFiles } };
  }
  const slash = chart.indexOf('/');
  const repository = repositories.get(chart.slice(0, slash));
  if (slash === -1 || !repository) return { problem: `the chart ${chart} names no repository of the helmfile.` };
  if (!version) return { problem: `the chart ${chart} has no version.` };
  const name = chart.slice(slash + 1);
  const origin = repository.oci ? { kind: 'oci' as const, url: `oci://${repository.url.replace(/^oci:\/\//, '').replace(/\/+$/, '')}/${name}` } : { kind: 'helm' as const, url: repository.url };
  return { spec: { kind: 'archive', pin: { chart: name, version, origin } } };
}

/**
 * A .gotmpl values file as helmfile renders it, for the two actions Slipway writes:
 * {{ requiredEnv "X" }} (the value the aks stack exports) and {{ "{{" }} (a literal "{{").
 */
export function renderValuesTemplate(text: string, variables: Variables): string {
  return text.replace(/\{\{(-?)\s*(.*?)\s*(-?)\}\}/g, (whole, _l: string, action: string) => {
    const env = /^requiredEnv\s+"([^"]+)"$/.exec(action);
    if (env) {
      const value = variables[env[1]!];
      if (value === undefined) throw new Error(`requiredEnv "${env[1]}" names a variable the aks stack does not set`);
      return value;
    }
    if (action === '"{{"') return '{{';
    throw new Error(`the template action ${whole} is not one slipway verify can evaluate`);
  });
}

/** helm's merge of several values files: maps merge key by key, anything else replaces. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = isMap(v) && isMap(out[k]) ? mergeValues(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** Objects only Flux has: its own machinery. */
const FLUX_GROUPS = /\.toolkit\.fluxcd\.io$/;
/** Labels helm-controller adds to what it renders. */
const ORIGIN_LABELS = ['helm.toolkit.fluxcd.io/name', 'helm.toolkit.fluxcd.io/namespace'];

const keyOf = (o: KubeObject) => `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function withoutOriginLabels(o: KubeObject): KubeObject {
  const labels = o.metadata.labels;
  if (!labels || !ORIGIN_LABELS.some((l) => l in labels)) return o;
  const kept = Object.fromEntries(Object.entries(labels).filter(([k]) => !ORIGIN_LABELS.includes(k)));
  const { labels: _l, ...metadata } = o.metadata;
  return { ...o, metadata: Object.keys(kept).length ? { ...metadata, labels: kept } : metadata };
}

export interface HelmfileObject {
  readonly object: KubeObject;
  /** namespace/name of the helmfile release. */
  readonly release: string;
  readonly file: string;
}

/** VERIFY_HELMFILE_DIFFERS for every object one side has and the other lacks or holds differently. */
export function compareWithFlux(env: Environment, flux: readonly RenderedObject[], helmfile: readonly HelmfileObject[]): VerifyFinding[] {
  const fluxByKey = new Map<string, RenderedObject & { compared: KubeObject }>();
  for (const o of flux) {
    if (FLUX_GROUPS.test(groupOf(o.object.apiVersion))) continue;
    const key = keyOf(o.object);
    if (!fluxByKey.has(key)) fluxByKey.set(key, { ...o, compared: withoutOriginLabels(o.object) });
  }
  const helmfileByKey = new Map<string, HelmfileObject>();
  for (const o of helmfile) if (!helmfileByKey.has(keyOf(o.object))) helmfileByKey.set(keyOf(o.object), o);

  const findings: VerifyFinding[] = [];
  const hint = `helmfile and Flux render from the same catalog entry; compare ${env.name}/helmfile with ${env.name}/flux for this object and fix the renderer that adds, drops or changes it.`;
  const fluxSide = (o: RenderedObject) => (o.release ? `HelmRelease ${o.release.namespace}/${o.release.name}` : `the Flux Kustomization ${o.kustomization}`);
  for (const [key, f] of fluxByKey) {
    const h = helmfileByKey.get(key);
    const id = objectId(f.object);
    if (!h) {
      findings.push(finding('VERIFY_HELMFILE_DIFFERS', `${env.name}: ${id} is applied by ${fluxSide(f)} but no helmfile release renders it.`, hint, { object: id, file: f.file, ...(f.release && { release: `${f.release.namespace}/${f.release.name}` }) }));
      continue;
    }
    if (!sameValue(h.object, f.compared)) {
      const differences = differencesOf(h.object, f.compared);
      findings.push(
        finding('VERIFY_HELMFILE_DIFFERS', `${env.name}: ${id} differs between helmfile release ${h.release} and ${fluxSide(f)}: ${differences.join('; ')}.`, hint, { object: id, file: f.file, release: h.release }),
      );
    }
  }
  for (const [key, h] of helmfileByKey) {
    if (fluxByKey.has(key)) continue;
    const id = objectId(h.object);
    findings.push(finding('VERIFY_HELMFILE_DIFFERS', `${env.name}: ${id} is rendered by helmfile release ${h.release} but Flux does not apply it.`, hint, { object: id, file: h.file, release: h.release }));
  }
  return findings;
}

/** Up to three paths where two values differ, each with both sides. */
export function differencesOf(helmfile: unknown, flux: unknown, limit = 3): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? 'nothing' : truncate(JSON.stringify(v)));
  const walk = (a: unknown, b: unknown, at: string) => {
    if (out.length >= limit || sameValue(a, b)) return;
    if (isMap(a) && isMap(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], at ? `${at}.${k}` : k);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${at}[${i}]`));
      return;
    }
    out.push(`${at || 'the object'}: helmfile ${show(a)}, Flux ${show(b)}`);
  };
  walk(helmfile, flux, '');
  return out;
}

/** Deep equality of JSON-like values, map key order aside. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    return keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length && keys.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

const truncate = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);
