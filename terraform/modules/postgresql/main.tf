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

# One administrator password, kept in the key vault: a fresh value is written there when
# administrator_password_version changes, and the server always receives what the vault holds,
# read back ephemerally. A failed apply and a rerun can therefore never leave the two different.
# Neither value is in the state or any output (write-only arguments, ephemeral resources).
ephemeral "random_password" "administrator" {
  length  = 40
  special = false
}

resource "azurerm_key_vault_secret" "administrator_password" {
  name             = var.password_secret_name
  key_vault_id     = var.key_vault_id
  value_wo         = ephemeral.random_password.administrator.result
  value_wo_version = var.administrator_password_version
  content_type     = "PostgreSQL administrator password for ${var.name} (break-glass; no pod reads it)"
  tags             = var.tags
}

ephemeral "azurerm_key_vault_secret" "administrator_password" {
  name         = azurerm_key_vault_secret.administrator_password.name
  key_vault_id = var.key_vault_id

  depends_on = [azurerm_key_vault_secret.administrator_password]
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
  administrator_password_wo         = ephemeral.azurerm_key_vault_secret.administrator_password.value
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
    # Azure swaps primary and standby zones on failover; do not fight it. With auto_grow_enabled Azure
    # enlarges the disk on its own, and a configured storage_mb below the real size makes the
    # provider replace the server (its CustomizeDiff forces new on a smaller storage_mb): the
    # configured size is where the server starts, and Azure owns it from then on.
    ignore_changes = [zone, high_availability[0].standby_availability_zone, storage_mb, storage_tier]
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.this]
}

# TLS is required and 1.2 is the floor (tls_min_version may raise it to 1.3); these two stay the
# module's, never var.parameters'.
resource "azurerm_postgresql_flexible_server_configuration" "require_secure_transport" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_configuration" "ssl_min_protocol_version" {
  name      = "ssl_min_protocol_version"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = var.tls_min_version
}

# Server parameters of the caller, one configuration each. A static parameter restarts the server
# when it changes (azurerm restarts it, azurerm_postgresql_flexible_server_configuration docs).
resource "azurerm_postgresql_flexible_server_configuration" "parameter" {
  for_each = var.parameters

  name      = each.key
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = each.value

  depends_on = [azurerm_postgresql_flexible_server_configuration.ssl_min_protocol_version]
}

# ---------------------------------------------------------------- read replicas

# Read replicas in the primary's region, subnet and private DNS zone. A replica is created from the
# primary (create_mode Replica with source_server_id; azurerm's flexible server resource requires
# source_server_id then, and an administrator login only in Default mode) and takes no high
# availability: Azure does not offer it on replicas, nor on the Burstable tier that has no replicas
# (Azure docs, concepts-read-replicas, Considerations).
resource "azurerm_postgresql_flexible_server" "replica" {
  for_each = var.replicas

  name                          = each.value.name
  resource_group_name           = azurerm_resource_group.this.name
  location                      = azurerm_resource_group.this.location
  create_mode                   = "Replica"
  source_server_id              = azurerm_postgresql_flexible_server.this.id
  version                       = var.postgresql_version
  sku_name                      = each.value.sku_name
  storage_mb                    = var.storage_mb
  auto_grow_enabled             = true
  zone                          = each.value.zone
  delegated_subnet_id           = var.delegated_subnet_id
  private_dns_zone_id           = azurerm_private_dns_zone.this.id
  public_network_access_enabled = false
  tags                          = var.tags

  lifecycle {
    # A replica's storage follows the primary's, which Azure grows (see the primary's lifecycle).
    ignore_changes = [storage_mb, storage_tier]
  }

  # The primary's parameters first: a replica starts with the primary's configuration.
  depends_on = [azurerm_postgresql_flexible_server_configuration.parameter]
}

locals {
  # Every replica gets the same TLS settings and parameters as the primary: Azure does not carry a
  # change on the primary over to its replicas.
  replica_configurations = merge([
    for key, replica in var.replicas : {
      for name, value in merge(var.parameters, { require_secure_transport = "on", ssl_min_protocol_version = var.tls_min_version }) :
      "${key}/${name}" => { replica = key, name = name, value = value }
    }
  ]...)
}

resource "azurerm_postgresql_flexible_server_configuration" "replica" {
  for_each = local.replica_configurations

  name      = each.value.name
  server_id = azurerm_postgresql_flexible_server.replica[each.value.replica].id
  value     = each.value.value
}

# ---------------------------------------------------------------- diagnostics

# Who connected and what the server logged, into the environment's Log Analytics workspace (issue
# 18.8). The categories of Microsoft.DBforPostgreSQL/flexibleServers (Azure Monitor, supported logs):
# server logs (connections, errors, what the log_* parameters ask for), sessions, transaction
# wraparound and autovacuum statistics. The query store categories need pg_qs, which Slipway leaves off.
resource "azurerm_monitor_diagnostic_setting" "server" {
  for_each = var.log_analytics_workspace_id == null ? toset([]) : toset(concat(["primary"], [for key in keys(var.replicas) : "replica/${key}"]))

  name                       = "slipway-audit"
  target_resource_id         = each.key == "primary" ? azurerm_postgresql_flexible_server.this.id : azurerm_postgresql_flexible_server.replica[trimprefix(each.key, "replica/")].id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  dynamic "enabled_log" {
    for_each = toset(["PostgreSQLLogs", "PostgreSQLFlexSessions", "PostgreSQLFlexDatabaseXacts", "PostgreSQLFlexTableStats"])

    content {
      category = enabled_log.value
    }
  }
}

# The databases moved to postgresql/modules/databases (the databases stack), where each is owned
# by its own login role: forget them here without dropping them.
removed {
  from = azurerm_postgresql_flexible_server_database.this

  lifecycle {
    destroy = false
  }
}

# Entra ID sign-in for people and tools: the group is the server's Entra administrator.
resource "azurerm_postgresql_flexible_server_active_directory_administrator" "this" {
  count = var.entra_administrator == null ? 0 : 1

  server_name         = azurerm_postgresql_flexible_server.this.name
  resource_group_name = azurerm_resource_group.this.name
  tenant_id           = var.tenant_id
  object_id           = var.entra_administrator.object_id
  principal_name      = var.entra_administrator.name
  principal_type      = "Group"
}

resource "azurerm_management_lock" "server" {
  count = var.lock_enabled ? 1 : 0

  name       = "${var.name}-cannot-delete"
  scope      = azurerm_postgresql_flexible_server.this.id
  lock_level = "CanNotDelete"
  notes      = "Holds the application databases; remove this lock deliberately before deleting."
}

ephemeral "random_password" "app" {
  for_each = { for name, s in var.app_secrets : name => s if s.generate }

  length  = 64
  special = false
}

# Application secrets next to the database password. value_wo_version stays at 1: operators rotate
# or replace values in the key vault, and Terraform never overwrites them.
resource "azurerm_key_vault_secret" "app" {
  for_each = var.app_secrets

  name             = each.key
  key_vault_id     = var.key_vault_id
  value_wo         = each.value.generate ? ephemeral.random_password.app[each.key].result : each.value.initial_value
  value_wo_version = 1
  content_type     = each.value.generate ? "generated by Terraform" : "set by operators"
  tags             = var.tags
}
