# Role assignments for the add-ons that write records. Kept apart from the zone so the stack that
# creates the identities (aks) can grant them without owning the zone.
resource "azurerm_role_assignment" "external_dns_zone" {
  scope                = var.zone_id
  role_definition_name = "DNS Zone Contributor"
  principal_id         = var.external_dns_principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "external_dns_reader" {
  scope                = var.resource_group_id
  role_definition_name = "Reader"
  principal_id         = var.external_dns_principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "cert_manager_zone" {
  count = var.cert_manager_principal_id == null ? 0 : 1

  scope                = var.zone_id
  role_definition_name = "DNS Zone Contributor"
  principal_id         = var.cert_manager_principal_id
  principal_type       = "ServicePrincipal"
}
