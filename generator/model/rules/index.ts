// All cross-field rules of one environment, in a fixed order.
import type { Environment } from '../environment.ts';
import { accessRules } from './access.ts';
import { advisoryRules } from './advisories.ts';
import { aksRules } from './aks.ts';
import { appRules } from './apps.ts';
import { azureNameRules } from './azure-names.ts';
import { dnsRules } from './dns.ts';
import { hostRules } from './hosts.ts';
import { networkRules } from './network.ts';
import type { Finding } from './rule.ts';
import { stagePolicyRules } from './stage-policy.ts';

export type { Finding } from './rule.ts';

export function checkEnvironment(env: Environment): Finding[] {
  return [
    ...azureNameRules(env),
    ...dnsRules(env),
    ...networkRules(env),
    ...aksRules(env),
    ...appRules(env),
    ...hostRules(env),
    ...accessRules(env),
    ...stagePolicyRules(env),
    ...advisoryRules(env),
  ];
}
