import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { releasesOf } from '../../../generator/catalog/index.ts';
import { platformObjects } from '../../../generator/catalog/objects.ts';
import { substitutionVariableNames } from '../../../generator/model/workload-identities.ts';
import { examples, renderGoTemplate } from '../../helpers/render.ts';

const { environments, files } = examples();
const helmfileOf = (env: string) => parse(files.get(`${env}/helmfile/helmfile.yaml`)!) as {
  repositories: Array<{ name: string; url: string; oci?: boolean }>;
  helmDefaults: Record<string, unknown>;
  releases: Array<{ name: string; namespace: string; chart: string; version?: string; needs?: string[]; values?: string[] }>;
};
/** A value for every deploy-time variable, as `export` from the aks stack would give. */
const deployEnv = Object.fromEntries([...new Set(environments.flatMap((e) => substitutionVariableNames(e)))].sort().map((v, i) => [v, `00000000-0000-0000-0000-0000000000${String(i).padStart(2, '0')}`]));

describe('helmfile.yaml', () => {
  it.each(environments.map((e) => e.name))('%s: releases are pinned, ordered by needs, and use declared repositories', (name) => {
    const hf = helmfileOf(name);
    const seen = new Set<string>();
    const repos = new Set(hf.repositories.map((r) => r.name));
    for (const r of hf.releases) {
      for (const need of r.needs ?? []) expect(seen.has(need), `${r.name} needs ${need}, which must come earlier`).toBe(true);
      seen.add(`${r.namespace}/${r.name}`);
      if (r.chart.startsWith('./')) {
        expect(files.has(`${name}/helmfile/${r.chart.slice(2)}/Chart.yaml`), r.chart).toBe(true);
      } else {
        expect(repos.has(r.chart.split('/')[0]!), r.chart).toBe(true);
        expect(r.version, `${r.name} pins its chart version`).toMatch(/^v?\d+\.\d+\.\d+$/);
      }
      for (const v of r.values ?? []) expect(files.has(`${name}/helmfile/${v}`), v).toBe(true);
    }
    expect(hf.helmDefaults).toMatchObject({ wait: true, atomic: true, timeout: 900, createNamespace: false });
    for (const repo of hf.repositories.filter((r) => r.oci)) expect(repo.url).not.toMatch(/^oci:\/\//);
  });

  it('installs every catalog release of the environment once, with its chart and version', () => {
    for (const env of environments) {
      const hf = helmfileOf(env.name);
      for (const r of releasesOf(env)) {
        expect(hf.releases.filter((x) => x.name === r.name)).toEqual([expect.objectContaining({ namespace: r.namespace, chart: `${r.source.repository}/${r.source.chart}`, version: r.version })]);
      }
    }
  });

  it('renders every values file to exactly the catalog values once the environment is exported', () => {
    for (const env of environments) {
      for (const r of releasesOf(env)) {
        const file = helmfileOf(env.name).releases.find((x) => x.name === r.name)!.values![0]!;
        const text = files.get(`${env.name}/helmfile/${file}`)!;
        const expected = JSON.parse(JSON.stringify(r.values).replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_, v: string) => deployEnv[v]!));
        expect(parse(renderGoTemplate(text, deployEnv)), `${env.name}/${file}`).toEqual(expected);
        expect(file.endsWith('.gotmpl'), file).toBe(JSON.stringify(r.values).includes('${'));
      }
    }
  });

  it('keeps literal {{ }} of alert templates intact through Go templating', () => {
    const rules = files.get('numbers-prod/helmfile/charts/platform-config/templates/prometheusrule-monitoring-slipway-platform.yaml')!;
    expect(rules).toContain('{{ "{{" }} .Labels.schedule }}');
    expect(renderGoTemplate(rules, deployEnv)).toContain('{{ .Labels.schedule }}');
  });

  it('local charts render to exactly the platform objects', () => {
    for (const env of environments) {
      const objects = platformObjects(env);
      for (const [chart, list] of [['platform-base', objects.base], ['platform-config', objects.config]] as const) {
        const templates = [...files].filter(([f]) => f.startsWith(`${env.name}/helmfile/charts/${chart}/templates/`));
        expect(templates).toHaveLength(list.length);
        const rendered = templates.map(([, text]) => parse(renderGoTemplate(text, deployEnv)));
        const expected = list.map((o) => JSON.parse(JSON.stringify(o).replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_, v: string) => deployEnv[v]!)));
        expect(rendered.sort(byId)).toEqual(expected.sort(byId));
      }
    }
  });

  it('names in its header every variable that must be exported', () => {
    const header = files.get('numbers-prod/helmfile/helmfile.yaml')!.split('\n').slice(0, 6).join('\n');
    for (const v of ['CERT_MANAGER_CLIENT_ID', 'EXTERNAL_DNS_CLIENT_ID', 'SECRETS_GRAFANA_CLIENT_ID', 'SECRETS_POSTFACTO_V4_3_11_CLIENT_ID', 'VELERO_CLIENT_ID']) expect(header).toContain(v);
  });
});

