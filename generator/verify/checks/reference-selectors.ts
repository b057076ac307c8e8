// VERIFY_REFERENCE_SERVICE_SELECTOR / _SERVICE_PORT / _PDB_SELECTOR / _HPA_TARGET / _AFFINITY:
// selectors and targets point at what they mean. A Service with a selector must select pods of
// some workload in its namespace (else it has no endpoints) and find its named targetPort on them;
// a PodDisruptionBudget must select pods (else it protects nothing); an HPA's scaleTargetRef must
// name an existing workload; (anti-)affinity and topology spread selectors must select pods (a
// required anti-affinity that selects nothing keeps nothing apart).
import type { Check, VerifyFinding } from '../types.ts';
import { indexOf, type ClusterIndex } from './model/cluster.ts';
import { at, isMap, list, map, maps, stringMap, text } from './model/data.ts';
import { finding } from './model/finding.ts';
import { namedPort, workloadName, type PodModel } from './model/pods.ts';
import { describeSelector, matchesMap, matchesSelector } from './model/selectors.ts';

export const REFERENCE_SERVICE_SELECTOR = 'VERIFY_REFERENCE_SERVICE_SELECTOR';
export const REFERENCE_SERVICE_PORT = 'VERIFY_REFERENCE_SERVICE_PORT';
export const REFERENCE_PDB_SELECTOR = 'VERIFY_REFERENCE_PDB_SELECTOR';
export const REFERENCE_HPA_TARGET = 'VERIFY_REFERENCE_HPA_TARGET';
export const REFERENCE_AFFINITY = 'VERIFY_REFERENCE_AFFINITY';

/** The pods of a Service, by its plain-map selector (undefined: the Service has no selector). */
export function servicePods(index: ClusterIndex, service: { metadata: { namespace?: string }; spec?: unknown }): PodModel[] | undefined {
  const selector = stringMap(at(service, 'spec', 'selector'));
  if (Object.keys(selector).length === 0) return undefined;
  return index.selectablePods(service.metadata.namespace ?? 'default').filter((p) => matchesMap(selector, p.labels));
}

export const selectorsCheck: Check = (state) => {
  const index = indexOf(state);
  const out: VerifyFinding[] = [];

  for (const r of index.ofKind('Service')) {
    const o = r.object;
    const ns = o.metadata.namespace ?? 'default';
    if (at(o, 'spec', 'type') === 'ExternalName') continue;
    const pods = servicePods(index, o);
    if (!pods) continue;
    const selector = describeSelector(at(o, 'spec', 'selector'));
    if (pods.length === 0) {
      out.push(
        finding(state, r, {
          code: REFERENCE_SERVICE_SELECTOR,
          severity: 'error',
          message: `Service ${ns}/${o.metadata.name} selects ${selector}, which no pod in ${ns} carries; the Service has no endpoints and every connection to it fails.`,
          hint: 'Make the selector match the pod labels of the workload it fronts (or the pod labels match the selector).',
        }),
      );
      continue;
    }
    for (const port of maps(at(o, 'spec', 'ports'))) {
      const target = port.targetPort;
      if (typeof target !== 'string') continue;
      const without = pods.filter((p) => !namedPort(p, target));
      if (without.length === pods.length) {
        out.push(
          finding(state, r, {
            code: REFERENCE_SERVICE_PORT,
            severity: 'error',
            message: `Service ${ns}/${o.metadata.name} port ${text(port.name) ?? String(port.port)} targets the container port named ${target}, which none of its pods (${[...new Set(pods.map(workloadName))].join(', ')}) declares; that port has no endpoints.`,
            hint: `Name the container port ${target} in the pod template, or target the port by number.`,
          }),
        );
      }
    }
  }

  for (const r of index.ofKind('PodDisruptionBudget')) {
    const o = r.object;
    const ns = o.metadata.namespace ?? 'default';
    const selector = at(o, 'spec', 'selector');
    if (index.selectablePods(ns).some((p) => matchesSelector(selector, p.labels))) continue;
    out.push(
      finding(state, r, {
        code: REFERENCE_PDB_SELECTOR,
        severity: 'error',
        message: isMap(selector)
          ? `PodDisruptionBudget ${ns}/${o.metadata.name} selects ${describeSelector(selector)}, which no pod in ${ns} carries; it protects no pod when nodes are drained.`
          : `PodDisruptionBudget ${ns}/${o.metadata.name} has no selector, so it selects no pod (policy/v1); it protects nothing when nodes are drained.`,
        hint: 'Use the pod labels of the workload it is meant to protect as its selector.',
      }),
    );
  }

  for (const r of index.ofKind('HorizontalPodAutoscaler')) {
    const o = r.object;
    const ns = o.metadata.namespace ?? 'default';
    const ref = at(o, 'spec', 'scaleTargetRef');
    if (!isMap(ref)) continue; // VERIFY_SCHEMA reports a missing scaleTargetRef
    const kind = text(ref.kind) ?? '';
    const name = text(ref.name) ?? '';
    if (index.get(kind, ns, name)) continue;
    out.push(
      finding(state, r, {
        code: REFERENCE_HPA_TARGET,
        severity: 'error',
        message: `HorizontalPodAutoscaler ${ns}/${o.metadata.name} scales ${kind} ${ns}/${name}, which the render does not create; nothing is autoscaled and the HPA reports FailedGetScale.`,
        hint: 'Point scaleTargetRef at the workload the release renders (kind and name as rendered).',
      }),
    );
  }

  for (const pod of index.pods) out.push(...affinityFindings(index, pod));
  return out;
};

