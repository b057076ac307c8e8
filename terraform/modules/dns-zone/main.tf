resource "azurerm_resource_group" "this" {
  name     = var.resource_group_name
  location = var.location
  tags     = var.tags
}

resource "azurerm_dns_zone" "this" {
  name                = var.zone_name
  resource_group_name = azurerm_resource_group.this.name
  tags                = var.tags
}

# Locks are inherited by child resources, so a CanNotDelete lock on the zone would block every record
# set deletion as well. Locking the SOA record set protects the zone, whose deletion would delete the
# SOA, and leaves the records to their controllers (Azure DNS docs, dns-protect-zones-recordsets,
# "Protecting against zone deletion").
resource "azurerm_management_lock" "zone" {
  count = var.lock_enabled ? 1 : 0

  name       = "${var.zone_name}-cannot-delete"
  scope      = "${azurerm_dns_zone.this.id}/SOA/@"
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

# Delegation: the parent zone (possibly in another subscription) points at this zone's name servers.
resource "azurerm_dns_ns_record" "delegation" {
  count    = var.parent_zone == null ? 0 : 1
  provider = azurerm.parent

  name                = trimsuffix(var.zone_name, ".${var.parent_zone.name}")
  zone_name           = var.parent_zone.name
  resource_group_name = var.parent_zone.resource_group_name
  ttl                 = var.delegation_ttl
  records             = azurerm_dns_zone.this.name_servers
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = local.parent_zone_found
      error_message = "The parent zone ${try(var.parent_zone.name, "")} does not exist in resource group ${try(var.parent_zone.resource_group_name, "")} of the parent subscription: ${try(var.parent_zone.owner, null) != null ? "apply the dns stack of ${var.parent_zone.owner} first" : "create it first"}, then apply this stack again."
    }
  }
}
