output "cluster_id" {
  description = "Resource ID of the AKS cluster."
  value       = azurerm_kubernetes_cluster.this.id
}

output "cluster_name" {
  description = "Name of the AKS cluster."
  value       = azurerm_kubernetes_cluster.this.name
}

output "resource_group_name" {
  description = "Resource group of the cluster, network, identities and key vault."
  value       = azurerm_resource_group.this.name
}

output "node_resource_group_name" {
  description = "Resource group AKS manages for nodes and disks."
  value       = azurerm_kubernetes_cluster.this.node_resource_group
}

output "oidc_issuer_url" {
  description = "OIDC issuer of the cluster, for federated credentials."
  value       = azurerm_kubernetes_cluster.this.oidc_issuer_url
}

output "virtual_network_id" {
  description = "Resource ID of the virtual network (linked to the PostgreSQL private DNS zone)."
  value       = azurerm_virtual_network.this.id
}

output "postgresql_subnet_id" {
  description = "Resource ID of the subnet delegated to PostgreSQL flexible server."
  value       = azurerm_subnet.postgresql.id
}

output "key_vault_id" {
  description = "Resource ID of the key vault for application secrets."
  value       = azurerm_key_vault.this.id
}

output "key_vault_name" {
  description = "Name of the key vault for application secrets."
  value       = azurerm_key_vault.this.name
}

output "workload_identity_client_ids" {
  description = "Client IDs of the add-on identities by key; not secret, they name an identity."
  value       = { for k, id in azurerm_user_assigned_identity.workload : k => id.client_id }
}

output "workload_identity_principal_ids" {
  description = "Principal (object) IDs of the add-on identities by key, for role assignments."
  value       = { for k, id in azurerm_user_assigned_identity.workload : k => id.principal_id }
}

output "backup_storage_account_name" {
  description = "Storage account holding Velero backups; null when Velero is off."
  value       = one(module.backup_storage[*].storage_account_name)
}

output "backup_resource_group_name" {
  description = "Resource group of the backup storage account; null when Velero is off."
  value       = one(module.backup_storage[*].resource_group_name)
}

output "git_credentials_command" {
  description = "For a private repository, what an operator runs once before the gitops stack: creates the credentials Secret in flux-system (paste a read-only token, then Ctrl-D). Null for a public repository."
  value       = local.git_credentials_command
}

# ---------------------------------------------------------------- container registries (services' private images)

output "container_registry_login_servers" {
  description = "Login servers of the container registries by name (created here or existing): where images are pushed and pulled."
  value       = { for name in keys(var.container_registries) : name => "${name}.azurecr.io" }
}
