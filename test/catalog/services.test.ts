// Services beside Postfacto (issue 14.1 and 14.2) as the pinned app-template chart renders them for
// the Dora team's staging example: hardened pods, images from the team's registry by digest, the
// autoscaler on memory, two services behind one host by path, secrets from Key Vault through the
// service's own SecretProviderClass, its database, the migration Job as a Helm pre-install/pre-upgrade
// hook (app-template 4.1.1 renders a controller's `annotations` on the Job:
// charts/common/templates/classes/_job.tpl), the ServiceMonitor, and the NetworkPolicies.
import { beforeAll, describe, expect, it } from 'vitest';
import { appReleases, containerRegistriesOf, namespacesOf, releaseObjects, secretReadersOf } from '../../generator/catalog/index.ts';
import { charts } from '../../generator/catalog/charts.ts';
import type { KubeObject, Release } from '../../generator/catalog/types.ts';
import { chartArchivePath } from '../../generator/charts/chart-dir.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { examples } from '../helpers/render.ts';
import { helmPath, helmTemplate } from '../verify/checks/helpers/helm.ts';

const env = examples().environments.find((e) => e.name === 'dora-staging')!;
const services = appReleases(env).filter((r) => r.base === 'services');
const HOST = 'app.staging.dora.example.com';
const DIGEST = 'sha256:4f1c2b9e8d7a6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c';

describe('services in the model', () => {
  it('runs two services in the namespace dora, which enforces Pod Security restricted', () => {
    expect(services.map((r) => [r.name, r.namespace])).toEqual([
      ['api', 'dora'],
      ['web', 'dora'],
    ]);
    expect(namespacesOf(env).find((n) => n.name === 'dora')).toEqual({ name: 'dora', podSecurity: 'restricted' });
  });

  it('pulls from the registry the aks stack creates, and gives only the API an identity that reads its secrets and database password', () => {
    expect(containerRegistriesOf(env)).toEqual([{ name: 'acrdorastaging', resourceId: null, sku: 'Standard' }]);
    const readers = secretReadersOf(env).filter((r) => r.namespace === 'dora');
    expect(readers).toEqual([
      { key: 'secrets-api', name: 'api', namespace: 'dora', serviceAccounts: ['api'], secrets: ['api-database-password', 'dora-payments-api-key', 'dora-session-signing-key'], clientIdVariable: 'SECRETS_API_CLIENT_ID' },
    ]);
  });
});

