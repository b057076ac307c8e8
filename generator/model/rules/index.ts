// All cross-field rules of one environment, in a fixed order.
import type { EnvironmentInput } from '../../../schema/environment.ts';
import { releaseRules } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import type { Policy } from '../kubernetes-versions.ts';
import { accessRules } from './access.ts';
import { advisoryRules } from './advisories.ts';
import { appRules } from './apps.ts';
import { apiServerRules } from './api-server.ts';
import { aksRules } from './aks.ts';
import { azureNameRules } from './azure-names.ts';
import { dnsRules } from './dns.ts';
import { environmentNameRules } from './environment-name.ts';
import { hostRules } from './hosts.ts';
import { kubernetesVersionRules } from './kubernetes-version.ts';
import { namespaceRules } from './namespaces.ts';
import { networkRules } from './network.ts';
import type { Finding, Rule } from './rule.ts';
import { stagePolicyRules } from './stage-policy.ts';
import { subnetRules } from './subnets.ts';

export type { Finding } from './rule.ts';

const rules: readonly Rule[] = [
  environmentNameRules,
  azureNameRules,
  dnsRules,
  subnetRules,
  networkRules,
  apiServerRules,
  aksRules,
  kubernetesVersionRules,
  namespaceRules,
  releaseRules,
  appRules,
  hostRules,
  accessRules,
  stagePolicyRules,
  advisoryRules,
];

export function checkEnvironment(env: Environment, input: EnvironmentInput, policy: Policy): Finding[] {
  return rules.flatMap((rule) => rule(env, input, policy));
}
