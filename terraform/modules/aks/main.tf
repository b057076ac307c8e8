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

# With aks.network.mode pod-subnet, pods take VNet addresses from this subnet (Azure CNI with
# dynamic IP allocation): delegated to AKS (AKS configure-azure-cni-dynamic-ip-allocation), with the
# node subnet's service endpoints, since pods reach the key vault and backups from these addresses.
resource "azurerm_subnet" "pods" {
  count = var.network.pod_subnet_prefix == null ? 0 : 1

  name                 = var.network.pod_subnet_name
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [var.network.pod_subnet_prefix]
  service_endpoints    = ["Microsoft.KeyVault", "Microsoft.Storage"]

  delegation {
    name = "aks-pods"

    service_delegation {
      name    = "Microsoft.ContainerService/managedClusters"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
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

resource "azurerm_role_assignment" "control_plane_pods" {
  count = var.network.pod_subnet_prefix == null ? 0 : 1

  scope                = azurerm_subnet.pods[0].id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.control_plane.principal_id
  principal_type       = "ServicePrincipal"
}

# A static ingress IP outside the node resource group: the cloud provider, acting as the control
# plane identity, must read and join it (AKS static-ip: "Network Contributor" on the IP's resource
# group); the ingress Service names it (azure-pip-name, azure-load-balancer-resource-group).
resource "azurerm_role_assignment" "control_plane_ingress_ip" {
  count = var.ingress_public_ip_resource_group == null ? 0 : 1

  scope                = "/subscriptions/${split("/", azurerm_resource_group.this.id)[2]}/resourceGroups/${var.ingress_public_ip_resource_group}"
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

# Entra ID replicates new role assignments within minutes. AKS checks the control plane's Managed
# Identity Operator on the kubelet identity when it creates the cluster and fails with
# CustomKubeletIdentityMissingPermissionError while the assignment has not arrived (AKS
# managed-identity-overview; Azure Service Operator retries that code for this reason). The
# triggers carry the assignment IDs, so a replaced assignment waits again.
resource "time_sleep" "role_propagation" {
  create_duration = "60s"
  triggers = {
    network          = azurerm_role_assignment.control_plane_network.id
    pods             = join(",", azurerm_role_assignment.control_plane_pods[*].id)
    kubelet_operator = azurerm_role_assignment.control_plane_kubelet_operator.id
  }
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
  name                = var.name
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  dns_prefix          = var.dns_prefix
  # With stable or rapid, AKS moves minor versions on its own: a version here would turn every
  # upgrade into a planned downgrade, which AKS rejects. patch keeps the minor ("1.35") Terraform's,
  # and a minor alias matches whatever patch AKS applied (azurerm kubernetes_cluster docs).
  kubernetes_version        = contains(["stable", "rapid"], var.upgrade_channel) ? null : var.kubernetes_version
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
    zones                        = var.system_node_pool.zones == null ? var.zones : var.system_node_pool.zones
    auto_scaling_enabled         = true
    min_count                    = var.system_node_pool.min_count
    max_count                    = var.system_node_pool.max_count
    only_critical_addons_enabled = var.system_node_pool.only_critical_addons
    node_labels                  = var.system_node_pool.labels
    os_sku                       = var.system_node_pool.os_sku
    os_disk_type                 = var.system_node_pool.os_disk_type
    os_disk_size_gb              = var.system_node_pool.os_disk_size_gb
    max_pods                     = var.system_node_pool.max_pods
    vnet_subnet_id               = azurerm_subnet.aks.id
    pod_subnet_id                = one(azurerm_subnet.pods[*].id)
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

  # The cluster autoscaler's choices for every autoscaled pool (azurerm auto_scaler_profile; the
  # defaults passed are AKS's own: random, no balancing, 10m, 10m, 0.5).
  auto_scaler_profile {
    expander                         = var.autoscaler.expander
    balance_similar_node_groups      = var.autoscaler.balance_similar_node_groups
    scale_down_delay_after_add       = var.autoscaler.scale_down_delay_after_add
    scale_down_unneeded              = var.autoscaler.scale_down_unneeded
    scale_down_utilization_threshold = tostring(var.autoscaler.scale_down_utilization_threshold)
  }

  network_profile {
    network_plugin      = var.network.plugin
    network_plugin_mode = var.network.plugin_mode
    network_policy      = var.network.policy
    network_data_plane  = var.network.data_plane
    pod_cidr            = var.network.pod_subnet_prefix == null ? var.network.pod_cidr : null
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

  # Defender for Containers' sensor, reporting into the workspace (azurerm microsoft_defender).
  dynamic "microsoft_defender" {
    for_each = var.defender_enabled && var.log_analytics.enabled ? [1] : []

    content {
      log_analytics_workspace_id = azurerm_log_analytics_workspace.this[0].id
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

  depends_on = [time_sleep.role_propagation]
}

# ---------------------------------------------------------------- monitoring

# Container Insights with managed-identity auth collects nothing until a data collection rule is
# associated with the cluster (Microsoft's onboarding sample, microsoft/Docker-Provider
# scripts/onboarding/aks/onboarding-msi-terraform).
resource "azurerm_monitor_data_collection_rule" "container_insights" {
  count = var.log_analytics.enabled ? 1 : 0

  name                = "MSCI-${var.location}-${var.name}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  kind                = "Linux"
  description         = "Container Insights for ${var.name}."
  tags                = var.tags

  destinations {
    log_analytics {
      name                  = "ciworkspace"
      workspace_resource_id = azurerm_log_analytics_workspace.this[0].id
    }
  }

  data_flow {
    streams      = local.container_insights_streams
    destinations = ["ciworkspace"]
  }

  data_sources {
    extension {
      name           = "ContainerInsightsExtension"
      extension_name = "ContainerInsights"
      streams        = local.container_insights_streams
      extension_json = jsonencode({ dataCollectionSettings = local.container_insights_settings })
    }
  }
}

locals {
  # What Container Insights sends, as the streams of its data collection rule (Microsoft's
  # onboarding sample, microsoft/Docker-Provider scripts/onboarding/aks/onboarding-msi-terraform:
  # the Group-Default stream or the tables one by one; Azure's "Logs and Events" cost preset keeps
  # ContainerLogV2, KubeEvents and KubePodInventory, container-insights-cost-config).
  container_insights_all = [
    "Microsoft-ContainerInventory", "Microsoft-ContainerLogV2", "Microsoft-ContainerNodeInventory", "Microsoft-InsightsMetrics", "Microsoft-KubeEvents",
    "Microsoft-KubeMonAgentEvents", "Microsoft-KubeNodeInventory", "Microsoft-KubePodInventory", "Microsoft-KubePVInventory", "Microsoft-KubeServices", "Microsoft-Perf",
  ]
  container_insights_tables = var.log_analytics.tables == "all" ? local.container_insights_all : ["Microsoft-ContainerLogV2", "Microsoft-KubeEvents", "Microsoft-KubePodInventory"]
  container_insights_streams = (
    var.log_analytics.tables == "all" && var.log_analytics.container_logs
    ? ["Microsoft-ContainerInsights-Group-Default"]
    : [for s in local.container_insights_tables : s if var.log_analytics.container_logs || s != "Microsoft-ContainerLogV2"]
  )
  # The extension's dataCollectionSettings (container-insights-data-collection-configure): interval
  # of inventory and performance data, namespace filter (Off, Include, Exclude), ContainerLogV2.
  container_insights_settings = merge(
    {
      interval               = var.log_analytics.interval
      enableContainerLogV2   = true
      namespaceFilteringMode = var.log_analytics.namespaces == null ? "Off" : title(var.log_analytics.namespaces.mode)
    },
    { for k, v in { namespaces = try(var.log_analytics.namespaces.list, null) } : k => v if v != null },
  )
}

resource "azurerm_monitor_data_collection_rule_association" "container_insights" {
  count = var.log_analytics.enabled ? 1 : 0

  name                    = "ContainerInsightsExtension"
  target_resource_id      = azurerm_kubernetes_cluster.this.id
  data_collection_rule_id = azurerm_monitor_data_collection_rule.container_insights[0].id
  description             = "Container Insights for this cluster: deleting it stops collection."
}

# Who did what to the cluster and its secrets: the control plane's audit of changes (kube-audit-admin
# leaves out get and list, AKS monitor-aks guidance), the API server, Entra ID sign-ins (guard) and
# every Key Vault operation, into resource-specific tables.
resource "azurerm_monitor_diagnostic_setting" "cluster" {
  count = var.log_analytics.enabled ? 1 : 0

  name                           = "slipway-audit"
  target_resource_id             = azurerm_kubernetes_cluster.this.id
  log_analytics_workspace_id     = azurerm_log_analytics_workspace.this[0].id
  log_analytics_destination_type = "Dedicated"

  dynamic "enabled_log" {
    for_each = toset(["kube-audit-admin", "kube-apiserver", "guard"])

    content {
      category = enabled_log.value
    }
  }
}

resource "azurerm_monitor_diagnostic_setting" "key_vault" {
  count = var.log_analytics.enabled ? 1 : 0

  name                       = "slipway-audit"
  target_resource_id         = azurerm_key_vault.this.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this[0].id

  enabled_log {
    category_group = "audit"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each = var.user_node_pools

  name                        = each.key
  temporary_name_for_rotation = "${substr(each.key, 0, 8)}tmp"
  kubernetes_cluster_id       = azurerm_kubernetes_cluster.this.id
  mode                        = "User"
  vm_size                     = each.value.vm_size
  zones                       = each.value.zones == null ? var.zones : each.value.zones
  auto_scaling_enabled        = true
  min_count                   = each.value.min_count
  max_count                   = each.value.max_count
  node_labels                 = each.value.labels
  node_taints                 = each.value.taints
  os_sku                      = each.value.os_sku
  os_disk_type                = each.value.os_disk_type
  os_disk_size_gb             = each.value.os_disk_size_gb
  max_pods                    = each.value.max_pods
  vnet_subnet_id              = azurerm_subnet.aks.id
  pod_subnet_id               = one(azurerm_subnet.pods[*].id)
  # Spot VMs (kubernetes_cluster_node_pool_resource.go: priority Regular|Spot, eviction_policy
  # Delete|Deallocate and spot_max_price, -1 by default, only with Spot; all force a new pool).
  priority        = each.value.spot == null ? "Regular" : "Spot"
  eviction_policy = each.value.spot == null ? null : each.value.spot.eviction_policy
  spot_max_price  = each.value.spot == null ? null : each.value.spot.max_price
  tags            = var.tags

  # "There are no surge nodes available for Spot node pool upgrades" (AKS spot-node-pool, "Upgrade a
  # Spot node pool"): only regular pools surge, by 33%.
  dynamic "upgrade_settings" {
    for_each = each.value.spot == null ? [1] : []

    content {
      max_surge = "33%"
    }
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

# One federated credential per service account the identity trusts. user_assigned_identity_id
# replaces parent_id and resource_group_name, deprecated in azurerm 4.x.
resource "azurerm_federated_identity_credential" "workload" {
  for_each = merge([
    for key, w in var.workload_identities : { for account in w.service_accounts : (length(w.service_accounts) == 1 ? key : "${key}-${account}") => { identity = key, namespace = w.namespace, account = account } }
  ]...)

  name                      = each.key
  user_assigned_identity_id = azurerm_user_assigned_identity.workload[each.value.identity].id
  issuer                    = azurerm_kubernetes_cluster.this.oidc_issuer_url
  subject                   = "system:serviceaccount:${each.value.namespace}:${each.value.account}"
  audience                  = ["api://AzureADTokenExchange"]
}

locals {
  # Scopes a release may name for its identity's roles (catalog), resolved to resource IDs here.
  workload_role_scopes = merge(
    { "node-resource-group" = azurerm_kubernetes_cluster.this.node_resource_group_id },
    var.backup == null ? {} : { "backup-storage" = module.backup_storage[0].storage_account_id },
  )
}

# A role a release names with its actions is a custom role of this cluster (role names are unique
# per tenant, so the cluster name is part of it), assignable only where it is granted.
resource "azurerm_role_definition" "workload" {
  for_each = { for key, a in var.workload_role_assignments : key => a if a.actions != null }

  name              = "${each.value.role} (${var.name})"
  scope             = local.workload_role_scopes[each.value.scope]
  description       = "Granted by Slipway to the ${each.value.identity} workload identity of ${var.name}."
  assignable_scopes = [local.workload_role_scopes[each.value.scope]]

  permissions {
    actions = each.value.actions
  }
}

resource "azurerm_role_assignment" "workload" {
  for_each = var.workload_role_assignments

  scope                = local.workload_role_scopes[each.value.scope]
  role_definition_name = each.value.actions == null ? each.value.role : null
  role_definition_id   = each.value.actions == null ? null : azurerm_role_definition.workload[each.key].role_definition_resource_id
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
    virtual_network_subnet_ids = concat([azurerm_subnet.aks.id], azurerm_subnet.pods[*].id)
  }
}

# The Key Vault secrets provider add-on's own identity (on every node) reads nothing: each reader of
# secrets has an identity of its own, granted secret by secret by the gitops stack.

# The principals that run Terraform write the secrets (postgresql stack); granted once each.
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  for_each = var.deployer_object_ids

  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = each.value
}

# ---------------------------------------------------------------- Velero: backups outside the cluster

# In the subscription the azurerm.backup provider names: the environment's own, or another one that
# the cluster's deployers cannot reach, so an insider in one cannot erase both.
module "backup_storage" {
  source    = "../remote-state"
  count     = var.backup == null ? 0 : 1
  providers = { azurerm = azurerm.backup }

  resource_group_name        = var.backup.resource_group_name
  location                   = var.location
  storage_account_name       = var.backup.storage_account_name
  container_name             = var.backup.container_name
  replication_type           = var.backup.replication_type
  allowed_ip_ranges          = var.terraform_runner_ranges
  allowed_subnet_ids         = concat([azurerm_subnet.aks.id], azurerm_subnet.pods[*].id)
  soft_delete_retention_days = 30
  immutability_days          = var.backup.immutability_days
  tags                       = var.tags
}

# Who read, wrote and deleted backups: the blob service's audit logs (StorageWrite, StorageDelete)
# into the workspace, as for the cluster and the key vault. Created through the backup account's
# provider (the setting is a child of the blob service); the workspace may be in another subscription
# of the tenant (Azure Monitor diagnostic-settings: "the destination ... can be in any subscription").
resource "azurerm_monitor_diagnostic_setting" "backup_storage" {
  count    = var.backup != null && var.log_analytics.enabled ? 1 : 0
  provider = azurerm.backup

  name                           = "slipway-audit"
  target_resource_id             = "${module.backup_storage[0].storage_account_id}/blobServices/default"
  log_analytics_workspace_id     = azurerm_log_analytics_workspace.this[0].id
  log_analytics_destination_type = "Dedicated"

  enabled_log {
    category_group = "audit"
  }
}

# ---------------------------------------------------------------- Flux

# The extension only: its Flux configuration is the gitops stack's (modules/flux-configuration),
# applied once everything the first sync needs exists. It depends on the user pools so that on
# destroy it goes first: its cleanup job cannot schedule on the tainted system pool alone, and the
# destroy would hang.
resource "azurerm_kubernetes_cluster_extension" "flux" {
  name              = "flux"
  cluster_id        = azurerm_kubernetes_cluster.this.id
  extension_type    = "microsoft.flux"
  release_train     = "Stable"
  release_namespace = "flux-system"

  depends_on = [azurerm_kubernetes_cluster_node_pool.user]
}

locals {
  # How an operator creates the credentials Secret of a private repository (Flux GitRepository
  # secret keys: username/password for HTTPS, identity/known_hosts for SSH), with local accounts
  # off through Entra ID (kubelogin). The token is read from the terminal, never from a file in git.
  git_credentials_command = var.git_credentials == null ? null : join(" && ", [
    "az aks get-credentials --resource-group ${azurerm_resource_group.this.name} --name ${azurerm_kubernetes_cluster.this.name}",
    "kubelogin convert-kubeconfig -l azurecli",
    startswith(var.git_credentials.repository_url, "https://")
    ? "kubectl create secret generic ${var.git_credentials.secret_name} --namespace flux-system --from-literal=username=git --from-file=password=/dev/stdin"
    : "kubectl create secret generic ${var.git_credentials.secret_name} --namespace flux-system --from-file=identity=./deploy-key --from-file=known_hosts=./known_hosts",
  ])
}

# ---------------------------------------------------------------- container registries (services' private images)

# Registries the apps pull from, through the kubelet identity: AcrPull on each, so no pull secret
# exists in the cluster or in git. A registry without an id is created here (admin user and
# anonymous pull off: only Entra ID principals with a role pull or push); with an id it exists
# elsewhere and only the role is assigned (the principal running Terraform needs the right to
# assign roles on it).
resource "azurerm_container_registry" "apps" {
  for_each = { for name, r in var.container_registries : name => r if r.id == null }

  name                   = each.key
  resource_group_name    = azurerm_resource_group.this.name
  location               = azurerm_resource_group.this.location
  sku                    = each.value.sku
  admin_enabled          = false
  anonymous_pull_enabled = false
  tags                   = var.tags
}

resource "azurerm_role_assignment" "kubelet_acr_pull" {
  for_each = var.container_registries

  scope                = each.value.id == null ? azurerm_container_registry.apps[each.key].id : each.value.id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_user_assigned_identity.kubelet.principal_id
  principal_type       = "ServicePrincipal"
}