/** The namespaces a pod affinity term looks in: its own unless namespaces or namespaceSelector say otherwise. */
function termNamespaces(index: ClusterIndex, pod: PodModel, term: Record<string, unknown>): string[] {
  const named = list(term.namespaces).map(String);
  const selector = term.namespaceSelector;
  if (named.length === 0 && !isMap(selector)) return [pod.namespace];
  return [...new Set([...named, ...(isMap(selector) ? index.namespaces.filter((n) => matchesSelector(selector, index.namespaceLabels(n))) : [])])];
}

function affinityFindings(index: ClusterIndex, pod: PodModel): VerifyFinding[] {
  const state = index.state;
  const out: VerifyFinding[] = [];
  const selects = (namespaces: readonly string[], selector: unknown) => namespaces.some((n) => index.selectablePods(n).some((p) => matchesSelector(selector, p.labels)));
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const affinity = map(at(pod.spec, 'affinity', kind));
    const terms = [
      ...maps(affinity.requiredDuringSchedulingIgnoredDuringExecution).map((term, i) => ({ term, required: true, field: `affinity.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]` })),
      ...maps(affinity.preferredDuringSchedulingIgnoredDuringExecution).map((p, i) => ({ term: map(p.podAffinityTerm), required: false, field: `affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm` })),
    ];
    for (const { term, required, field } of terms) {
      const namespaces = termNamespaces(index, pod, term);
      if (selects(namespaces, term.labelSelector)) continue;
      const effect =
        kind === 'podAntiAffinity'
          ? 'the rule keeps its pods away from nothing'
          : required
            ? 'its pods are never scheduled and stay Pending'
            : 'the preference has no effect';
      out.push(
        finding(state, pod.source, {
          code: REFERENCE_AFFINITY,
          severity: required ? 'error' : 'warning',
          message: `${workloadName(pod)} has ${required ? 'a required' : 'a preferred'} ${kind} term (${pod.path}.${field}) selecting ${describeSelector(term.labelSelector)} in ${namespaces.join(', ')}, which no pod carries; ${effect}.`,
          hint: 'Use the pod labels of the workload the rule is about (as the chart renders them) in the labelSelector.',
        }),
      );
    }
  }
  for (const [i, c] of maps(pod.spec.topologySpreadConstraints).entries()) {
    if (selects([pod.namespace], c.labelSelector)) continue;
    out.push(
      finding(state, pod.source, {
        code: REFERENCE_AFFINITY,
        severity: 'warning',
        message: `${workloadName(pod)} spreads by ${pod.path}.topologySpreadConstraints[${i}] over pods selecting ${describeSelector(c.labelSelector)}, which no pod in ${pod.namespace} carries; the constraint does not spread anything.`,
        hint: "Select the workload's own pod labels in the constraint.",
      }),
    );
  }
  return out;
}
