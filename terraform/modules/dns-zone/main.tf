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
}