const byId = (a: any, b: any) => (`${a.kind}/${a.metadata.namespace}/${a.metadata.name}` < `${b.kind}/${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1);

describe('postfacto side by side', () => {
  const prod = environments.find((e) => e.name === 'numbers-prod')!;
  const instances = releasesOf(prod).filter((r) => r.source.chart === 'app-template');

  it('prod yields two instances that differ in host, namespace, database and version', () => {
    expect(instances).toHaveLength(2);
    const facts = instances.map((r) => {
      const v = r.values as any;
      return {
        host: v.ingress.web.hosts[0].host,
        namespace: r.namespace,
        database: /\/(\w+)\?sslmode=verify-full/.exec(v.controllers.web.containers.app.env.DATABASE_URL.value)![1],
        version: v.controllers.web.containers.app.image.tag,
      };
    });
    for (const key of ['host', 'namespace', 'database', 'version'] as const) expect(facts[0]![key], key).not.toBe(facts[1]![key]);
    expect(facts.map((f) => f.database)).toEqual(prod.apps.postfacto.map((p) => p.database));
  });

  it('never schedules a web pod on a node with Redis, and keeps Redis on the data pool', () => {
    for (const r of instances) {
      const v = r.values as any;
      const required = v.controllers.web.pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
      expect(required).toEqual([{ labelSelector: { matchLabels: { 'app.kubernetes.io/instance': r.name, 'app.kubernetes.io/controller': 'redis' } }, topologyKey: 'kubernetes.io/hostname' }]);
      expect(v.controllers.redis.pod.nodeSelector).toEqual({ 'slipway.io/pool': 'data' });
      expect(v.controllers.web.pod.nodeSelector).toEqual({ 'slipway.io/pool': 'apps' });
    }
  });

  it('autoscales between the instance bounds, with a disruption budget, TLS and TLS-only database access', () => {
    for (const [r, p] of instances.map((r, i) => [r, prod.apps.postfacto[i]!] as const)) {
      const v = r.values as any;
      // app-template writes a raw resource's spec value at the top level of the object (see catalog/postfacto.ts).
      expect(v.rawResources.autoscaler.spec.spec).toMatchObject({ minReplicas: p.replicas.min, maxReplicas: p.replicas.max });
      expect(v.rawResources['disruption-budget'].kind).toBe('PodDisruptionBudget');
      expect(v.ingress.web.tls).toEqual([{ secretName: `${p.release}-tls`, hosts: [p.host] }]);
      expect(v.ingress.web.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-production');
      // The instance's own role, named like its database, never the server's administrator.
      // Azure Database for PostgreSQL, security-tls: verify-full against the roots the server's chain uses.
      expect(v.controllers.web.containers.app.env.DATABASE_URL.value).toBe(
        `postgres://${p.database}:$(DATABASE_PASSWORD)@psql-numbers-prod.postgres.database.azure.com:5432/${p.database}?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca-certificates.crt`,
      );
      // /admin only from the operators' networks, on the same certificate.
      expect(v.ingress.admin.annotations['nginx.ingress.kubernetes.io/whitelist-source-range']).toBe(prod.aks.apiServerAuthorizedRanges.join(','));
      expect(v.ingress.admin.hosts).toEqual([{ host: p.host, paths: [{ path: '/admin', pathType: 'Prefix', service: { identifier: 'web', port: 'http' } }] }]);
      expect(v.ingress.admin.tls).toEqual(v.ingress.web.tls);
      expect(v.ingress.admin.annotations).not.toHaveProperty('cert-manager.io/cluster-issuer');
    }
  });

  it('allows only ingress -> web -> redis, web -> PostgreSQL and DNS', () => {
    const v = instances[0]!.values as any;
    const deny = platformObjects(prod).config.filter((o) => o.kind === 'NetworkPolicy');
    expect(deny.map((o) => [o.metadata.namespace, o.metadata.name, o.spec])).toEqual(
      prod.apps.postfacto.map((p) => [p.namespace, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }]),
    );
    const web = v.networkpolicies.web.rules;
    expect(web.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
    expect(web.egress.map((e: any) => e.ports.map((p: any) => p.port))).toEqual([[6379], [5432], [53, 53]]);
    expect(web.egress[1].to).toEqual([{ ipBlock: { cidr: prod.network.postgresqlSubnet } }]);
    expect(v.networkpolicies.redis.rules.egress).toEqual([]);
  });
});
