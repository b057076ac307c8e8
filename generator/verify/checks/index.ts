// The checks of `slipway verify`, each a pure function of the cluster state (DESIGN.md step 6).
// They share one index of the state (model/cluster.ts), built on first use.
import type { Check } from '../types.ts';
import { admissionPolicyCheck } from './admission-policies.ts';
import { dnsOwnershipCheck } from './dns-ownership.ts';
import { ingressCheck } from './reference-ingress.ts';
import { metadataEndpointCheck } from './metadata-endpoint.ts';
import { orderCrdsCheck } from './order-crds.ts';
import { orderGraphsCheck } from './order-graphs.ts';
import { orderWaitsCheck } from './order-waits.ts';
import { podInputsCheck } from './reference-pod-inputs.ts';
import { podSecurityCheck } from './pod-security.ts';
import { rbacEscalationCheck } from './rbac-escalation.ts';
import { reachabilityCheck } from './reachability.ts';
import { schemaCheck } from './schema.ts';
import { secretIdentityCheck } from './secret-identity.ts';
import { selectorsCheck } from './reference-selectors.ts';
import { serviceMonitorCheck } from './reference-service-monitors.ts';
import { terraformContractCheck } from './terraform-contract.ts';

export const checks: readonly Check[] = [
  schemaCheck,
  podSecurityCheck,
  selectorsCheck,
  ingressCheck,
  serviceMonitorCheck,
  podInputsCheck,
  secretIdentityCheck,
  dnsOwnershipCheck,
  admissionPolicyCheck,
  reachabilityCheck,
  rbacEscalationCheck,
  metadataEndpointCheck,
  orderGraphsCheck,
  orderCrdsCheck,
  orderWaitsCheck,
  terraformContractCheck,
];
