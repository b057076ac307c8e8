// Names given under azure.names do not collide within the environment: each stack creates its own
// resource group (azurerm_resource_group), and AKS creates the node resource group itself and
// refuses one that exists ("the node resource group must not exist", AKS docs, node resource group).
import type { Environment } from '../environment.ts';
import type { NameOverrides } from '../environment.ts';
import { error, type Finding } from './rule.ts';

/** The resource groups an environment creates, with the field that names each (azure.names.<key>, or where else it comes from). */
export function createdResourceGroups(env: Environment): Array<{ readonly name: string; readonly field: keyof NameOverrides | 'state' }> {
  const n = env.names;
  return [
    { name: env.state.resourceGroup, field: 'state' as const },
    { name: n.resourceGroup, field: 'resourceGroup' as const },
    { name: n.nodeResourceGroup, field: 'nodeResourceGroup' as const },
    // A zone managed elsewhere (dns.existing) lives in someone else's group: the dns stack creates none.
    ...(env.dns.mode === 'owned' ? [{ name: n.dnsResourceGroup, field: 'dnsResourceGroup' as const }] : []),
    { name: n.postgresqlResourceGroup, field: 'postgresqlResourceGroup' as const },
    // The backup account's group exists only with Velero on, and in its own subscription.
    ...(env.releases.velero.enabled && (env.releases.velero.storageSubscriptionId ?? env.azure.subscriptionId) === env.azure.subscriptionId
      ? [{ name: n.backupResourceGroup, field: 'backupResourceGroup' as const }]
      : []),
  ];
}

/** Where a resource group name comes from, for messages and locations. */
export const resourceGroupField = (env: Environment, field: keyof NameOverrides | 'state'): { path: PropertyKey[]; label: string } =>
  field === 'state'
    ? { path: ['state', 'resourceGroup'], label: 'state.resourceGroup' }
    : env.names.given.includes(field)
      ? { path: ['azure', 'names', field], label: `azure.names.${field}` }
      : { path: ['name'], label: `the derived ${field}` };

export function nameConflictRules(env: Environment): Finding[] {
  const groups = createdResourceGroups(env);
  const out: Finding[] = [];
  groups.forEach((g, i) => {
    // Resource group names are case-insensitive in Azure.
    const first = groups.findIndex((o) => o.name.toLowerCase() === g.name.toLowerCase());
    if (first === i) return;
    const a = resourceGroupField(env, groups[first]!.field);
    const b = resourceGroupField(env, g.field);
    // Report at the given name: derived names never collide with each other.
    const at = b.path[0] === 'name' ? a : b;
    const other = at === a ? b : a;
    out.push(
      error(
        'AZURE_NAME_CONFLICT',
        at.path,
        `${at.label} is ${g.name}, which ${other.label} names as well: ${g.field === 'nodeResourceGroup' || groups[first]!.field === 'nodeResourceGroup' ? 'AKS creates the node resource group itself and refuses one that exists' : 'two stacks would create and own one resource group'}.`,
        `Give ${at.label} a name of its own, such as ${g.name}-${g.field === 'state' ? 'tfstate' : g.field.replace(/ResourceGroup$/, '').toLowerCase() || 'main'}.`,
      ),
    );
  });
  return out;
}
