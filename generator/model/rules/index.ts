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
import { nodePoolRules } from './node-pools.ts';
import { azureNameRules } from './azure-names.ts';
import { dnsRules } from './dns.ts';
import { dnsExistingRules } from './dns-existing.ts';
import { dnsRecordRules } from './dns-records.ts';
import { environmentNameRules } from './environment-name.ts';
import { hostRules } from './hosts.ts';
import { kubernetesVersionRules } from './kubernetes-version.ts';
import { namespaceRules } from './namespaces.ts';
import { networkRules } from './network.ts';
import type { Finding, Rule } from './rule.ts';
import { stagePolicyRules } from './stage-policy.ts';
import { subnetRules } from './subnets.ts';
import { logAnalyticsRules } from './log-analytics.ts';
import { nameConflictRules } from './name-conflicts.ts';
import { postgresqlDatabaseRules } from './postgresql-databases.ts';
import { postgresqlParameterRules } from './postgresql-parameters.ts';
import { postgresqlReplicaRules } from './postgresql-replicas.ts';
import { releaseDependencyRules, releaseOffAccessRules } from './release-dependencies.ts';

export type { Finding } from './rule.ts';

const rules: readonly Rule[] = [
  environmentNameRules,
  azureNameRules,
  nameConflictRules,
  dnsRules,
  dnsExistingRules,
  dnsRecordRules,
  subnetRules,
  networkRules,
  apiServerRules,
  aksRules,
  nodePoolRules,
  logAnalyticsRules,
  postgresqlParameterRules,
  postgresqlDatabaseRules,
  postgresqlReplicaRules,
  kubernetesVersionRules,
  namespaceRules,
  releaseRules,
  releaseDependencyRules,
  appRules,
  hostRules,
  accessRules,
  releaseOffAccessRules,
  stagePolicyRules,
  advisoryRules,
];

export function checkEnvironment(env: Environment, input: EnvironmentInput, policy: Policy): Finding[] {
  return rules.flatMap((rule) => rule(env, input, policy));
}
