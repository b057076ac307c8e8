variable "name" {
  type        = string
  description = "AKS cluster name."
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([-\\w]{0,61}[a-zA-Z0-9])?$", var.name))
    error_message = "The cluster name must be 1-63 letters, digits, underscores and hyphens, starting and ending with a letter or digit."
  }
}

variable "resource_group_name" {
  type        = string
  description = "Resource group created for the network, cluster, identities and key vault."
  nullable    = false

  validation {
    condition     = can(regex("^[-\\w.()]{0,89}[-\\w()]$", var.resource_group_name))
    error_message = "The resource group name must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, and must not end in a period."
  }
}

variable "location" {
  type        = string
  description = "Azure region (one with availability zones)."
  nullable    = false
}

variable "tenant_id" {
  type        = string
  description = "Microsoft Entra tenant of the cluster admins, the key vault and the workload identities."
  nullable    = false

  validation {
    condition     = can(regex("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", var.tenant_id))
    error_message = "The tenant ID must be a lowercase GUID."
  }
}

variable "dns_prefix" {
  type        = string
  description = "DNS prefix of the API server FQDN."
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([-a-zA-Z0-9]{0,52}[a-zA-Z0-9])?$", var.dns_prefix))
    error_message = "The DNS prefix must be 1-54 letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes version: exact (1.35.2) with upgrade channel none or node-image, the minor (1.35) with patch; with stable or rapid AKS owns the version (a new cluster starts at its default and follows the channel) and this is not passed."
  nullable    = false

  validation {
    condition     = can(regex("^1\\.\\d{2}(\\.\\d+)?$", var.kubernetes_version))
    error_message = "The Kubernetes version must look like 1.33 or 1.33.2."
  }

  validation {
    condition     = !contains(["patch", "stable", "rapid"], var.upgrade_channel) || can(regex("^1\\.\\d{2}$", var.kubernetes_version))
    error_message = "With an upgrade channel that moves patches, give the minor version only (such as 1.35): a pinned patch would be downgraded on the next plan."
  }
}

variable "sku_tier" {
  type        = string
  description = "AKS tier: Standard (uptime SLA) for production, Free elsewhere, Premium for long-term support."
  default     = "Standard"
  nullable    = false

  validation {
    condition     = contains(["Free", "Standard", "Premium"], var.sku_tier)
    error_message = "The SKU tier must be Free, Standard or Premium."
  }
}

variable "node_resource_group_name" {
  type        = string
  description = "Name of the resource group AKS creates for nodes and disks (Velero snapshots them there)."
  nullable    = false
}

variable "zones" {
  type        = list(string)
  description = "Availability zones for every node pool."
  nullable    = false

  validation {
    condition     = length(var.zones) > 0 && alltrue([for z in var.zones : contains(["1", "2", "3"], z)]) && length(distinct(var.zones)) == length(var.zones)
    error_message = "The zones must be a non-empty list of distinct values among \"1\", \"2\" and \"3\"."
  }
}

variable "network" {
  type = object({
    vnet_name                = string
    address_space            = string
    aks_subnet_name          = string
    aks_subnet_prefix        = string
    postgresql_subnet_name   = string
    postgresql_subnet_prefix = string
    plugin                   = string
    plugin_mode              = optional(string)
    policy                   = string
    data_plane               = string
    pod_cidr                 = string
    service_cidr             = string
    dns_service_ip           = string
    pod_subnet_name          = optional(string)
    pod_subnet_prefix        = optional(string)
  })
  description = "Virtual network, subnets and cluster networking (Azure CNI overlay with a network policy by default; with pod_subnet_prefix, Azure CNI with a delegated pod subnet instead of the overlay pod_cidr)."
  nullable    = false

  validation {
    condition     = alltrue([for c in [var.network.address_space, var.network.aks_subnet_prefix, var.network.postgresql_subnet_prefix, var.network.pod_cidr, var.network.service_cidr] : can(cidrhost(c, 0))])
    error_message = "Every network range must be an IPv4 CIDR such as 10.40.0.0/16."
  }

  validation {
    condition     = contains(["azure", "kubenet"], var.network.plugin) && contains(["azure", "calico", "cilium"], var.network.policy)
    error_message = "The network plugin must be azure or kubenet, and the policy azure, calico or cilium: a network policy engine is always on."
  }

  validation {
    condition     = var.network.pod_subnet_prefix == null || (var.network.plugin == "azure" && var.network.plugin_mode == null && var.network.pod_subnet_name != null && can(cidrhost(coalesce(var.network.pod_subnet_prefix, "0.0.0.0/0"), 0)))
    error_message = "A pod subnet needs the azure plugin without overlay mode, a name and an IPv4 prefix."
  }

  validation {
    condition     = var.network.policy != "cilium" || var.network.data_plane == "cilium"
    error_message = "The cilium network policy needs the cilium data plane."
  }
}

