output "databases" {
  description = "Databases created, one per application instance, each owned by the role of the same name."
  value       = sort(keys(postgresql_database.this))
}

output "secret_names" {
  description = "Key vault secrets this module writes (the roles' passwords; names, never values)."
  value       = sort([for secret in azurerm_key_vault_secret.role : secret.name])
}
