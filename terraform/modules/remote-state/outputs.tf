output "resource_group_name" {
  description = "Resource group of the storage account."
  value       = azurerm_resource_group.this.name
}

output "storage_account_id" {
  description = "Resource ID of the storage account."
  value       = azurerm_storage_account.this.id
}

output "storage_account_name" {
  description = "Name of the storage account."
  value       = azurerm_storage_account.this.name
}

output "container_name" {
  description = "Name of the private blob container."
  value       = azurerm_storage_container.this.name
}

output "primary_blob_endpoint" {
  description = "Blob endpoint of the storage account."
  value       = azurerm_storage_account.this.primary_blob_endpoint
}
