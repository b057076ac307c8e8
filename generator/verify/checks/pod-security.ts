// VERIFY_POD_SECURITY: every pod template against the Pod Security level its namespace enforces
// (label pod-security.kubernetes.io/enforce on the Namespace; a namespace without the object or
// the label is privileged, the admission plugin's default). The admission plugin checks Pods, not
// their templates, so a workload that breaks the level is accepted and then gets no pods at all.
// The rules: pod-security-rules.ts, after https://kubernetes.io/docs/concepts/security/pod-security-standards/
import type { Check } from '../types.ts';
import { indexOf } from './model/cluster.ts';
import { joinAnd } from './model/data.ts';
import { finding } from './model/finding.ts';
import { workloadName, type PodModel } from './model/pods.ts';
import { violations, type Level, type Violation } from './pod-security-rules.ts';

export const POD_SECURITY = 'VERIFY_POD_SECURITY';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/** "1.33", "v1.33" → 33; "latest" or nothing → the cluster's own version. */
function minorOf(version: string | undefined, cluster: string): number {
  const match = /^v?1\.(\d+)/.exec(version && version !== 'latest' ? version : cluster);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

export const podSecurityCheck: Check = (state) => {
  const index = indexOf(state);
  return index.pods
    // Pods an operator derives from its resource get their containers' security context from the
    // operator, which the render does not show: only templates as written are judged.
    .filter((p) => !p.derived)
    .flatMap((pod) => {
      const labels = index.namespaceLabels(pod.namespace);
      const level = LEVELS.find((l) => l === labels[ENFORCE]) ?? 'privileged';
      const minor = minorOf(labels[ENFORCE_VERSION], state.environment.aks.kubernetesVersion);
      // One finding per control and container: node-exporter's three hostPath volumes are one problem.
      const groups = new Map<string, Violation[]>();
      for (const v of violations(pod, level, minor)) {
        const key = `${v.control}\u0000${v.container ?? ''}`;
        groups.set(key, [...(groups.get(key) ?? []), v]);
      }
      return [...groups.values()].map((group) =>
        finding(state, pod.source, {
          code: POD_SECURITY,
          severity: 'error',
          message: describe(pod, group, level),
          hint: `Change ${joinAnd(group.map((v) => `${pod.path}.${v.field}`))} (allowed: ${allowedOf(group)}) through the release values; if the workload really needs it, run it in a namespace whose level allows it (namespace.podSecurity in the catalog).`,
        }),
      );
    });
};

const allowedOf = (group: readonly Violation[]) => [...new Set(group.map((v) => v.allowed))].join('; ');

function describe(pod: PodModel, group: readonly Violation[], level: Level): string {
  const [first] = group as [Violation];
  const who = first.container ? `${workloadName(pod)}, container ${first.container},` : workloadName(pod);
  const unset = group.filter((v) => v.found === 'unset').map((v) => `${pod.path}.${v.field}`);
  const set = group.filter((v) => v.found !== 'unset').map((v) => `${pod.path}.${v.field} to ${v.found}`);
  const what = joinAnd([...(set.length ? [`sets ${joinAnd(set)}`] : []), ...(unset.length ? [`leaves ${joinAnd(unset)} unset`] : [])]);
  const outcome = pod.source.object.kind === 'Pod' ? 'the API server rejects the pod' : `the API server rejects every pod it creates, so the ${pod.source.object.kind} never runs`;
  return `${who} ${what}, which the ${level} Pod Security level enforced in namespace ${pod.namespace} forbids (${first.control}: ${allowedOf(group)}); ${outcome}.`;
}
