// Grafana dashboards of an environment: from grafana.com by ID and revision (the grafana chart's
// download init container fetches them when Grafana starts), or from a JSON file in the repository,
// read when Slipway generates and shipped as a ConfigMap that Grafana's dashboard sidecar loads.
//
// A file is read relative to the environment file, once per run (both validation and the ConfigMap
// see the same bytes), and only from inside the working directory, the repository: a pull request
// could otherwise make CI copy any JSON file of the runner (a token cache) into out/ and its diff.
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** The Prometheus datasource kube-prometheus-stack provisions (grafana.sidecar.datasources.uid). */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';
/** A dashboard's datasource inputs that grafana.com exports name so (__inputs), pointed at it by default. */
export const DEFAULT_DATASOURCE_INPUTS: readonly string[] = ['DS_PROMETHEUS'];
/** ConfigMap size limit is 1 MiB with its metadata; one dashboard stays well below. */
export const MAX_DASHBOARD_BYTES = 512 * 1024;

export type DashboardFile = { readonly ok: true; readonly json: string } | { readonly ok: false; readonly problem: string };

const cache = new Map<string, DashboardFile>();

/** The file a dashboard names, relative to the environment file, as a path relative to the working directory. */
export const dashboardPath = (environmentFile: string, file: string) => path.relative(process.cwd(), path.resolve(path.dirname(environmentFile), file)).split(path.sep).join('/');

let reads = 0;
/** How many times a dashboard file was asked for: a load result that did so depends on more than its own file (load-cache.ts). */
export const dashboardReads = () => reads;

/** The dashboard's JSON as Grafana gets it, or why it cannot be used (a sentence without the file's content). */
export function readDashboardFile(environmentFile: string, file: string): DashboardFile {
  reads++;
  const absolute = path.resolve(path.dirname(environmentFile), file);
  let found = cache.get(absolute);
  if (!found) cache.set(absolute, (found = read(absolute, dashboardPath(environmentFile, file))));
  return found;
}

function read(absolute: string, shown: string): DashboardFile {
  const fail = (problem: string): DashboardFile => ({ ok: false, problem });
  const root = process.cwd();
  const inside = path.relative(root, absolute);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return fail(`${shown} lies outside the repository (the working directory); Slipway reads dashboards only from inside it`);
  let text: string;
  try {
    const stat = lstatSync(absolute);
    if (stat.isSymbolicLink()) return fail(`${shown} is a symbolic link; Slipway reads only regular files, so that a link cannot make it read a file outside the repository`);
    if (!stat.isFile()) return fail(`${shown} is not a regular file`);
    // A linked folder on the way would lead outside as well.
    if (realpathSync(absolute) !== path.join(realpathSync(root), inside)) return fail(`${shown} is reached through a symbolic link; Slipway reads only files whose path has none`);
    if (stat.size > MAX_DASHBOARD_BYTES) return fail(`${shown} has ${stat.size} bytes, more than the ${MAX_DASHBOARD_BYTES} a dashboard ConfigMap may hold`);
    text = readFileSync(absolute, 'utf8');
  } catch {
    return fail(`${shown} does not exist or cannot be read`);
  }
  let dashboard: unknown;
  try {
    dashboard = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    // Without the parser's message: it quotes the file, which may hold anything.
    return fail(`${shown} is not valid JSON`);
  }
  if (!dashboard || typeof dashboard !== 'object' || Array.isArray(dashboard) || typeof (dashboard as { title?: unknown }).title !== 'string') {
    return fail(`${shown} is not a Grafana dashboard: a JSON object with a "title", as Grafana exports it (Share > Export > Save to file)`);
  }
  const json = withPrometheusInputs(dashboard as Record<string, unknown>);
  const left = [...new Set([...json.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]!))];
  if (left.length > 0) {
    return fail(
      `${shown} uses \${${left.join('}, ${')}}, which is not a Prometheus datasource input of its __inputs; Slipway's outputs read \${UPPER_CASE} as a value Terraform supplies at deploy time. Rename the dashboard variable in lower case, or export the dashboard without "Export for sharing externally"`,
    );
  }
  return { ok: true, json };
}

/**
 * A dashboard exported "for sharing externally" names its datasources through __inputs
 * (${DS_PROMETHEUS}), which only Grafana's import dialog fills in; provisioned from a file, nothing
 * does. Every Prometheus datasource input is pointed at kube-prometheus-stack's datasource, as the
 * grafana chart's download script does for grafana.com dashboards.
 */
function withPrometheusInputs(dashboard: Record<string, unknown>): string {
  const inputs = Array.isArray(dashboard.__inputs) ? dashboard.__inputs : [];
  const names = inputs
    .filter((i): i is { name: string } => !!i && typeof i === 'object' && (i as { type?: unknown }).type === 'datasource' && (i as { pluginId?: unknown }).pluginId === 'prometheus' && typeof (i as { name?: unknown }).name === 'string')
    .map((i) => i.name);
  const { __inputs: _inputs, __requires: _requires, ...rest } = dashboard;
  let json = `${JSON.stringify(rest, null, 2)}\n`;
  for (const name of names) json = json.replaceAll(`\${${name}}`, PROMETHEUS_DATASOURCE_UID);
  return json;
}
