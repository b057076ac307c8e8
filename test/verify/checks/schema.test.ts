// VERIFY_SCHEMA / VERIFY_SCHEMA_MISSING: built-in kinds against the embedded schemas, custom
// resources against the CRDs in the render (ahead of the embedded ones), strict about unknown fields.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../generator/catalog/types.ts';
import { embeddedValidator } from '../../../generator/validate/embedded.ts';
import { schemaCheck, SCHEMA, SCHEMA_MISSING } from '../../../generator/verify/checks/schema.ts';
import { checkCases } from './helpers/cases.ts';
import { clusterState, deployment, inRelease } from './helpers/state.ts';

const hpa = (spec: Record<string, unknown>, nested: boolean): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'postfacto-main-web', namespace: 'postfacto-main' },
  ...(nested ? { spec } : spec),
});
const hpaSpec = { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'postfacto-main-web' }, minReplicas: 1, maxReplicas: 2 };

/** A CRD of example.io Widget (v1) whose spec has one integer field. */
const widgetCrd = (extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.io' },
  spec: {
    group: 'example.io',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' }, ...extra } } } } },
      },
    ],
  },
});
const widget = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'apps' }, spec });

/** A ServiceMonitor CRD that allows spec.anything: the render's CRD is what the cluster will have. */
const looseServiceMonitorCrd: KubeObject = {
  ...widgetCrd(),
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: { ...(widgetCrd().spec as object), group: 'monitoring.coreos.com', names: { kind: 'ServiceMonitor', plural: 'servicemonitors' } },
};
const monitor = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'm', namespace: 'monitoring' }, spec });

describe('schema check', () => {
  checkCases(schemaCheck, [
    {
      name: "app-template's rawResources spec written at the top of the HPA",
      code: SCHEMA,
      broken: () => clusterState(inRelease('postfacto-main/postfacto-main', 'apps', hpa(hpaSpec, false))),
      fixed: () => clusterState(inRelease('postfacto-main/postfacto-main', 'apps', hpa(hpaSpec, true))),
      says: /\/maxReplicas is not a field of HorizontalPodAutoscaler/,
    },
    {
      name: 'a mistyped field of a built-in kind',
      code: SCHEMA,
      broken: () => clusterState([deployment('apps', 'web', { app: 'web' }, { terminationGracePeriodSeconds: 'thirty' })]),
      fixed: () => clusterState([deployment('apps', 'web', { app: 'web' }, { terminationGracePeriodSeconds: 30 })]),
      says: /terminationGracePeriodSeconds must be integer/,
    },
    {
      name: 'a custom resource against the CRD in the render',
      code: SCHEMA,
      broken: () => clusterState([widgetCrd(), widget({ size: 3, colour: 'red' })]),
      fixed: () => clusterState([widgetCrd({ colour: { type: 'string' } }), widget({ size: 3, colour: 'red' })]),
      says: /its CustomResourceDefinition in this render\): \/spec\/colour is not a field of Widget\./,
    },
    {
      name: "a custom resource's metadata, checked as ObjectMeta",
      code: SCHEMA,
      broken: () => clusterState([widgetCrd(), { ...widget({ size: 1 }), metadata: { name: 'w', namespace: 'apps', labelz: { a: 'b' } } as never }]),
      fixed: () => clusterState([widgetCrd(), widget({ size: 1 })]),
    },
    {
      name: 'a Flux kind against the embedded schema (its CRD is not in the render)',
      code: SCHEMA,
      broken: () => clusterState([{ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x', namespace: 'apps' }, spec: { interval: '10m', chartRef: { kind: 'OCIRepository', name: 'x' }, valuez: {} } }]),
      fixed: () => clusterState([{ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x', namespace: 'apps' }, spec: { interval: '10m', chartRef: { kind: 'OCIRepository', name: 'x' }, values: {} } }]),
    },
    {
      name: 'a kind with neither a CRD in the render nor an embedded schema',
      code: SCHEMA_MISSING,
      severity: 'warning',
      broken: () => clusterState([widget({ size: 1 })]),
      fixed: () => clusterState([widgetCrd(), widget({ size: 1 })]),
    },
  ]);

  it("prefers the render's CRD to the embedded schema of the same kind", async () => {
    expect((await embeddedValidator('monitoring.coreos.com/v1', 'ServiceMonitor'))!(monitor({ size: 1, anything: true }))).toBe(false);
    expect(schemaCheck(clusterState([looseServiceMonitorCrd, monitor({ size: 1 })]))).toEqual([]);
    expect(schemaCheck(clusterState([monitor({ size: 1 })])).map((f) => f.code)).toEqual([SCHEMA]);
  });

  it('reads null as unset, as the API server does (charts render empty keys as null)', () => {
    const object = deployment('apps', 'web', { app: 'web' });
    expect(schemaCheck(clusterState([{ ...object, metadata: { ...object.metadata, annotations: null as never } }]))).toEqual([]);
  });

  it('locates the finding at the object, its release and the environment field behind it', () => {
    const [f] = schemaCheck(clusterState(inRelease('postfacto-main/postfacto-main', 'apps', hpa(hpaSpec, false))));
    expect(f).toMatchObject({ object: 'HorizontalPodAutoscaler postfacto-main/postfacto-main-web', release: 'postfacto-main/postfacto-main', cause: ['apps', 'postfacto', 0], file: expect.any(String) });
  });
});
