resource "azurerm_resource_group" "this" {
  name     = var.resource_group_name
  location = var.location
  tags     = var.tags
}

# ---------------------------------------------------------------- network

resource "azurerm_virtual_network" "this" {
  name                = var.network.vnet_name
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  address_space       = [var.network.address_space]
  tags                = var.tags
}

resource "azurerm_subnet" "aks" {
  name                 = var.network.aks_subnet_name
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [var.network.aks_subnet_prefix]
  # Key vault and backup storage admit the cluster through service endpoints, not the internet.
  service_endpoints = ["Microsoft.KeyVault", "Microsoft.Storage"]
}

resource "azurerm_subnet" "postgresql" {
  name                 = var.network.postgresql_subnet_name
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [var.network.postgresql_subnet_prefix]

  delegation {
    name = "postgresql-flexible-server"

    service_delegation {
      name    = "Microsoft.DBforPostgreSQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

# ---------------------------------------------------------------- cluster identities

resource "azurerm_user_assigned_identity" "control_plane" {
  name                = var.identity_names.control_plane
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = var.tags
}

resource "azurerm_user_assigned_identity" "kubelet" {
  name                = var.identity_names.kubelet
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = var.tags
}

resource "azurerm_role_assignment" "control_plane_network" {
  scope                = azurerm_subnet.aks.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.control_plane.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "control_plane_kubelet_operator" {
  scope                = azurerm_user_assigned_identity.kubelet.id
  role_definition_name = "Managed Identity Operator"
  principal_id         = azurerm_user_assigned_identity.control_plane.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_log_analytics_workspace" "this" {
  count = var.log_analytics.enabled ? 1 : 0

  name                = var.log_analytics.workspace_name
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_analytics.retention_days
  tags                = var.tags
}

# ---------------------------------------------------------------- cluster

resource "azurerm_kubernetes_cluster" "this" {
  name                      = var.name
  resource_group_name       = azurerm_resource_group.this.name
  location                  = azurerm_resource_group.this.location
  dns_prefix                = var.dns_prefix
  kubernetes_version        = var.kubernetes_version
  sku_tier                  = var.sku_tier
  node_resource_group       = var.node_resource_group_name
  automatic_upgrade_channel = var.upgrade_channel == "none" ? null : var.upgrade_channel
  node_os_upgrade_channel   = "NodeImage"
  tags                      = var.tags

  # Secure by default: Entra ID + Azure RBAC only, workload identity, no run command.
  local_account_disabled            = true
  role_based_access_control_enabled = true
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true
  azure_policy_enabled              = true
  run_command_enabled               = false
  image_cleaner_enabled             = true
  image_cleaner_interval_hours      = 48

  default_node_pool {
    name                         = "system"
    temporary_name_for_rotation  = "systemtmp"
    vm_size                      = var.system_node_pool.vm_size
    zones                        = var.zones
    auto_scaling_enabled         = true
    min_count                    = var.system_node_pool.min_count
    max_count                    = var.system_node_pool.max_count
    only_critical_addons_enabled = var.system_node_pool.only_critical_addons
    node_labels                  = var.system_node_pool.labels
    os_sku                       = "AzureLinux"
    vnet_subnet_id               = azurerm_subnet.aks.id
    tags                         = var.tags

    upgrade_settings {
      max_surge = "33%"
    }
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.control_plane.id]
  }

  kubelet_identity {
    client_id                 = azurerm_user_assigned_identity.kubelet.client_id
    object_id                 = azurerm_user_assigned_identity.kubelet.principal_id
    user_assigned_identity_id = azurerm_user_assigned_identity.kubelet.id
  }

  network_profile {
    network_plugin      = var.network.plugin
    network_plugin_mode = var.network.plugin_mode
    network_policy      = var.network.policy
    network_data_plane  = var.network.data_plane
    pod_cidr            = var.network.pod_cidr
    service_cidr        = var.network.service_cidr
    dns_service_ip      = var.network.dns_service_ip
    load_balancer_sku   = "standard"
    outbound_type       = "loadBalancer"
  }

  azure_active_directory_role_based_access_control {
    tenant_id              = var.tenant_id
    admin_group_object_ids = var.admin_group_object_ids
    azure_rbac_enabled     = true
  }

  api_server_access_profile {
    authorized_ip_ranges = var.api_server_authorized_ip_ranges
  }

  key_vault_secrets_provider {
    secret_rotation_enabled  = true
    secret_rotation_interval = "2m"
  }

  dynamic "oms_agent" {
    for_each = var.log_analytics.enabled ? [1] : []

    content {
      log_analytics_workspace_id      = azurerm_log_analytics_workspace.this[0].id
      msi_auth_for_monitoring_enabled = true
    }
  }

  maintenance_window_auto_upgrade {
    frequency   = "Weekly"
    interval    = 1
    day_of_week = var.maintenance_window.day_of_week
    start_time  = var.maintenance_window.start_time
    duration    = var.maintenance_window.duration_hours
    utc_offset  = var.maintenance_window.utc_offset
  }

  maintenance_window_node_os {
    frequency   = "Weekly"
    interval    = 1
    day_of_week = var.maintenance_window.day_of_week
    start_time  = var.maintenance_window.start_time
    duration    = var.maintenance_window.duration_hours
    utc_offset  = var.maintenance_window.utc_offset
  }

  lifecycle {
    # The autoscaler owns node counts.
    ignore_changes = [default_node_pool[0].node_count]
  }

  depends_on = [
    azurerm_role_assignment.control_plane_network,
    azurerm_role_assignment.control_plane_kubelet_operator,
  ]
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each = var.user_node_pools

  name                        = each.key
  temporary_name_for_rotation = "${substr(each.key, 0, 8)}tmp"
  kubernetes_cluster_id       = azurerm_kubernetes_cluster.this.id
  mode                        = "User"
  vm_size                     = each.value.vm_size
  zones                       = var.zones
  auto_scaling_enabled        = true
  min_count                   = each.value.min_count
  max_count                   = each.value.max_count
  node_labels                 = each.value.labels
  node_taints                 = each.value.taints
  os_sku                      = "AzureLinux"
  vnet_subnet_id              = azurerm_subnet.aks.id
  tags                        = var.tags

  upgrade_settings {
    max_surge = "33%"
  }

  lifecycle {
    ignore_changes = [node_count]
  }
}

# ---------------------------------------------------------------- add-on workload identities

resource "azurerm_user_assigned_identity" "workload" {
  for_each = var.workload_identities

  name                = each.value.name
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = var.tags
}

# user_assigned_identity_id replaces parent_id and resource_group_name, deprecated in azurerm 4.x.
resource "azurerm_federated_identity_credential" "workload" {
  for_each = var.workload_identities

  name                      = each.key
  user_assigned_identity_id = azurerm_user_assigned_identity.workload[each.key].id
  issuer                    = azurerm_kubernetes_cluster.this.oidc_issuer_url
  subject                   = "system:serviceaccount:${each.value.namespace}:${each.value.service_account}"
  audience                  = ["api://AzureADTokenExchange"]
}

locals {
  # Scopes a release may name for its identity's roles (catalog), resolved to resource IDs here.
  workload_role_scopes = merge(
    { "node-resource-group" = azurerm_kubernetes_cluster.this.node_resource_group_id },
    var.backup == null ? {} : { "backup-storage" = module.backup_storage[0].storage_account_id },
  )
}

resource "azurerm_role_assignment" "workload" {
  for_each = var.workload_role_assignments

  scope                = local.workload_role_scopes[each.value.scope]
  role_definition_name = each.value.role
  principal_id         = azurerm_user_assigned_identity.workload[each.value.identity].principal_id
  principal_type       = "ServicePrincipal"
}

# With local accounts off, fetching a kubeconfig (az aks get-credentials) takes this role; what a
# group may do inside the cluster is the RoleBindings' business.
resource "azurerm_role_assignment" "cluster_user" {
  for_each = var.cluster_user_group_ids

  scope                = azurerm_kubernetes_cluster.this.id
  role_definition_name = "Azure Kubernetes Service Cluster User Role"
  principal_id         = each.value
  principal_type       = "Group"
}

# ---------------------------------------------------------------- key vault for app secrets

resource "azurerm_key_vault" "this" {
  name                          = var.key_vault_name
  resource_group_name           = azurerm_resource_group.this.name
  location                      = azurerm_resource_group.this.location
  tenant_id                     = var.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = true
  tags                          = var.tags

  network_acls {
    default_action             = "Deny"
    bypass                     = "AzureServices"
    ip_rules                   = var.terraform_runner_ranges
    virtual_network_subnet_ids = [azurerm_subnet.aks.id]
  }
}

# The Key Vault secrets provider add-on reads secrets for pods; Terraform writes them (postgresql stack).
resource "azurerm_role_assignment" "secrets_provider_reader" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_kubernetes_cluster.this.key_vault_secrets_provider[0].secret_identity[0].object_id
  principal_type       = "ServicePrincipal"
}

# The principals that run Terraform write the secrets (postgresql stack); granted once each.
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  for_each = var.deployer_object_ids

  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = each.value
}

# ---------------------------------------------------------------- Velero: backups outside the cluster

module "backup_storage" {
  source = "../remote-state"
  count  = var.backup == null ? 0 : 1

  resource_group_name        = var.backup.resource_group_name
  location                   = var.location
  storage_account_name       = var.backup.storage_account_name
  container_name             = var.backup.container_name
  replication_type           = var.backup.replication_type
  allowed_ip_ranges          = var.terraform_runner_ranges
  allowed_subnet_ids         = [azurerm_subnet.aks.id]
  soft_delete_retention_days = 30
  tags                       = var.tags
}

# ---------------------------------------------------------------- Flux

resource "azurerm_kubernetes_cluster_extension" "flux" {
  name              = "flux"
  cluster_id        = azurerm_kubernetes_cluster.this.id
  extension_type    = "microsoft.flux"
  release_train     = "Stable"
  release_namespace = "flux-system"
}

locals {
  # Values known only after apply reach the manifests as Flux post-build substitutions.
  flux_substitute = merge(
    var.flux.substitute,
    { for key, variable in var.flux.client_id_variables : variable => azurerm_user_assigned_identity.workload[key].client_id },
    { (var.flux.secrets_provider_client_id_variable) = azurerm_kubernetes_cluster.this.key_vault_secrets_provider[0].secret_identity[0].client_id },
  )
}

resource "azurerm_kubernetes_flux_configuration" "this" {
  name       = "slipway"
  cluster_id = azurerm_kubernetes_cluster.this.id
  namespace  = "flux-system"
  scope      = "cluster"

  git_repository {
    url                      = var.flux.repository_url
    reference_type           = "branch"
    reference_value          = var.flux.branch
    sync_interval_in_seconds = var.flux.sync_interval_seconds
    timeout_in_seconds       = 600
    local_auth_reference     = var.flux.auth_secret_name
  }

  kustomizations {
    name                       = "slipway"
    path                       = var.flux.path
    garbage_collection_enabled = true
    sync_interval_in_seconds   = var.flux.sync_interval_seconds
    retry_interval_in_seconds  = 120
    timeout_in_seconds         = 600
    wait                       = true

    post_build {
      substitute = local.flux_substitute
    }
  }

  depends_on = [azurerm_kubernetes_cluster_extension.flux]
}