variable "system_node_pool" {
  type = object({
    vm_size              = string
    min_count            = number
    max_count            = number
    labels               = optional(map(string), {})
    only_critical_addons = optional(bool, true)
    zones                = optional(list(string))
    os_sku               = optional(string, "AzureLinux")
    os_disk_type         = optional(string, "Managed")
    os_disk_size_gb      = optional(number)
    max_pods             = optional(number)
  })
  description = "The system pool (autoscaled); by default it runs only critical add-ons."
  nullable    = false

  validation {
    condition     = var.system_node_pool.min_count >= 1 && var.system_node_pool.min_count <= var.system_node_pool.max_count
    error_message = "The system pool needs min_count of at least 1 and no more than max_count."
  }

  validation {
    condition     = contains(["AzureLinux", "Ubuntu"], var.system_node_pool.os_sku) && contains(["Managed", "Ephemeral"], var.system_node_pool.os_disk_type)
    error_message = "The system pool's os_sku must be AzureLinux or Ubuntu and its os_disk_type Managed or Ephemeral."
  }
}

variable "user_node_pools" {
  type = map(object({
    vm_size         = string
    min_count       = number
    max_count       = number
    labels          = optional(map(string), {})
    taints          = optional(list(string), [])
    zones           = optional(list(string))
    os_sku          = optional(string, "AzureLinux")
    os_disk_type    = optional(string, "Managed")
    os_disk_size_gb = optional(number)
    max_pods        = optional(number)
    spot = optional(object({
      eviction_policy = optional(string, "Delete")
      max_price       = optional(number, -1)
    }))
  }))
  description = "User node pools by name (lowercase letters and digits, at most 12 characters), each autoscaled; zones default to var.zones; with spot, on spot VMs (list the taint AKS adds, kubernetes.azure.com/scalesetpriority=spot:NoSchedule, in taints, or every plan removes it)."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, p in var.user_node_pools : can(regex("^[a-z][a-z0-9]{0,11}$", k)) && p.min_count >= 0 && p.min_count <= p.max_count])
    error_message = "User pool names must be 1-12 lowercase letters and digits starting with a letter, with 0 <= min_count <= max_count."
  }

  validation {
    condition     = alltrue([for p in values(var.user_node_pools) : contains(["AzureLinux", "Ubuntu"], p.os_sku) && contains(["Managed", "Ephemeral"], p.os_disk_type)])
    error_message = "Each user pool's os_sku must be AzureLinux or Ubuntu and its os_disk_type Managed or Ephemeral."
  }

  validation {
    condition     = alltrue([for p in values(var.user_node_pools) : p.spot == null || (contains(["Delete", "Deallocate"], try(p.spot.eviction_policy, "")) && (try(p.spot.max_price, 0) == -1 || try(p.spot.max_price, 0) > 0))])
    error_message = "A spot pool's eviction_policy must be Delete or Deallocate and its max_price -1 or above 0."
  }
}

variable "api_server_authorized_ip_ranges" {
  type        = list(string)
  description = "CIDRs allowed to reach the API server; also allowed through the key vault and backup storage firewalls."
  nullable    = false

  validation {
    condition     = length(var.api_server_authorized_ip_ranges) > 0 && alltrue([for r in var.api_server_authorized_ip_ranges : can(cidrhost(r, 0)) && r != "0.0.0.0/0"])
    error_message = "List at least one authorized IPv4 CIDR; 0.0.0.0/0 would open the API server to the internet."
  }
}

variable "admin_group_object_ids" {
  type        = list(string)
  description = "Entra ID groups that are cluster admins through Azure RBAC."
  nullable    = false

  validation {
    condition     = length(var.admin_group_object_ids) > 0
    error_message = "List at least one admin group: local accounts are disabled, so nobody else could administer the cluster."
  }
}

