output "server_id" {
  description = "Resource ID of the flexible server."
  value       = azurerm_postgresql_flexible_server.this.id
}

output "fqdn" {
  description = "Private host name of the server."
  value       = azurerm_postgresql_flexible_server.this.fqdn
}

output "server_name" {
  description = "Name of the flexible server."
  value       = azurerm_postgresql_flexible_server.this.name
}

output "administrator_login" {
  description = "Administrator login name (the password is only in the key vault)."
  value       = azurerm_postgresql_flexible_server.this.administrator_login
}

output "app_secret_names" {
  description = "Names of the application secrets in the key vault (never their values)."
  value       = sort(keys(azurerm_key_vault_secret.app))
}

output "password_secret_name" {
  description = "Key vault secret that holds the administrator password (the name, never the value)."
  value       = azurerm_key_vault_secret.administrator_password.name
}

output "secret_names" {
  description = "Every key vault secret this module writes (names, never values): what the gitops stack checks before Flux starts."
  value       = sort(concat(keys(azurerm_key_vault_secret.app), [azurerm_key_vault_secret.administrator_password.name]))
}

output "replica_fqdns" {
  description = "Private host names of the read replicas by key (read-only connections)."
  value       = { for key, replica in azurerm_postgresql_flexible_server.replica : key => replica.fqdn }
}
