// The ingress load balancer's shape and Postfacto's autoscaler targets, as the real charts render
// them. The annotations are the Azure cloud provider's (cloud-provider-azure, docs "Azure
// LoadBalancer annotations": azure-load-balancer-internal, azure-pip-name,
// azure-load-balancer-resource-group); ingress-nginx 4.15.1 copies controller.service.annotations
// onto the controller Service (templates/controller-service.yaml), app-template 4.1.1 writes
// rawResources' spec under spec (the HPA: autoscaling/v2 metrics).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { charts } from '../../generator/catalog/charts.ts';
import { appReleases, platformReleases } from '../../generator/catalog/index.ts';
import { chartArchivePath } from '../../generator/charts/chart-dir.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import type { Environment } from '../../generator/model/environment.ts';
import { chartArchives, describeWithCharts } from '../helpers/charts.ts';
import { repoRoot } from '../helpers/workspace.ts';
import { helmPath, helmTemplate } from '../verify/checks/helpers/helm.ts';

const file = 'environments/numbers-prod.yaml';
const text = readFileSync(path.join(repoRoot, file), 'utf8');
const load = (t: string) => loadEnvironmentTexts([{ file, text: t }]);
const environment = (t: string): Environment => {
  const { environments, issues } = load(t);
  if (!environments[0]) throw new Error(issues.map((i) => `${i.code} ${i.message}`).join('\n'));
  return environments[0];
};
const withLoadBalancer = (lb: string) => text.replace('  ingressNginx:\n    replicas: 3\n', `  ingressNginx:\n    replicas: 3\n    loadBalancer:\n${lb}`);
const withReplicas = (replicas: string) => text.replace('replicas: { min: 3, max: 8 }', `replicas: ${replicas}`);

const INTERNAL = 'service.beta.kubernetes.io/azure-load-balancer-internal';
const PIP = 'service.beta.kubernetes.io/azure-pip-name';
const PIP_GROUP = 'service.beta.kubernetes.io/azure-load-balancer-resource-group';

describe('the ingress load balancer', () => {
  it('refuses an internal load balancer with a public IP, located at the field', () => {
    const { issues } = load(withLoadBalancer('      internal: true\n      publicIp: { name: pip-ingress, resourceGroup: rg-numbers-prod-ingress }\n'));
    const errors = issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => i.code)).toEqual(['INGRESS_LOAD_BALANCER']);
    expect(errors[0]!.path).toBe('releases.ingressNginx.loadBalancer.publicIp');
    expect(errors[0]!.line).toBeGreaterThan(0);
  });

  it('refuses an internal load balancer while cert-manager solves HTTP-01 through it', () => {
    const http01 = withLoadBalancer('      internal: true\n').replace('solver: dns01', 'solver: http01');
    expect(http01).toContain('solver: http01');
    expect(load(http01).issues.filter((i) => i.severity === 'error').map((i) => i.code)).toEqual(['INGRESS_LOAD_BALANCER']);
  });
});

describeWithCharts('the ingress load balancer as ingress-nginx renders it', () => {
  let helm: string;
  beforeAll(async () => {
    helm = await helmPath();
  });
  const controllerService = (env: Environment) => {
    const release = platformReleases(env).find((r) => r.name === 'ingress-nginx')!;
    const objects = helmTemplate(helm, chartArchivePath(chartArchives!, charts.ingressNginx.source.chart, charts.ingressNginx.version), release.name, release.namespace, release.values, env.aks.kubernetesVersion);
    const services = objects.filter((o: any) => o.kind === 'Service' && o.spec.type === 'LoadBalancer');
    expect(services).toHaveLength(1);
    return services[0] as { metadata: { annotations?: Record<string, string> } };
  };

  it('is public with an address Azure allocates by default', () => {
    const annotations = controllerService(environment(text)).metadata.annotations ?? {};
    expect(annotations[INTERNAL]).toBeUndefined();
    expect(annotations[PIP]).toBeUndefined();
  });

  it('is internal when asked', () => {
    expect(controllerService(environment(withLoadBalancer('      internal: true\n'))).metadata.annotations).toMatchObject({ [INTERNAL]: 'true' });
  });

  it('takes a static public IP by name and resource group', () => {
    const annotations = controllerService(environment(withLoadBalancer('      publicIp: { name: pip-ingress, resourceGroup: rg-numbers-prod-ingress }\n'))).metadata.annotations ?? {};
    expect(annotations).toMatchObject({ [PIP]: 'pip-ingress', [PIP_GROUP]: 'rg-numbers-prod-ingress' });
    expect(annotations[INTERNAL]).toBeUndefined();
  });
});

describeWithCharts("Postfacto's autoscaler targets as app-template renders them", () => {
  let helm: string;
  beforeAll(async () => {
    helm = await helmPath();
  });
  const metrics = (env: Environment) => {
    const release = appReleases(env).find((r) => r.name === `postfacto-${env.apps.postfacto[0]!.name}`)!;
    const objects = helmTemplate(helm, chartArchivePath(chartArchives!, charts.appTemplate.source.chart, charts.appTemplate.version), release.name, release.namespace, release.values, env.aks.kubernetesVersion);
    const hpa = objects.find((o: any) => o.kind === 'HorizontalPodAutoscaler') as any;
    expect(hpa.spec.scaleTargetRef.kind).toBe('Deployment');
    return { min: hpa.spec.minReplicas, max: hpa.spec.maxReplicas, metrics: hpa.spec.metrics.map((m: any) => `${m.resource.name}=${m.resource.target.averageUtilization}`) };
  };

  it('scales on 70 % CPU when no target is given', () => {
    expect(metrics(environment(text))).toEqual({ min: 3, max: 8, metrics: ['cpu=70'] });
  });

  it('scales on memory alone, or on both, as the instance says', () => {
    expect(metrics(environment(withReplicas('{ min: 3, max: 8, memory: 80 }')))).toEqual({ min: 3, max: 8, metrics: ['memory=80'] });
    expect(metrics(environment(withReplicas('{ min: 3, max: 6, cpu: 60, memory: 75 }')))).toEqual({ min: 3, max: 6, metrics: ['cpu=60', 'memory=75'] });
  });
});
