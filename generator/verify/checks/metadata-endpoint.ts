// VERIFY_METADATA_ENDPOINT: no pod of the render reaches the instance metadata endpoint
// (169.254.169.254, IMDS). Every node carries the kubelet identity and the Key Vault secrets
// provider's identity; a pod that reaches IMDS gets a token for either (Azure workload identity
// docs: pods should use their own federated identity and not the node's). Pods that share the
// node's network (hostNetwork) are the node's business and out of scope; so is kube-system, which
// AKS manages. A pod that its namespace's metadata-endpoint policy leaves out on purpose (the
// policy names why in the slipway.io/metadata-endpoint-exemption annotation: Prometheus, which must
// reach node IPs that Cilium policies cannot allow) is reported in the summary, not as a finding.
// Semantics of the policies: model/network-policy.ts.
import type { Check, VerifyFinding } from '../types.ts';
import { indexOf } from './model/cluster.ts';
import { METADATA_EXEMPTION, METADATA_POLICY } from '../../catalog/objects.ts';
import { at, text } from './model/data.ts';
import { finding } from './model/finding.ts';
import { blocked } from './model/network-policy.ts';
import { workloadName } from './model/pods.ts';
import { matchesSelector } from './model/selectors.ts';

export const METADATA_ENDPOINT = 'VERIFY_METADATA_ENDPOINT';
export const IMDS = { cidr: '169.254.169.254/32', label: 'the instance metadata endpoint 169.254.169.254' } as const;

export const metadataEndpointCheck: Check = (state) => {
  const index = indexOf(state);
  const out: VerifyFinding[] = [];
  const seen = new Set<string>();
  for (const pod of index.pods) {
    if (pod.namespace === 'kube-system' || at(pod.spec, 'hostNetwork') === true) continue;
    if (blocked(index, { from: { pod }, to: IMDS, port: 80, protocol: 'TCP' })) continue;
    const policy = index.get('NetworkPolicy', pod.namespace, METADATA_POLICY);
    const exempted = policy && text(policy.object.metadata.annotations?.[METADATA_EXEMPTION]) && !matchesSelector(at(policy.object, 'spec', 'podSelector') ?? {}, pod.labels);
    if (exempted) continue;
    const key = `${pod.namespace}/${workloadName(pod)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(
      finding(state, pod.source, {
        code: METADATA_ENDPOINT,
        severity: 'error',
        message: `The pods of ${workloadName(pod)} in namespace ${pod.namespace} can reach ${IMDS.label}: no NetworkPolicy isolates their egress, so they can take a token for the node's identities (the kubelet's and the Key Vault secrets provider's).`,
        hint: `Give namespace ${pod.namespace} an egress policy that leaves 169.254.169.254/32 out (Slipway puts one in every namespace it manages), or narrow the egress rules that allow it.`,
      }),
    );
  }
  return out;
};
