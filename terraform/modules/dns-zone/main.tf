# An owned zone is created here, in its own resource group; an existing zone (managed elsewhere,
# possibly in another subscription: the azurerm.zone provider) is only looked up, so nothing of it is
# locked, delegated or deleted by this module.
resource "azurerm_resource_group" "this" {
  count = var.existing ? 0 : 1

  name     = var.resource_group_name
  location = var.location
  tags     = var.tags
}

resource "azurerm_dns_zone" "this" {
  count = var.existing ? 0 : 1

  name                = var.zone_name
  resource_group_name = azurerm_resource_group.this[0].name
  tags                = var.tags
}

# Both were single resources before existing zones: their state follows them without a replace.
moved {
  from = azurerm_resource_group.this
  to   = azurerm_resource_group.this[0]
}

moved {
  from = azurerm_dns_zone.this
  to   = azurerm_dns_zone.this[0]
}

# An existing zone is found by type, name and resource group (the data source gives an empty list
# rather than an error when there is none, so the postcondition can say what is wrong).
data "azurerm_resources" "existing_zone" {
  count    = var.existing ? 1 : 0
  provider = azurerm.zone

  type                = "Microsoft.Network/dnszones"
  name                = var.zone_name
  resource_group_name = var.resource_group_name

  lifecycle {
    postcondition {
      condition     = length(self.resources) == 1
      error_message = "The existing DNS zone ${var.zone_name} was not found in resource group ${var.resource_group_name} of the zone's subscription (dns.existing): check the resource group and subscriptionId, and that the deployers may read it."
    }
  }
}

locals {
  zone_id = var.existing ? one(data.azurerm_resources.existing_zone[0].resources[*].id) : azurerm_dns_zone.this[0].id
  # Azure spells resourceGroups in varying case in IDs; the zone's ID holds its resource group's.
  resource_group_id = var.existing ? regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+", local.zone_id) : azurerm_resource_group.this[0].id
  name_servers      = var.existing ? [] : tolist(azurerm_dns_zone.this[0].name_servers)
}

# Locks are inherited by child resources, so a CanNotDelete lock on the zone would block every record
# set deletion as well. Locking the SOA record set protects the zone, whose deletion would delete the
# SOA, and leaves the records to their controllers (Azure DNS docs, dns-protect-zones-recordsets,
# "Protecting against zone deletion"). An existing zone is its managers' to lock.
resource "azurerm_management_lock" "zone" {
  count = var.lock_enabled && !var.existing ? 1 : 0

  name       = "${var.zone_name}-cannot-delete"
  scope      = "${azurerm_dns_zone.this[0].id}/SOA/@"
  lock_level = "CanNotDelete"
  notes      = "Protects the zone from deletion; remove this lock deliberately before deleting the zone."
}

# The parent zone must exist before the delegation: looked up by type and name across its
# subscription, which gives an empty list rather than an error when it does not, so the
# precondition below can say what to apply first.
data "azurerm_resources" "parent_zone" {
  count    = var.parent_zone == null ? 0 : 1
  provider = azurerm.parent

  type = "Microsoft.Network/dnszones"
  name = var.parent_zone.name
}

locals {
  parent_zone_suffix = var.parent_zone == null ? "" : lower("/resourceGroups/${var.parent_zone.resource_group_name}/providers/Microsoft.Network/dnszones/${var.parent_zone.name}")
  parent_zone_found  = var.parent_zone == null ? true : anytrue([for r in data.azurerm_resources.parent_zone[0].resources : endswith(lower(r.id), local.parent_zone_suffix)])
}

# Delegation from a parent zone outside the fleet (possibly in another subscription): this stack's
# deployers need write on it. A parent that another environment of the fleet manages writes the
# record itself (child_delegations below), and its caller passes parent_zone = null.
resource "azurerm_dns_ns_record" "delegation" {
  count    = var.parent_zone == null ? 0 : 1
  provider = azurerm.parent

  name                = trimsuffix(var.zone_name, ".${var.parent_zone.name}")
  zone_name           = var.parent_zone.name
  resource_group_name = var.parent_zone.resource_group_name
  ttl                 = var.delegation_ttl
  records             = azurerm_dns_zone.this[0].name_servers
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = local.parent_zone_found
      error_message = "The parent zone ${try(var.parent_zone.name, "")} does not exist in resource group ${try(var.parent_zone.resource_group_name, "")} of the parent subscription: ${try(var.parent_zone.owner, null) != null ? "apply the dns stack of ${var.parent_zone.owner} first" : "create it first"}, then apply this stack again."
    }
  }
}

# Delegations to child zones of other environments, kept here so that no child's deployers need
# write on this zone. Each child's name servers come from the root outputs of its dns stack's state
# (read-only, Storage Blob Data Reader on that one blob, granted by the child's state stack);
# `defaults` gives an empty list while the child has not been applied (Terraform docs,
# terraform_remote_state: "Default values for outputs, in case the state file is empty or lacks a
# required output"), and a child without name servers gets no record until this stack runs again.
data "terraform_remote_state" "child" {
  for_each = var.child_delegations

  backend = "azurerm"
  config = {
    resource_group_name  = each.value.state.resource_group_name
    storage_account_name = each.value.state.storage_account_name
    container_name       = each.value.state.container_name
    key                  = each.value.state.key
    use_azuread_auth     = true
  }
  defaults = {
    name_servers = []
  }
}

# for_each reads the remote state: its arguments are all variables, so Terraform reads it during
# plan (Terraform docs, data-sources, "Data Resource Behavior") and the keys are known at plan time.
resource "azurerm_dns_ns_record" "child" {
  for_each = { for key, child in var.child_delegations : key => child if length(data.terraform_remote_state.child[key].outputs.name_servers) > 0 }

  name                = each.value.name
  zone_name           = azurerm_dns_zone.this[0].name
  resource_group_name = azurerm_resource_group.this[0].name
  ttl                 = var.delegation_ttl
  records             = data.terraform_remote_state.child[each.key].outputs.name_servers
  tags                = var.tags
}
