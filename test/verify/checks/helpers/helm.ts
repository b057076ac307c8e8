// `helm template` of one pinned chart with given values, for the checks' tests that need the objects
// a chart really renders. helm is found the way verify finds it (generator/verify/helm.ts).
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../../generator/catalog/types.ts';
import { findHelm } from '../../../../generator/verify/helm.ts';
import { testCacheDir } from '../../cluster-states.ts';

export const helmPath = async () => (await findHelm({ env: { ...process.env, SLIPWAY_CACHE_DIR: testCacheDir } })).path;

/**
 * kube-prometheus-stack's values with every part switched off but the `parts` given (rendering
 * all of it takes seconds, and a test needs one or two parts).
 */
export const kubePrometheusStackOnly = (parts: Record<string, unknown>) => ({
  defaultRules: { create: false },
  alertmanager: { enabled: false },
  prometheus: { enabled: false },
  prometheusOperator: { enabled: false },
  kubeStateMetrics: { enabled: false },
  nodeExporter: { enabled: false },
  grafana: { enabled: false },
  crds: { enabled: false },
  ...parts,
});

/** The chart's objects, CRDs included (Flux installs them), tests left out (Flux does not run them). */
export function helmTemplate(helm: string, archive: string, release: string, namespace: string, values: unknown, kubeVersion: string): KubeObject[] {
  const out = execFileSync(helm, ['template', release, archive, '--namespace', namespace, '--include-crds', '--skip-tests', '--kube-version', kubeVersion, '--values', '-'], {
    // JSON is YAML that Helm's YAML 1.1 reader cannot misread ("no" stays a string).
    input: JSON.stringify(values ?? {}),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}
