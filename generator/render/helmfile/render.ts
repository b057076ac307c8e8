// out/<env>/helmfile/: helmfile.yaml, values/<release>.yaml (.gotmpl where a value comes from
// Terraform outputs at deploy time), and two local charts for the plain objects around the charts:
// platform-base (namespaces, access, configuration; first) and platform-config (issuers, rules,
// secret provider classes; after the controllers that bring their CRDs).
import { releasesOf, resolveNeeds } from '../../catalog/index.ts';
import { platformObjects } from '../../catalog/objects.ts';
import { PLACEHOLDER, type KubeObject, type Release } from '../../catalog/types.ts';
import type { Environment } from '../../model/environment.ts';
import { GENERATED_HEADER, objectFileName, objectYaml, toYaml } from '../yaml.ts';
import { chartValue, hasPlaceholders, requiredEnv, toGoTemplate } from './go-template.ts';

/** Namespace of the helm releases that carry the local charts. */
const LOCAL_RELEASE_NAMESPACE = 'kube-system';

export function renderHelmfile(environments: readonly Environment[]): Map<string, string> {
  const all = new Map<string, string>();
  for (const env of environments) {
    // This environment's files only: requiredVariables reads them, and scanning the whole fleet's
    // files for each environment made rendering quadratic in the fleet size.
    const files = new Map<string, string>();
    const dir = `${env.name}/helmfile`;
    const releases = releasesOf(env);
    const objects = platformObjects(env);
    const base = localChart('platform-base', objects.base, []);
    // After the releases whose CRDs the config objects use, those of them the environment installs.
    const config = localChart('platform-config', objects.config, ['cert-manager', 'kube-prometheus-stack'].filter((n) => releases.some((r) => r.name === n)));

    const valuesFiles = new Map<string, string>();
    for (const release of releases) {
      const values = toYaml(release.values, { sortKeys: true, comment: [`values of release ${release.name} (${release.source.chart} ${release.version})`] });
      const file = hasPlaceholders(values) ? `values/${release.name}.yaml.gotmpl` : `values/${release.name}.yaml`;
      valuesFiles.set(release.name, file);
      files.set(`${dir}/${file}`, file.endsWith('.gotmpl') ? toGoTemplate(values, requiredEnv) : values);
    }
    for (const chart of [base, config]) {
      for (const [file, content] of chart.files) files.set(`${dir}/charts/${chart.name}/${file}`, content);
      if (chart.values) files.set(`${dir}/values/${chart.name}.yaml.gotmpl`, chart.values);
    }
    const entry = (r: Release) => helmfileRelease(r, releases, valuesFiles.get(r.name)!);
    const entries = [
      localRelease(base, releases),
      ...releases.filter((r) => r.layer === 'controllers').map(entry),
      localRelease(config, releases),
      ...releases.filter((r) => r.layer === 'apps').map(entry),
    ];
    files.set(`${dir}/helmfile.yaml`, helmfileYaml(env, files, dir, releases, entries));
    for (const [file, content] of files) all.set(file, content);
  }
  return all;
}

const needOf = (r: { name: string; namespace: string }) => `${r.namespace}/${r.name}`;
const needsOf = (names: readonly string[], all: readonly Release[]) => resolveNeeds(names, all).map(needOf);

function helmfileRelease(release: Release, all: readonly Release[], valuesFile: string) {
  const needs = [
    `${LOCAL_RELEASE_NAMESPACE}/platform-base`,
    ...needsOf(release.needs, all),
    // Apps read what platform-config brings (secret provider classes, default-deny policies).
    ...(release.layer === 'apps' ? [`${LOCAL_RELEASE_NAMESPACE}/platform-config`] : []),
  ];
  return {
    name: release.name,
    namespace: release.namespace,
    chart: `${release.source.repository}/${release.source.chart}`,
    version: release.version,
    needs,
    values: [valuesFile],
  };
}

interface LocalChart {
  readonly name: string;
  readonly files: Map<string, string>;
  /** values/<chart>.yaml.gotmpl when the objects reference deploy-time values. */
  readonly values?: string;
  readonly after: readonly string[];
}

function localChart(name: string, objects: readonly KubeObject[], after: readonly string[]): LocalChart {
  const files = new Map<string, string>();
  files.set('Chart.yaml', toYaml({ apiVersion: 'v2', name, description: `Objects Slipway renders around the charts (${name}).`, type: 'application', version: '1.0.0' }));
  const variables = new Set<string>();
  for (const object of objects) {
    const text = objectYaml(object);
    for (const m of text.matchAll(PLACEHOLDER)) variables.add(m[1]!);
    files.set(`templates/${objectFileName(object)}`, toGoTemplate(text, chartValue));
  }
  const sorted = [...variables].sort();
  const values = sorted.length ? `${GENERATED_HEADER}\nenv:\n${sorted.map((v) => `  ${v}: ${requiredEnv(v)}`).join('\n')}\n` : undefined;
  return { name, files, after, ...(values && { values }) };
}

function localRelease(chart: LocalChart, releases: readonly Release[]) {
  return {
    name: chart.name,
    namespace: LOCAL_RELEASE_NAMESPACE,
    chart: `./charts/${chart.name}`,
    ...(chart.after.length && { needs: [`${LOCAL_RELEASE_NAMESPACE}/platform-base`, ...needsOf(chart.after, releases)] }),
    ...(chart.values && { values: [`values/${chart.name}.yaml.gotmpl`] }),
  };
}

function helmfileYaml(env: Environment, files: ReadonlyMap<string, string>, dir: string, releases: readonly Release[], entries: readonly unknown[]): string {
  const repositories = new Map<string, { name: string; url: string; oci?: boolean }>();
  for (const { source } of releases) {
    const url = source.kind === 'oci' ? source.url.replace(/^oci:\/\//, '').replace(new RegExp(`/${source.chart}$`), '') : source.url;
    repositories.set(source.repository, { name: source.repository, url, ...(source.kind === 'oci' && { oci: true }) });
  }
  const doc = {
    repositories: [...repositories.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    helmDefaults: {
      // Only this environment's cluster: helm gets --kube-context, so a shell pointed at another
      // cluster still deploys here, and a kubeconfig without the context refuses.
      kubeContext: env.aks.kubeContext,
      wait: true,
      waitForJobs: true,
      // Roll a failed upgrade back (helm --atomic / --rollback-on-failure).
      atomic: true,
      timeout: 900,
      historyMax: 10,
      // Namespaces, with their pod security labels, come from the platform-base release.
      createNamespace: false,
      diffArgs: ['--suppress-secrets'],
    },
    releases: entries,
  };
  return toYaml(doc, {
    comment: [
      `environment ${env.name} (${env.source})`,
      'Values known only after terraform apply are read from these environment variables:',
      `  ${requiredVariables(files, dir).join(' ')}`,
      'Export them from the aks stack first: see "Releases" in the README.',
      `Deploys only to the kubeconfig context ${env.aks.kubeContext} (helmDefaults.kubeContext): run az aks get-credentials for ${env.names.cluster} first.`,
    ],
  });
}

/** Every variable a values file of this helmfile requires. */
export function requiredVariables(files: ReadonlyMap<string, string>, dir: string): string[] {
  const found = new Set<string>();
  for (const [file, content] of files) {
    if (file.startsWith(`${dir}/values/`)) for (const m of content.matchAll(/requiredEnv "([A-Z0-9_]+)"/g)) found.add(m[1]!);
  }
  return [...found].sort();
}
