// The Flux post-build substitution variables that carry values known only after `terraform apply`:
// one contract between the aks stack (which creates the identities and sets the variables) and the
// cluster manifests (which reference them as ${VAR}). The add-on identities themselves are declared
// by their releases in the catalog (catalog/index.ts workloadIdentities).
import { secretReadersOf, workloadIdentitiesOf } from '../catalog/index.ts';
import type { Environment } from './environment.ts';


/** Variables whose values the model knows; Flux substitutes them next to the client IDs. */
export function staticSubstitutions(env: Environment): Record<string, string> {
  return {
    AKS_NODE_RESOURCE_GROUP: env.names.nodeResourceGroup,
    AZURE_RESOURCE_GROUP: env.names.resourceGroup,
    AZURE_SUBSCRIPTION_ID: env.azure.subscriptionId,
    AZURE_TENANT_ID: env.azure.tenantId,
    // Velero's backup location only while it is installed: a release that is off leaves nothing behind.
    ...(env.releases.velero.enabled && {
      BACKUP_CONTAINER: env.names.backupContainer,
      BACKUP_RESOURCE_GROUP: env.names.backupResourceGroup,
      BACKUP_STORAGE_ACCOUNT: env.names.backupStorageAccount,
    }),
    DNS_RESOURCE_GROUP: env.names.dnsResourceGroup,
    DNS_ZONE_NAME: env.dns.zone,
    KEY_VAULT_NAME: env.names.keyVault,
  };
}

/** Every substitution variable name, sorted: what the manifests may reference. */
export function substitutionVariableNames(env: Environment): string[] {
  return [...Object.keys(staticSubstitutions(env)), ...azureIdentitiesOf(env).map((w) => w.clientIdVariable)].sort();
}

/**
 * Every workload identity the aks stack creates for this environment: the releases' add-on
 * identities (one service account each) and the secret readers' (their pods' service accounts).
 */
export function azureIdentitiesOf(env: Environment): Array<{ key: string; namespace: string; serviceAccounts: readonly string[]; clientIdVariable: string }> {
  return [
    ...workloadIdentitiesOf(env).map((w) => ({ key: w.key, namespace: w.namespace, serviceAccounts: [w.serviceAccount], clientIdVariable: w.clientIdVariable })),
    ...secretReadersOf(env).map((r) => ({ key: r.key, namespace: r.namespace, serviceAccounts: r.serviceAccounts, clientIdVariable: r.clientIdVariable })),
  ];
}
