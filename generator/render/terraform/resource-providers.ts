// The Azure resource providers each stack registers. azurerm 4.x registers its "legacy" set by
// default, and no set includes Microsoft.KubernetesConfiguration (Flux), so on a fresh subscription
// the Flux extension fails with MissingSubscriptionRegistration. Stacks therefore ask for the
// "core" set (resource_provider_registrations) plus exactly what their resources call
// (resource_providers_to_register), derived from the block types of the modules they use
// (terraform/modules/interfaces.json). Sets and "API Providers" per resource: azurerm v4.73.0,
// internal/resourceproviders/required.go and website/docs/r/*.html.markdown.

/** required.go Core(): registered by resource_provider_registrations = "core". */
export const CORE_PROVIDERS = [
  'Microsoft.Authorization',
  'Microsoft.Compute',
  'Microsoft.CostManagement',
  'Microsoft.ManagedIdentity',
  'Microsoft.MarketplaceOrdering',
  'Microsoft.Network',
  'Microsoft.Resources',
  'Microsoft.Storage',
] as const;

/** The provider namespace each azurerm resource type calls; a type missing here fails the render, not the apply. */
const PROVIDER_OF: Readonly<Record<string, string>> = {
  azurerm_container_registry: 'Microsoft.ContainerRegistry',
  azurerm_dns_ns_record: 'Microsoft.Network',
  azurerm_dns_txt_record: 'Microsoft.Network',
  azurerm_dns_zone: 'Microsoft.Network',
  azurerm_federated_identity_credential: 'Microsoft.ManagedIdentity',
  azurerm_key_vault: 'Microsoft.KeyVault',
  azurerm_key_vault_secret: 'Microsoft.KeyVault',
  azurerm_kubernetes_cluster: 'Microsoft.ContainerService',
  azurerm_kubernetes_cluster_extension: 'Microsoft.KubernetesConfiguration',
  azurerm_kubernetes_cluster_node_pool: 'Microsoft.ContainerService',
  azurerm_kubernetes_flux_configuration: 'Microsoft.KubernetesConfiguration',
  azurerm_log_analytics_workspace: 'Microsoft.OperationalInsights',
  azurerm_management_lock: 'Microsoft.Authorization',
  azurerm_monitor_data_collection_rule: 'Microsoft.Insights',
  azurerm_monitor_data_collection_rule_association: 'Microsoft.Insights',
  azurerm_monitor_diagnostic_setting: 'Microsoft.Insights',
  azurerm_postgresql_flexible_server: 'Microsoft.DBforPostgreSQL',
  azurerm_postgresql_flexible_server_active_directory_administrator: 'Microsoft.DBforPostgreSQL',
  azurerm_postgresql_flexible_server_configuration: 'Microsoft.DBforPostgreSQL',
  azurerm_postgresql_flexible_server_database: 'Microsoft.DBforPostgreSQL',
  azurerm_private_dns_zone: 'Microsoft.Network',
  azurerm_private_dns_zone_virtual_network_link: 'Microsoft.Network',
  azurerm_resource_group: 'Microsoft.Resources',
  azurerm_resources: 'Microsoft.Resources',
  azurerm_role_assignment: 'Microsoft.Authorization',
  azurerm_role_definition: 'Microsoft.Authorization',
  azurerm_storage_account: 'Microsoft.Storage',
  azurerm_storage_container: 'Microsoft.Storage',
  azurerm_storage_management_policy: 'Microsoft.Storage',
  azurerm_subnet: 'Microsoft.Network',
  azurerm_user_assigned_identity: 'Microsoft.ManagedIdentity',
  azurerm_virtual_network: 'Microsoft.Network',
};

/** Data sources that read no Azure resource provider. */
const NO_PROVIDER = new Set(['azurerm_client_config']);

/** The providers outside the core set that these block types ("resource.azurerm_x", "data.azurerm_y") need, sorted. */
export function providersToRegister(blockTypes: readonly string[]): string[] {
  const needed = new Set<string>();
  for (const blockType of blockTypes) {
    const type = blockType.slice(blockType.indexOf('.') + 1);
    if (!type.startsWith('azurerm_') || NO_PROVIDER.has(type)) continue; // random, time, postgresql: not Azure
    const provider = PROVIDER_OF[type];
    if (!provider) throw new Error(`No resource provider is known for ${type}: add it to generator/render/terraform/resource-providers.ts.`);
    if (!(CORE_PROVIDERS as readonly string[]).includes(provider)) needed.add(provider);
  }
  return [...needed].sort();
}
