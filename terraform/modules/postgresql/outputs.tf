output "server_id" {
  description = "Resource ID of the flexible server."
  value       = azurerm_postgresql_flexible_server.this.id
}

output "fqdn" {
  description = "Private host name of the server."
  value       = azurerm_postgresql_flexible_server.this.fqdn
}

output "administrator_login" {
  description = "Administrator login name (the password is only in the key vault)."
  value       = azurerm_postgresql_flexible_server.this.administrator_login
}

output "databases" {
  description = "Databases created, one per application instance."
  value       = sort([for d in azurerm_postgresql_flexible_server_database.this : d.name])
}

output "app_secret_names" {
  description = "Names of the application secrets in the key vault (never their values)."
  value       = sort(keys(azurerm_key_vault_secret.app))
}

output "password_secret_name" {
  description = "Key vault secret that holds the administrator password (the name, never the value)."
  value       = azurerm_key_vault_secret.administrator_password.name
}
