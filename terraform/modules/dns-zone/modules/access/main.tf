# Role assignments on a DNS zone and its resource group for the identities that manage records,
# as their releases declare them (external-dns; cert-manager with DNS-01). Kept apart from the
# zone so the stack that creates the identities (aks) can grant them without owning the zone.
# for_each runs over the keys of var.role_assignments, which come from variables and are known at
# plan time; the principal IDs, created in the same apply, are only values.
locals {
  scopes = { "dns-zone" = var.zone_id, "dns-resource-group" = var.resource_group_id }
}

# A role named with its actions is a custom role, assignable only where it is granted: a controller
# that needs only TXT records must not be able to delete the zone or rewrite its NS records.
resource "azurerm_role_definition" "this" {
  for_each = { for key, a in var.role_assignments : key => a if a.actions != null }

  name              = "${each.value.role} (${var.name})"
  scope             = local.scopes[each.value.scope]
  description       = "Granted by Slipway to the ${each.value.identity} workload identity of ${var.name}."
  assignable_scopes = [local.scopes[each.value.scope]]

  permissions {
    actions = each.value.actions
  }
}

resource "azurerm_role_assignment" "this" {
  for_each = var.role_assignments

  scope                = local.scopes[each.value.scope]
  role_definition_name = each.value.actions == null ? each.value.role : null
  role_definition_id   = each.value.actions == null ? null : azurerm_role_definition.this[each.key].role_definition_resource_id
  principal_id         = var.principal_ids[each.value.identity]
  principal_type       = "ServicePrincipal"
}
