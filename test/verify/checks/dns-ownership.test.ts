// VERIFY_DNS_OWNERSHIP: the TXT record external-dns writes to own a record lies in the record's zone.
// The names follow external-dns's mapper (kubernetes-sigs/external-dns registry/mapper/mapper.go
// ToTXTName, v0.21.0 = chart 1.21.1): without %{record_type} in the prefix, "<type>-" goes before the
// first label, which takes a zone apex's TXT record out of the zone (docs/registry/txt.md).
import { beforeAll, describe, expect, it } from 'vitest';
import { charts } from '../../../generator/catalog/charts.ts';
import { DEFAULT_TXT_PREFIX } from '../../../generator/catalog/external-dns.ts';
import { platformReleases } from '../../../generator/catalog/index.ts';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { chartArchivePath } from '../../../generator/charts/chart-dir.ts';
import { DNS_OWNERSHIP, dnsOwnershipCheck, txtRecordName } from '../../../generator/verify/checks/dns-ownership.ts';
import { chartArchives, describeWithCharts } from '../../helpers/charts.ts';
import { checkCases } from './helpers/cases.ts';
import { helmPath, helmTemplate } from './helpers/helm.ts';
import { clusterState, deployment, environment, inRelease } from './helpers/state.ts';

const zone = 'retro.numbers.example.com';
const externalDns = (args: string[]) =>
  inRelease('external-dns/external-dns', 'infrastructure-controllers', deployment('external-dns', 'external-dns', { app: 'external-dns' }, { containers: [{ name: 'external-dns', image: 'registry.k8s.io/external-dns/external-dns:v0.21.0', args }] }));
const ingress = (host: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'postfacto-main' },
  spec: { rules: [{ host }], tls: [{ hosts: [host], secretName: 'web-tls' }] },
});
const args = (...extra: string[]) => ['--source=service', '--source=ingress', '--provider=azure', '--registry=txt', '--txt-owner-id=numbers-prod', `--domain-filter=${zone}`, ...extra];

describe('the TXT record names of external-dns', () => {
  it('puts the record type before the first label without %{record_type}, which takes the apex out of its zone', () => {
    expect(txtRecordName(zone, 'A')).toBe('a-retro.numbers.example.com');
    expect(txtRecordName(`previous.${zone}`, 'A')).toBe(`a-previous.${zone}`);
    // A prefix without the template still prefixes the type to the first label: ext.a-retro.numbers.example.com.
    expect(txtRecordName(zone, 'A', 'ext.')).toBe('ext.a-retro.numbers.example.com');
  });

  it("keeps every TXT record inside the zone with Slipway's prefix: %{record_type}, then a dot", () => {
    expect(DEFAULT_TXT_PREFIX).toBe('extdns-%{record_type}.');
    expect(txtRecordName(zone, 'A', DEFAULT_TXT_PREFIX)).toBe(`extdns-a.${zone}`);
    expect(txtRecordName(zone, 'CNAME', DEFAULT_TXT_PREFIX)).toBe(`extdns-cname.${zone}`);
    expect(txtRecordName(`grafana.${zone}`, 'A', DEFAULT_TXT_PREFIX)).toBe(`extdns-a.grafana.${zone}`);
    // The docs' own example: --txt-prefix="%{record_type}-abc-." for the apex ex.com gives cname-abc-.ex.com.
    expect(txtRecordName('ex.com', 'CNAME', '%{record_type}-abc-.')).toBe('cname-abc-.ex.com');
  });
});

describe('external-dns owns what it creates', () => {
  checkCases(dnsOwnershipCheck, [
    {
      name: 'the zone apex behind an Ingress, no --txt-prefix',
      code: DNS_OWNERSHIP,
      broken: () => clusterState([...externalDns(args()), ingress(zone)]),
      fixed: () => clusterState([...externalDns(args(`--txt-prefix=${DEFAULT_TXT_PREFIX}`)), ingress(zone)]),
      says: /marks its A record for retro\.numbers\.example\.com \(Ingress postfacto-main\/web\) as owned with the TXT record a-retro\.numbers\.example\.com, which lies outside its zone retro\.numbers\.example\.com/,
    },
    {
      name: 'the zone apex, a prefix without %{record_type}',
      code: DNS_OWNERSHIP,
      broken: () => clusterState([...externalDns(args('--txt-prefix=owner.')), ingress(zone)]),
      fixed: () => clusterState([...externalDns(args('--txt-prefix=owner-%{record_type}.')), ingress(zone)]),
      says: /TXT record owner\.a-retro\.numbers\.example\.com/,
    },
    {
      name: 'the apex named by the hostname annotation of a Service',
      code: DNS_OWNERSHIP,
      broken: () =>
        clusterState([
          ...externalDns(args()),
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'ingress-nginx', annotations: { 'external-dns.alpha.kubernetes.io/hostname': `${zone}.` } }, spec: { type: 'LoadBalancer' } },
        ]),
      fixed: () => clusterState([...externalDns(args()), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'ingress-nginx' }, spec: { type: 'LoadBalancer' } }]),
    },
  ]);

  it('leaves hosts below the apex, hosts outside the domain filters and other registries alone', () => {
    expect(dnsOwnershipCheck(clusterState([...externalDns(args()), ingress(`previous.${zone}`), ingress('retro.elsewhere.example.org')]))).toEqual([]);
    expect(dnsOwnershipCheck(clusterState([...externalDns(args().map((a) => (a === '--registry=txt' ? '--registry=noop' : a))), ingress(zone)]))).toEqual([]);
  });
});

describeWithCharts('external-dns as its pinned chart renders it', () => {
  let helm = '';
  beforeAll(async () => {
    helm = await helmPath();
  });
  const release = platformReleases(environment).find((r) => r.name === 'external-dns')!;
  const render = (values: unknown) =>
    helmTemplate(helm, chartArchivePath(chartArchives!, charts.externalDns.source.chart, charts.externalDns.version), 'external-dns', 'external-dns', values, environment.aks.kubernetesVersion);
  const withApex = (objects: KubeObject[]) => clusterState([...inRelease('external-dns/external-dns', 'infrastructure-controllers', ...objects), ingress(environment.dns.zone)]);

  it("passes Slipway's prefix to --txt-prefix, so the apex's TXT record stays in the zone; without it, verify fails", () => {
    const objects = render(release.values);
    const container = objects.find((o) => o.kind === 'Deployment')!.spec as { template: { spec: { containers: Array<{ args: string[] }> } } };
    expect(container.template.spec.containers[0]!.args).toContain('--txt-prefix=extdns-%{record_type}.');
    expect(container.template.spec.containers[0]!.args).toContain(`--domain-filter=${environment.dns.zone}`);
    expect(dnsOwnershipCheck(withApex(objects))).toEqual([]);

    const findings = dnsOwnershipCheck(withApex(render({ ...release.values, txtPrefix: null })));
    expect(findings.map((f) => `${f.code} ${f.object}`)).toEqual([`${DNS_OWNERSHIP} Deployment external-dns/external-dns`]);
    expect(findings[0]!.message).toContain(`TXT record a-${environment.dns.zone}, which lies outside its zone ${environment.dns.zone}`);
    expect(findings[0]!.cause).toEqual(['releases', 'externalDns']);
  });
});