variable "log_analytics" {
  type = object({
    enabled        = bool
    workspace_name = string
    retention_days = optional(number, 30)
    container_logs = optional(bool, true)
    tables         = optional(string, "all")
    namespaces = optional(object({
      mode = string
      list = list(string)
    }))
    interval = optional(string, "1m")
  })
  description = "Container insights in a Log Analytics workspace: container_logs (the ContainerLogV2 table), tables (all, or logs-and-events: ContainerLogV2, KubeEvents and KubePodInventory), a namespace filter (mode include or exclude) and the interval of inventory and performance data."
  nullable    = false

  validation {
    condition     = var.log_analytics.retention_days >= 30 && var.log_analytics.retention_days <= 730
    error_message = "The Log Analytics retention must be between 30 and 730 days."
  }

  validation {
    condition     = contains(["all", "logs-and-events"], var.log_analytics.tables) && can(regex("^([1-9]|[12]\\d|30)m$", var.log_analytics.interval))
    error_message = "The tables must be all or logs-and-events, and the interval whole minutes from 1m to 30m."
  }

  validation {
    condition     = var.log_analytics.namespaces == null || (contains(["include", "exclude"], try(var.log_analytics.namespaces.mode, "")) && length(try(var.log_analytics.namespaces.list, [])) > 0)
    error_message = "A namespace filter needs mode include or exclude and at least one namespace."
  }
}

variable "upgrade_channel" {
  type        = string
  description = "Automatic upgrade channel, or none."
  default     = "stable"
  nullable    = false

  validation {
    condition     = contains(["none", "patch", "stable", "rapid", "node-image"], var.upgrade_channel)
    error_message = "The upgrade channel must be none, patch, stable, rapid or node-image."
  }
}

variable "maintenance_window" {
  type = object({
    day_of_week    = string
    start_time     = string
    duration_hours = number
    utc_offset     = string
  })
  description = "Weekly window for cluster and node image upgrades."
  nullable    = false

  validation {
    condition     = can(regex("^([01]\\d|2[0-3]):[0-5]\\d$", var.maintenance_window.start_time)) && var.maintenance_window.duration_hours >= 4 && var.maintenance_window.duration_hours <= 24
    error_message = "The maintenance window needs a start time as HH:mm and a duration of 4 to 24 hours."
  }
}

variable "identity_names" {
  type = object({
    control_plane = string
    kubelet       = string
  })
  description = "Names of the user-assigned identities of the control plane and the kubelet."
  nullable    = false
}

variable "workload_identities" {
  type = map(object({
    name             = string
    namespace        = string
    service_accounts = list(string)
  }))
  description = "Workload identities by key (the enabled releases' add-ons and the readers of Key Vault secrets): a user-assigned identity with a federated credential for each of its service accounts in its namespace."
  nullable    = false

  validation {
    condition     = alltrue([for w in values(var.workload_identities) : length(w.service_accounts) > 0 && length(w.service_accounts) <= 20])
    error_message = "Each workload identity needs between 1 and 20 service accounts (Azure allows 20 federated credentials per identity)."
  }
}

variable "workload_role_assignments" {
  type = map(object({
    identity = string
    role     = string
    scope    = string
    actions  = optional(list(string))
  }))
  description = "Roles of the add-on identities by a key known at plan time (<identity>/<scope>/<role>): the identity (a key of workload_identities), a built-in role or, with actions, a custom role of that name made for this cluster, and a scope of this module: node-resource-group or backup-storage."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for a in values(var.workload_role_assignments) : contains(["node-resource-group", "backup-storage"], a.scope)])
    error_message = "Each workload role assignment's scope must be node-resource-group or backup-storage."
  }
}

variable "terraform_runner_ranges" {
  type        = list(string)
  description = "Public IPv4 ranges Terraform runs from: the key vault and backup storage firewalls admit them (azurerm reads their data planes while creating them)."
  nullable    = false

  validation {
    condition     = length(var.terraform_runner_ranges) > 0 && alltrue([for r in var.terraform_runner_ranges : can(cidrhost(r, 0))])
    error_message = "List at least one IPv4 CIDR Terraform runs from, such as 198.51.100.16/28."
  }
}

variable "deployer_object_ids" {
  type        = set(string)
  description = "Object IDs of the principals that run Terraform: Key Vault Secrets Officer on the key vault, so the postgresql stack can write the secrets."
  nullable    = false
}

