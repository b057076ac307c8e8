output "zone_id" {
  description = "Resource ID of the DNS zone (scope for the DNS Zone Contributor assignments)."
  value       = azurerm_dns_zone.this.id
}

output "zone_name" {
  description = "Name of the DNS zone."
  value       = azurerm_dns_zone.this.name
}

output "name_servers" {
  description = "Name servers of the zone; set them at the registrar when there is no parent zone in Azure."
  value       = azurerm_dns_zone.this.name_servers
}

output "resource_group_name" {
  description = "Resource group of the zone."
  value       = azurerm_resource_group.this.name
}

output "resource_group_id" {
  description = "Resource ID of the zone's resource group (scope for the Reader assignment)."
  value       = azurerm_resource_group.this.id
}
