output "role_assignment_ids" {
  description = "IDs of the role assignments made, by purpose."
  value = {
    external_dns_zone   = azurerm_role_assignment.external_dns_zone.id
    external_dns_reader = azurerm_role_assignment.external_dns_reader.id
    cert_manager_zone   = one(azurerm_role_assignment.cert_manager_zone[*].id)
  }
}