describeWithCharts('services as app-template renders them', () => {
  const rendered = new Map<string, KubeObject[]>();
  beforeAll(async () => {
    const helm = await helmPath();
    const archive = chartArchivePath(chartArchives!, charts.appTemplate.source.chart, charts.appTemplate.version);
    for (const r of services) rendered.set(r.name, helmTemplate(helm, archive, r.name, r.namespace, r.values, env.aks.kubernetesVersion));
  });
  const objects = (release: string) => rendered.get(release)!;
  const one = (release: string, kind: string, name = release): any => {
    const found = objects(release).filter((o) => o.kind === kind && o.metadata.name === name);
    expect(found, `${release}: ${kind} ${name}`).toHaveLength(1);
    return found[0];
  };
  const release = (name: string): Release => services.find((r) => r.name === name)!;

  it('hardens every pod: non-root, seccomp RuntimeDefault, read-only root, no escalation, no capabilities, /tmp and the declared paths writable', () => {
    const workloads = [...rendered.values()].flat().filter((o) => ['Deployment', 'Job'].includes(o.kind)) as any[];
    expect(workloads.map((w) => `${w.kind} ${w.metadata.name}`).sort()).toEqual(['Deployment api', 'Deployment web', 'Job api-migrate']);
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext, w.metadata.name).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken, w.metadata.name).toBe(false);
      expect(pod.nodeSelector, w.metadata.name).toEqual({ 'slipway.io/pool': 'apps' });
      for (const c of pod.containers) {
        expect(c.securityContext, `${w.metadata.name} ${c.name}`).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
        expect(c.volumeMounts.map((m: any) => m.mountPath), w.metadata.name).toContain('/tmp');
      }
    }
    const web = one('web', 'Deployment').spec.template.spec;
    expect(web.containers[0].volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/app/.cache', '/tmp']);
    expect(web.volumes.filter((v: any) => v.emptyDir).length).toBe(2);
  });

  it('runs the private images by digest, with probes on the service port, and leaves the replica count to the autoscaler', () => {
    const api = one('api', 'Deployment');
    const container = api.spec.template.spec.containers[0];
    expect(container.image).toBe(`acrdorastaging.azurecr.io/dora/api:2.7.1@${DIGEST}`);
    expect(container.imagePullPolicy ?? 'IfNotPresent').toBe('IfNotPresent');
    expect(api.spec.template.spec.imagePullSecrets).toBeUndefined(); // the kubelet identity pulls (AcrPull)
    expect(container.startupProbe).toMatchObject({ httpGet: { path: '/healthz', port: 8080 }, failureThreshold: 30, periodSeconds: 5 });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 8080 } });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 8080 } });
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '384Mi' }, limits: { memory: '512Mi' } });
    expect(api.spec.replicas).toBeUndefined();
    expect(release('api').driftIgnore).toEqual([{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }]);
    expect(one('web', 'Deployment').spec.template.spec.containers[0].image).toBe('acrdorastaging.azurecr.io/dora/web:2.7.1');
  });

  it('scales on memory (the API) and on CPU and memory (web) with the targets given, within min and max', () => {
    const api = one('api', 'HorizontalPodAutoscaler');
    expect(api.apiVersion).toBe('autoscaling/v2');
    expect(api.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } }],
    });
    expect(one('web', 'HorizontalPodAutoscaler').spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([
      ['cpu', 70],
      ['memory', 80],
    ]);
    // One replica at least: no PodDisruptionBudget that would block every drain.
    expect([...rendered.values()].flat().filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  it('puts both services behind one host by path, the first owning the certificate and both serving its Secret', () => {
    const api = one('api', 'Ingress');
    const web = one('web', 'Ingress');
    expect(api.spec.rules).toEqual([{ host: HOST, http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } }] } }]);
    expect(web.spec.rules).toEqual([{ host: HOST, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }]);
    expect(api.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-staging' });
    expect(web.metadata.annotations ?? {}).toEqual({});
    for (const i of [api, web]) expect(i.spec.tls).toEqual([{ secretName: 'api-tls', hosts: [HOST] }]);
    expect(api.spec.ingressClassName).toBe('nginx');
  });

  it('reads Key Vault secrets as files and env through its own SecretProviderClass, and its database with verify-full', () => {
    const pod = one('api', 'Deployment').spec.template.spec;
    expect(pod.serviceAccountName).toBe('api');
    expect(pod.volumes).toContainEqual({ name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'api' } } });
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      LOG_FORMAT: 'json',
      PAYMENTS_API_KEY: { secretKeyRef: { name: 'api-secrets', key: 'dora-payments-api-key' } },
      PGPASSWORD: { secretKeyRef: { name: 'api-secrets', key: 'database-password' } },
      PGDATABASE: 'api',
      PGUSER: 'api',
      PGSSLMODE: 'verify-full',
      PGHOST: 'psql-dora-staging.postgres.database.azure.com',
    });
    // DATABASE_URL reads $(PGPASSWORD), so it comes after it (app-template's dependsOn ordering).
    const names = pod.containers[0].env.map((e: any) => e.name);
    expect(names.indexOf('DATABASE_URL')).toBeGreaterThan(names.indexOf('PGPASSWORD'));
    // The class syncs the secrets env needs into api-secrets; the file-only secret stays a file.
    const { base } = releaseObjects(examples().environments.find((e) => e.name === 'dora-staging')!);
    const spc = base.find((o) => o.kind === 'SecretProviderClass' && o.metadata.namespace === 'dora' && o.metadata.name === 'api') as any;
    expect(spc.spec.secretObjects).toEqual([
      {
        secretName: 'api-secrets',
        type: 'Opaque',
        data: expect.arrayContaining([
          { key: 'database-password', objectName: 'api-database-password' },
          { key: 'dora-payments-api-key', objectName: 'dora-payments-api-key' },
        ]),
      },
    ]);
    expect(spc.spec.secretObjects[0].data).toHaveLength(2);
    expect(spc.spec.parameters.objects).toContain('dora-session-signing-key');
  });

  it('runs the migration as a pre-install and pre-upgrade hook in the service image, with its env and secrets, and a NetworkPolicy that exists before it', () => {
    const job = one('api', 'Job', 'api-migrate');
    expect(job.metadata.annotations).toEqual({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '0', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('api');
    expect(pod.containers[0]).toMatchObject({ image: `acrdorastaging.azurecr.io/dora/api:2.7.1@${DIGEST}`, command: ['/app/api', 'migrate', 'up'] });
    expect(pod.containers[0].env.map((e: any) => e.name)).toEqual(one('api', 'Deployment').spec.template.spec.containers[0].env.map((e: any) => e.name));
    // Helm creates hooks before the chart's objects: the Job's policy is not in the chart but goes in
    // with the namespace (Flux infrastructure, helmfile platform-base), and selects the Job's pods.
    expect(objects('api').filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['api-app']);
    const { base } = releaseObjects(env);
    const policy = base.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api-migrate') as any;
    expect(policy.metadata.namespace).toBe('dora');
    const labels = job.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(policy.spec.podSelector.matchLabels)) expect(labels[k], k).toBe(v);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toBeUndefined();
    expect(policy.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([53, 53, 5432, 443]);
  });

  it('lets Prometheus scrape the metrics port through a ServiceMonitor on the Service', () => {
    const service = one('api', 'Service');
    expect(service.spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['http', 8080],
      ['metrics', 9090],
    ]);
    const monitor = one('api', 'ServiceMonitor');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', scheme: 'http' }]);
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(service.metadata.labels[k], k).toBe(v);
    expect(objects('web').some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  });

  it('admits the ingress controller and Prometheus into the API, web as its only caller, and lets out only DNS, the database and the allow-list', () => {
    const api = one('api', 'NetworkPolicy', 'api-app').spec;
    const selector = (peer: any) => [peer.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'], peer.podSelector?.matchLabels ?? null];
    expect(api.ingress.map((r: any) => [r.from.map(selector), r.ports.map((p: any) => p.port)])).toEqual([
      [[['ingress-nginx', null]], [8080]],
      [[['monitoring', { 'app.kubernetes.io/name': 'prometheus' }]], [9090]],
      [[['dora', { 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/controller': 'app' }]], [8080]],
    ]);
    expect(api.egress.map((r: any) => r.to.map((t: any) => t.ipBlock?.cidr ?? selector(t)[0]))).toEqual([['kube-system'], [env.network.postgresqlSubnet], ['203.0.113.128/26']]);
    const web = one('web', 'NetworkPolicy', 'web-app').spec;
    expect(web.ingress.map((r: any) => r.from.map(selector)[0][0])).toEqual(['ingress-nginx']);
    expect(web.egress.map((r: any) => [r.to.map(selector), r.ports.map((p: any) => p.port)])).toEqual([
      [[['kube-system', { 'k8s-app': 'kube-dns' }]], [53, 53]],
      [[['dora', { 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/controller': 'app' }]], [8080]],
    ]);
  });
});
