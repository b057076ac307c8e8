import { azureNameProblem, type AzureNameKind } from '../../../schema/azure-names.ts';
import { secretReadersOf } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import { identityName } from '../names.ts';
import { error, type Finding } from './rule.ts';

/** Every derived Azure name obeys its naming rule; the fix is a shorter environment name or an explicit name. */
export function azureNameRules(env: Environment): Finding[] {
  const n = env.names;
  const backupGiven = n.backupStorageAccount !== `st${env.name.replace(/-/g, '')}bkp`;
  const checks: Array<[AzureNameKind, string, readonly PropertyKey[]]> = [
    ['resourceGroup', n.resourceGroup, ['name']],
    ['resourceGroup', n.dnsResourceGroup, ['name']],
    ['resourceGroup', n.postgresqlResourceGroup, ['name']],
    ['resourceGroup', n.nodeResourceGroup, ['name']],
    ['resourceGroup', n.backupResourceGroup, ['name']],
    ['virtualNetwork', n.virtualNetwork, ['name']],
    ['subnet', n.aksSubnet, ['name']],
    ['subnet', n.postgresqlSubnet, ['name']],
    ['kubernetesCluster', n.cluster, ['name']],
    ['kubernetesDnsPrefix', n.dnsPrefix, ['name']],
    ['postgresqlServer', n.postgresqlServer, ['name']],
    ['keyVault', n.keyVault, ['name']],
    ['logAnalyticsWorkspace', n.logAnalyticsWorkspace, ['name']],
    ['storageAccount', n.backupStorageAccount, backupGiven ? ['releases', 'velero', 'storageAccount'] : ['name']],
    ['storageContainer', n.backupContainer, ['name']],
    ...[n.identities.controlPlane, n.identities.kubelet, ...Object.values(n.identities.workloads), ...secretReadersOf(env).map((r) => identityName(env.name, r.key))].map((id): [AzureNameKind, string, readonly PropertyKey[]] => [
      'userAssignedIdentity',
      id,
      ['name'],
    ]),
  ];
  return checks.flatMap(([kind, value, path]) => {
    const problem = azureNameProblem(kind, value);
    if (!problem) return [];
    const hint =
      path[0] === 'name'
        ? kind === 'storageAccount'
          ? 'Set releases.velero.storageAccount to a name of 3-24 lowercase letters and digits, or shorten the environment name.'
          : 'Shorten the environment name (file name and "name" field).'
        : 'Choose a name that fits the rule.';
    return [error('AZURE_NAME', path, `Derived name ${value}: ${problem}.`, hint)];
  });
}