variable "cluster_user_group_ids" {
  type        = set(string)
  description = "Entra ID groups that may fetch a kubeconfig (Azure Kubernetes Service Cluster User Role); their rights inside the cluster come from RoleBindings."
  default     = []
  nullable    = false
}

variable "key_vault_name" {
  type        = string
  description = "Key vault for application secrets (RBAC, purge protection, firewall)."
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z](?:[a-zA-Z0-9]|-[a-zA-Z0-9]){2,23}$", var.key_vault_name))
    error_message = "The key vault name must be 3-24 letters, digits and single hyphens, starting with a letter."
  }
}

variable "backup" {
  type = object({
    resource_group_name  = string
    storage_account_name = string
    container_name       = string
    replication_type     = string
    immutability_days    = optional(number)
  })
  description = "Storage for Velero backups, outside the cluster (in the subscription of the azurerm.backup provider), with previous blob versions kept immutable for immutability_days; null when Velero is off (nothing of it is created)."
  default     = null
}

variable "git_credentials" {
  type = object({
    secret_name    = string
    repository_url = string
  })
  description = "For a private repository: the Secret in flux-system Flux reads its credentials from, and the repository URL (its scheme decides HTTPS or SSH keys); the output git_credentials_command creates it."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}

# ---------------------------------------------------------------- container registries (services' private images)

variable "container_registries" {
  type = map(object({
    id  = optional(string)
    sku = optional(string)
  }))
  description = "Azure Container Registries the apps pull from, by name: the kubelet identity gets AcrPull on each. Without id the registry is created here with sku (admin user and anonymous pull off); with id it is an existing registry and only the role is assigned."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name in keys(var.container_registries) : can(regex("^[a-z0-9]{5,50}$", name))])
    error_message = "Each container registry name must be 5-50 lowercase letters and digits (the login server is <name>.azurecr.io)."
  }

  validation {
    condition     = alltrue([for r in values(var.container_registries) : (r.id == null) == (r.sku != null)])
    error_message = "Each container registry takes either sku (created here) or id (an existing registry), not both and not neither."
  }

  validation {
    condition     = alltrue([for r in values(var.container_registries) : r.sku == null || contains(["Basic", "Standard", "Premium"], coalesce(r.sku, "Basic"))])
    error_message = "A created container registry's sku must be Basic, Standard or Premium."
  }

  validation {
    condition     = alltrue([for name, r in var.container_registries : r.id == null || can(regex("(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/Microsoft\\.ContainerRegistry/registries/${name}$", coalesce(r.id, "-")))])
    error_message = "An existing container registry's id must be the resource ID of the registry of that name (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>)."
  }
}

# ---------------------------------------------------------------- autoscaling, security, ingress address

variable "autoscaler" {
  type = object({
    expander                         = optional(string, "random")
    balance_similar_node_groups      = optional(bool, false)
    scale_down_delay_after_add       = optional(string, "10m")
    scale_down_unneeded              = optional(string, "10m")
    scale_down_utilization_threshold = optional(number, 0.5)
  })
  description = "Cluster autoscaler profile for every autoscaled pool; the defaults are AKS's."
  default     = {}
  nullable    = false

  validation {
    condition     = contains(["random", "least-waste", "most-pods"], var.autoscaler.expander) && alltrue([for d in [var.autoscaler.scale_down_delay_after_add, var.autoscaler.scale_down_unneeded] : can(regex("^[1-9]\\d{0,2}m$", d))]) && var.autoscaler.scale_down_utilization_threshold > 0 && var.autoscaler.scale_down_utilization_threshold <= 1
    error_message = "The expander must be random, least-waste or most-pods, the scale-down delays whole minutes such as 10m, and the utilization threshold above 0 and at most 1."
  }
}

variable "defender_enabled" {
  type        = bool
  description = "Microsoft Defender for Containers on the cluster, reporting into the Log Analytics workspace (needs log_analytics.enabled)."
  default     = false
  nullable    = false

  validation {
    condition     = !var.defender_enabled || var.log_analytics.enabled
    error_message = "Defender for Containers reports into the Log Analytics workspace: turn log_analytics on, or defender_enabled off."
  }
}

variable "ingress_public_ip_resource_group" {
  type        = string
  description = "Resource group (in this subscription, outside the node resource group) of a static public IP the ingress load balancer uses: the control plane identity gets Network Contributor on it. Null when the IP is Azure's or in the node resource group."
  default     = null
}
