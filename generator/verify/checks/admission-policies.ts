// VERIFY_ADMISSION_DENIED: an object of the render that the admission policies of the render would
// refuse. Slipway's ValidatingAdmissionPolicies (catalog/admission-policies.ts) hold each namespace to
// the hosts it serves and keep LoadBalancer Services in the ingress namespace; a chart whose Ingress
// names another host, or a Service of type LoadBalancer anywhere else, would fail at apply time in
// the cluster (Flux's apply, or helm's install, is refused), which this check says before the merge.
// The policies are read from the render itself (their JSON-literal variables) and applied through
// their TypeScript twin, which the tests hold to the same answers as the CEL the API server runs.
import { denials, policyParameters, policySpecs, type AdmissionRequest, type PolicySpec } from '../../catalog/admission-policies.ts';
import { groupOf } from '../cluster-apis.ts';
import { objectId, type Check, type RenderedObject, type VerifyFinding } from '../types.ts';
import { indexOf, type ClusterIndex } from './model/cluster.ts';
import { at, list, joinAnd } from './model/data.ts';
import { finding } from './model/finding.ts';

export const ADMISSION_DENIED = 'VERIFY_ADMISSION_DENIED';

const API_VERSION = 'admissionregistration.k8s.io/v1';

/** The policies of the render that are in force: Slipway's, each with a binding that denies. */
function policiesInForce(index: ClusterIndex): PolicySpec[] {
  const denying = new Set(
    index
      .ofKind('ValidatingAdmissionPolicyBinding')
      .filter((b) => b.object.apiVersion === API_VERSION && list(at(b.object, 'spec', 'validationActions')).includes('Deny'))
      .map((b) => at(b.object, 'spec', 'policyName')),
  );
  return index.ofKind('ValidatingAdmissionPolicy').flatMap((r) => {
    if (r.object.apiVersion !== API_VERSION || !denying.has(r.object.metadata.name)) return [];
    const parameters = policyParameters(r.object);
    const spec = parameters && policySpecs(parameters).find((s) => s.name === r.object.metadata.name);
    return spec ? [spec] : [];
  });
}

/** Who sends the object to the API server: Flux's controllers (helm, for the helmfile path, is a person or CI); never cert-manager. */
const applier = (r: RenderedObject) => `system:serviceaccount:flux-system:${r.release ? 'helm-controller' : 'kustomize-controller'}`;

export const admissionPolicyCheck: Check = (state) => {
  const index = indexOf(state);
  const policies = policiesInForce(index);
  const out: VerifyFinding[] = [];
  for (const policy of policies) {
    for (const r of index.ofKind(policy.kind)) {
      const o = r.object;
      const namespace = o.metadata.namespace ?? 'default';
      const request: AdmissionRequest = { object: o, namespace, operation: 'CREATE', username: applier(r) };
      const reasons = denials(policy, request, groupOf(o.apiVersion), o.kind);
      if (reasons.length === 0) continue;
      const served = servedBy(index, policy, namespace);
      out.push(
        finding(state, r, {
          code: ADMISSION_DENIED,
          severity: 'error',
          message: `${objectId(o)} would be refused by ValidatingAdmissionPolicy ${policy.name}: ${reasons.join(' ')} The API server rejects it when Flux (or helmfile) applies it, and the release fails.`,
          hint:
            policy.kind === 'Service'
              ? 'Publish the workload through an Ingress of its own namespace; only the ingress controller has a load balancer.'
              : `Use only the hosts namespace ${namespace} serves (${served.length ? joinAnd(served) : 'none'}): they come from the release installed there (its catalog entry's hosts); serve another host from the release of its own namespace.`,
        }),
      );
    }
  }
  return out;
};

/** The hosts a namespace serves, as the rendered policy has them. */
function servedBy(index: ClusterIndex, policy: PolicySpec, namespace: string): string[] {
  const rendered = index.get('ValidatingAdmissionPolicy', '', policy.name);
  return [...((rendered && policyParameters(rendered.object)?.served[namespace]) ?? [])];
}
