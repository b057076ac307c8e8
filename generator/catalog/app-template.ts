// An app instance, whatever its kind, is one release of the bjw-s app-template chart: the kind
// gives its base values (out/base/<kind>) and the instance's own on top.
import { charts } from './charts.ts';
import type { AppInstance } from './definition.ts';
import type { Release, Values } from './types.ts';
import { mergeValues } from './values.ts';

export function appTemplateRelease(instance: AppInstance, chartVersion: string | null, base: Values, values: Values): Omit<Release, 'layer' | 'base'> {
  return {
    name: instance.release,
    namespace: instance.namespace,
    source: charts.appTemplate.source,
    version: chartVersion ?? charts.appTemplate.version,
    // Served over HTTPS on a host in the zone: the controller, its certificate and its record first.
    needs: ['ingress-nginx', 'cert-manager', 'external-dns'],
    crds: false,
    baseValues: base,
    values: mergeValues(base, values),
    // The HorizontalPodAutoscaler, not the chart, owns the replica count.
    driftIgnore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }],
  };
}
