output "zone_id" {
  description = "Resource ID of the DNS zone (scope for the DNS Zone Contributor assignments)."
  value       = local.zone_id
}

output "zone_name" {
  description = "Name of the DNS zone."
  value       = var.zone_name
}

output "name_servers" {
  description = "Name servers of the zone (empty for an existing zone, whose managers delegate it); set them at the registrar when there is no parent zone in Azure. A parent zone that another environment manages reads them from this stack's state."
  value       = local.name_servers
}

output "resource_group_name" {
  description = "Resource group of the zone."
  value       = var.resource_group_name
}

output "resource_group_id" {
  description = "Resource ID of the zone's resource group (scope for the Reader assignment)."
  value       = local.resource_group_id
}

output "delegated_children" {
  description = "Child zones' record names this zone delegates, by child environment; a child missing here has no name servers in its state yet (apply its dns stack, then this one again)."
  value       = { for key, record in azurerm_dns_ns_record.child : key => record.name }
}
