resource "azurerm_resource_group" "this" {
  name     = var.resource_group_name
  location = var.location
  tags     = var.tags
}

# Private access only: the server lives in a delegated subnet and resolves through a private zone.
resource "azurerm_private_dns_zone" "this" {
  name                = var.private_dns_zone_name
  resource_group_name = azurerm_resource_group.this.name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "this" {
  name                  = "${var.name}-vnet"
  resource_group_name   = azurerm_resource_group.this.name
  private_dns_zone_name = azurerm_private_dns_zone.this.name
  virtual_network_id    = var.virtual_network_id
  registration_enabled  = false
  tags                  = var.tags
}

locals {
  # A zone-redundant standby needs a zone other than the primary's, even for a one-zone cluster.
  standby_zone = length(var.zones) > 1 ? var.zones[1] : (var.zones[0] == "1" ? "2" : "1")
}

# Ephemeral: the password exists only during plan and apply. It reaches the server and the key
# vault through write-only arguments, so it is in neither the state nor any output.
ephemeral "random_password" "administrator" {
  length  = 40
  special = false
}

resource "azurerm_postgresql_flexible_server" "this" {
  name                              = var.name
  resource_group_name               = azurerm_resource_group.this.name
  location                          = azurerm_resource_group.this.location
  version                           = var.postgresql_version
  sku_name                          = var.sku_name
  storage_mb                        = var.storage_mb
  auto_grow_enabled                 = true
  zone                              = var.zones[0]
  delegated_subnet_id               = var.delegated_subnet_id
  private_dns_zone_id               = azurerm_private_dns_zone.this.id
  public_network_access_enabled     = false
  administrator_login               = var.administrator_login
  administrator_password_wo         = ephemeral.random_password.administrator.result
  administrator_password_wo_version = var.administrator_password_version
  backup_retention_days             = var.backup_retention_days
  geo_redundant_backup_enabled      = var.geo_redundant_backup
  tags                              = var.tags

  authentication {
    password_auth_enabled         = true
    active_directory_auth_enabled = true
    tenant_id                     = var.tenant_id
  }

  dynamic "high_availability" {
    for_each = var.high_availability == "Disabled" ? [] : [var.high_availability]

    content {
      mode                      = high_availability.value
      standby_availability_zone = high_availability.value == "ZoneRedundant" ? local.standby_zone : var.zones[0]
    }
  }

  maintenance_window {
    day_of_week  = var.maintenance_window.day_of_week
    start_hour   = var.maintenance_window.start_hour
    start_minute = var.maintenance_window.start_minute
  }

  lifecycle {
    # Azure swaps primary and standby zones on failover; do not fight it.
    ignore_changes = [zone, high_availability[0].standby_availability_zone]
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.this]
}

# TLS is required and 1.2 is the floor.
resource "azurerm_postgresql_flexible_server_configuration" "require_secure_transport" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_configuration" "ssl_min_protocol_version" {
  name      = "ssl_min_protocol_version"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "TLSv1.2"
}

resource "azurerm_postgresql_flexible_server_database" "this" {
  for_each = toset(var.databases)

  name      = each.value
  server_id = azurerm_postgresql_flexible_server.this.id
  charset   = "UTF8"
  collation = "en_US.utf8"

  lifecycle {
    prevent_destroy = true
  }
}

resource "azurerm_key_vault_secret" "administrator_password" {
  name             = var.password_secret_name
  key_vault_id     = var.key_vault_id
  value_wo         = ephemeral.random_password.administrator.result
  value_wo_version = var.administrator_password_version
  content_type     = "PostgreSQL administrator password for ${var.name}"
  tags             = var.tags
}
