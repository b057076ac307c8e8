// The CRDs a chart installs, read without rendering: crds/ folders verbatim, templates whose
// actions stand on lines of their own, nothing else.
import { describe, expect, it } from 'vitest';
import { chartCrds } from '../../generator/charts/crds.ts';
import { chartFiles, describeWithCharts } from '../helpers/charts.ts';

const crd = (group: string, kind: string, versions = ['v1']) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${kind.toLowerCase()}s.${group}
spec:
  group: ${group}
  names:
    kind: ${kind}
  versions:
${versions.map((v) => `    - name: ${v}\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: { type: object }`).join('\n')}
`;

const files = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v)]));

describe('chartCrds', () => {
  it('reads crds/ folders of the chart and its subcharts, several documents per file', () => {
    const found = chartCrds(
      files({
        'a/crds/widgets.yaml': crd('example.com', 'Widget', ['v1', 'v2']),
        'a/charts/sub/crds/both.yaml': `${crd('example.com', 'Gadget')}---\n${crd('example.com', 'Gizmo')}`,
        'a/values.yaml': 'kind: CustomResourceDefinition\n',
      }),
    );
    expect(found.map((c) => [c.file, c.group, c.kind, c.versions.map((v) => v.name)])).toEqual([
      ['a/crds/widgets.yaml', 'example.com', 'Widget', ['v1', 'v2']],
      ['a/charts/sub/crds/both.yaml', 'example.com', 'Gadget', ['v1']],
      ['a/charts/sub/crds/both.yaml', 'example.com', 'Gizmo', ['v1']],
    ]);
    expect(found[0]!.versions[1]!.schema).toEqual({ type: 'object', properties: { spec: { type: 'object' } } });
  });

  it('reads a template whose actions stand alone on their lines, and leaves out one with inline actions', () => {
    const guarded = `{{- if .Values.crds.enabled }}\n${crd('example.com', 'Widget').replace('metadata:\n', 'metadata:\n  labels:\n    {{- include "labels" . | nindent 4 }}\n')}{{- end }}\n`;
    const inline = crd('example.com', 'Gadget').replace('group: example.com', 'group: {{ .Values.group }}');
    const found = chartCrds(files({ 'a/templates/crd-widgets.yaml': guarded, 'a/templates/crd-gadgets.yaml': inline }));
    expect(found.map((c) => c.kind)).toEqual(['Widget']);
  });

  it('names the file of a CRD that is not YAML', () => {
    expect(() => chartCrds(files({ 'a/crds/bad.yaml': `${crd('example.com', 'Widget')}  bad: [\n` }))).toThrow(/a\/crds\/bad\.yaml is not valid YAML/);
  });
});

describeWithCharts('chartCrds on the pinned charts', () => {
  it('finds cert-manager CRDs in its templates, Velero and prometheus-operator CRDs in crds/ folders', () => {
    const kinds = (chart: string) => chartCrds(new Map([...chartFiles(chart)].map(([k, v]) => [`${chart}/${k}`, v]))).map((c) => `${c.group}/${c.kind}`);
    expect(kinds('cert-manager')).toEqual(expect.arrayContaining(['cert-manager.io/ClusterIssuer', 'cert-manager.io/Issuer', 'cert-manager.io/Certificate', 'acme.cert-manager.io/Order']));
    expect(kinds('velero')).toEqual(expect.arrayContaining(['velero.io/Schedule', 'velero.io/BackupStorageLocation', 'velero.io/VolumeSnapshotLocation']));
    expect(kinds('kube-prometheus-stack')).toEqual(expect.arrayContaining(['monitoring.coreos.com/ServiceMonitor', 'monitoring.coreos.com/PrometheusRule', 'monitoring.coreos.com/Probe']));
    expect(kinds('ingress-nginx')).toEqual([]);
  });
});
