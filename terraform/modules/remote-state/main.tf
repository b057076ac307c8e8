resource "azurerm_resource_group" "this" {
  name     = var.resource_group_name
  location = var.location
  tags     = var.tags
}

# Hardened for Terraform state and backups: Entra ID only (no shared keys), TLS 1.2, no public
# blobs, infrastructure encryption, versioning and soft delete, firewall closed by default.
resource "azurerm_storage_account" "this" {
  name                              = var.storage_account_name
  resource_group_name               = azurerm_resource_group.this.name
  location                          = azurerm_resource_group.this.location
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = var.replication_type
  access_tier                       = "Hot"
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  infrastructure_encryption_enabled = true
  cross_tenant_replication_enabled  = false
  local_user_enabled                = false
  sftp_enabled                      = false
  tags                              = var.tags

  blob_properties {
    versioning_enabled  = true
    change_feed_enabled = true

    delete_retention_policy {
      days = var.soft_delete_retention_days
    }

    container_delete_retention_policy {
      days = var.soft_delete_retention_days
    }
  }

  # Version-level WORM (Azure "immutable storage for blob versions"): every overwrite or delete
  # keeps the previous version for the period, which Velero tolerates (its docs: container-level
  # immutability breaks it, version-level does not). Only at account creation; an Owner can still
  # remove an Unlocked policy, so lock it by hand once satisfied (Terraform then leaves the state).
  dynamic "immutability_policy" {
    for_each = var.immutability_days == null ? [] : [var.immutability_days]

    content {
      allow_protected_append_writes = false
      state                         = "Unlocked"
      period_since_creation_in_days = immutability_policy.value
    }
  }

  network_rules {
    default_action             = "Deny"
    bypass                     = ["AzureServices"]
    ip_rules                   = [for r in var.allowed_ip_ranges : trimsuffix(r, "/32")]
    virtual_network_subnet_ids = var.allowed_subnet_ids
  }

  lifecycle {
    ignore_changes = [immutability_policy[0].state]
  }
}

# Without it, every version the immutability period protected stays forever once it may go.
resource "azurerm_storage_management_policy" "versions" {
  count = var.immutability_days == null ? 0 : 1

  storage_account_id = azurerm_storage_account.this.id

  rule {
    name    = "expire-previous-versions"
    enabled = true

    filters {
      blob_types = ["blockBlob"]
    }

    actions {
      version {
        delete_after_days_since_creation = var.immutability_days + 1
      }
    }
  }
}

resource "azurerm_storage_container" "this" {
  name                  = var.container_name
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_role_assignment" "blob_data_contributor" {
  for_each = var.blob_data_contributors

  scope                = azurerm_storage_account.this.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = each.value
}

# Read-only access to named blobs of the container for principals of other environments (a parent
# zone's dns stack reads a child's name servers from the child's dns state): Storage Blob Data
# Reader with a condition that lets them read only those blobs (Azure ABAC, storage-auth-abac-examples,
# blob path attribute; listing stays allowed, it shows names only). The other stacks' state, which
# may hold secrets (Terraform docs, terraform_remote_state: whoever reads outputs can read the whole
# snapshot), stays out of reach.
resource "azurerm_role_assignment" "blob_data_reader" {
  for_each = var.blob_data_readers

  scope                = azurerm_storage_account.this.id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = each.value.principal_id
  description          = "Granted by Slipway: read ${join(", ", each.value.blobs)} in ${var.container_name} only."
  condition_version    = "2.0"
  condition            = <<-CONDITION
    (
      (
        !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})
      )
      OR
      (
        @Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals '${var.container_name}'
        AND
        (${join(" OR ", [for b in each.value.blobs : "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringEquals '${b}'"])})
      )
    )
  CONDITION
}

# Who read, wrote or deleted state: the blob service's logs into the environment's Log Analytics
# workspace (Azure Monitor, storage "StorageRead", "StorageWrite", "StorageDelete" categories), as
# the aks module does for the cluster and key vault. The workspace is created later, by the aks
# stack: it is looked up (an empty list, not an error, while it does not exist; a data source with
# constant arguments is read during plan, Terraform docs "Data Resource Behavior"), and the setting
# follows on the next apply of this stack once it does.
data "azurerm_resources" "log_analytics_workspace" {
  count = var.log_analytics_workspace == null ? 0 : 1

  type                = "Microsoft.OperationalInsights/workspaces"
  name                = var.log_analytics_workspace.name
  resource_group_name = var.log_analytics_workspace.resource_group_name
}

resource "azurerm_monitor_diagnostic_setting" "blob" {
  count = var.log_analytics_workspace == null ? 0 : length(data.azurerm_resources.log_analytics_workspace[0].resources)

  name                       = "slipway-audit"
  target_resource_id         = "${azurerm_storage_account.this.id}/blobServices/default"
  log_analytics_workspace_id = data.azurerm_resources.log_analytics_workspace[0].resources[0].id

  dynamic "enabled_log" {
    for_each = toset(["StorageRead", "StorageWrite", "StorageDelete"])

    content {
      category = enabled_log.value
    }
  }
}

resource "azurerm_management_lock" "this" {
  count = var.lock_enabled ? 1 : 0

  name       = "${var.storage_account_name}-cannot-delete"
  scope      = azurerm_storage_account.this.id
  lock_level = "CanNotDelete"
  notes      = "Holds Terraform state or backups; remove this lock deliberately before deleting."
}
