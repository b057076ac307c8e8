# One database per application instance (and per extra database of the environment), each owned by
# its own login role, so an instance can reach only its own data and the administrator's password
# never reaches a pod. Each role's
# password is generated once into the key vault (the pods read it from there) and set on the role
# from what the vault holds, read back ephemerally: neither is in the state.
#
# The postgresql provider connects to the server's private address: run this stack from a machine
# in (or peered with) the cluster's virtual network.

ephemeral "random_password" "role" {
  for_each = var.databases

  length  = 40
  special = false
}

resource "azurerm_key_vault_secret" "role" {
  for_each = var.databases

  name             = each.value.password_secret_name
  key_vault_id     = var.key_vault_id
  value_wo         = ephemeral.random_password.role[each.key].result
  value_wo_version = each.value.password_version
  content_type     = "Password of the PostgreSQL role ${each.key}"
  tags             = var.tags
}

ephemeral "azurerm_key_vault_secret" "role" {
  for_each = var.databases

  name         = azurerm_key_vault_secret.role[each.key].name
  key_vault_id = var.key_vault_id

  depends_on = [azurerm_key_vault_secret.role]
}

resource "postgresql_role" "this" {
  for_each = var.databases

  name                = each.key
  login               = true
  password_wo         = ephemeral.azurerm_key_vault_secret.role[each.key].value
  password_wo_version = each.value.password_version
  connection_limit    = each.value.connection_limit
}

# encoding, lc_collate and lc_ctype are fixed at CREATE DATABASE (cyrilgdn/postgresql
# postgresql_database: changing them forces a new database, which prevent_destroy refuses).
resource "postgresql_database" "this" {
  for_each = var.databases

  name              = each.key
  owner             = postgresql_role.this[each.key].name
  encoding          = each.value.encoding
  lc_collate        = each.value.lc_collate
  lc_ctype          = each.value.lc_ctype
  template          = "template0"
  allow_connections = true

  lifecycle {
    prevent_destroy = true
  }
}

# PostgreSQL grants CONNECT on every new database to PUBLIC: take it back, so only the owner (and
# the administrator) can connect, never another instance's role.
resource "postgresql_grant" "revoke_public_connect" {
  for_each = var.databases

  database    = postgresql_database.this[each.key].name
  role        = "public"
  object_type = "database"
  privileges  = []
}
