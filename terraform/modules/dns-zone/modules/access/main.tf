# Role assignments on a DNS zone and its resource group for the identities that manage records,
# as their releases declare them (external-dns; cert-manager with DNS-01). Kept apart from the
# zone so the stack that creates the identities (aks) can grant them without owning the zone.
# for_each runs over the keys of var.role_assignments, which come from variables and are known at
# plan time; the principal IDs, created in the same apply, are only values.
resource "azurerm_role_assignment" "this" {
  for_each = var.role_assignments

  scope                = each.value.scope == "dns-zone" ? var.zone_id : var.resource_group_id
  role_definition_name = each.value.role
  principal_id         = var.principal_ids[each.value.identity]
  principal_type       = "ServicePrincipal"
}
