variable "name" {
  type        = string
  description = "Server name; the server is reached at <name>.postgres.database.azure.com through private DNS."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$", var.name))
    error_message = "The server name must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "resource_group_name" {
  type        = string
  description = "Resource group created for the server and its private DNS zone."
  nullable    = false

  validation {
    condition     = can(regex("^[-\\w.()]{0,89}[-\\w()]$", var.resource_group_name))
    error_message = "The resource group name must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, and must not end in a period."
  }
}

variable "location" {
  type        = string
  description = "Azure region."
  nullable    = false
}

variable "tenant_id" {
  type        = string
  description = "Microsoft Entra tenant for Entra ID authentication on the server."
  nullable    = false
}

variable "postgresql_version" {
  type        = string
  description = "PostgreSQL major version."
  default     = "16"
  nullable    = false

  validation {
    condition     = contains(["13", "14", "15", "16", "17"], var.postgresql_version)
    error_message = "The PostgreSQL version must be one of 13, 14, 15, 16 or 17."
  }
}

variable "sku_name" {
  type        = string
  description = "Flexible server SKU, such as GP_Standard_D2ds_v5."
  nullable    = false

  validation {
    condition     = can(regex("^(B|GP|MO)_Standard_\\w+$", var.sku_name))
    error_message = "The SKU must be a flexible server SKU such as B_Standard_B1ms or GP_Standard_D2ds_v5."
  }
}

variable "storage_mb" {
  type        = number
  description = "Storage size in MB the server starts with. Auto-grow is on, so Azure enlarges it when needed and Terraform ignores the difference from then on (a smaller configured size would otherwise replace the server); resize by hand in Azure to grow ahead of time."
  default     = 32768
  nullable    = false

  validation {
    condition     = contains([32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408], var.storage_mb)
    error_message = "The storage size must be one of the sizes Azure offers, from 32768 to 33553408 MB."
  }
}

variable "high_availability" {
  type        = string
  description = "ZoneRedundant (standby in another zone), SameZone or Disabled."
  default     = "ZoneRedundant"
  nullable    = false

  validation {
    condition     = contains(["ZoneRedundant", "SameZone", "Disabled"], var.high_availability)
    error_message = "High availability must be ZoneRedundant, SameZone or Disabled."
  }

  validation {
    condition     = var.high_availability == "Disabled" || !startswith(var.sku_name, "B_")
    error_message = "High availability needs a General Purpose or Memory Optimized SKU; Burstable SKUs have none."
  }
}

variable "zones" {
  type        = list(string)
  description = "Zones the cluster uses: the primary goes in the first, a zone-redundant standby in the second."
  nullable    = false

  validation {
    condition     = length(var.zones) > 0
    error_message = "List at least one zone."
  }
}

variable "backup_retention_days" {
  type        = number
  description = "Point-in-time restore window in days."
  default     = 7
  nullable    = false

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "The backup retention must be between 7 and 35 days."
  }
}

variable "geo_redundant_backup" {
  type        = bool
  description = "Keep backups in the paired region as well (cannot change after creation)."
  default     = false
  nullable    = false
}

variable "maintenance_window" {
  type = object({
    day_of_week  = number
    start_hour   = number
    start_minute = number
  })
  description = "Weekly maintenance window; day_of_week 0 is Sunday."
  nullable    = false

  validation {
    condition     = var.maintenance_window.day_of_week >= 0 && var.maintenance_window.day_of_week <= 6 && var.maintenance_window.start_hour >= 0 && var.maintenance_window.start_hour <= 23 && var.maintenance_window.start_minute >= 0 && var.maintenance_window.start_minute <= 59
    error_message = "The maintenance window needs day_of_week 0-6 (0 is Sunday), start_hour 0-23 and start_minute 0-59."
  }
}

variable "delegated_subnet_id" {
  type        = string
  description = "Subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers (nothing else may run in it)."
  nullable    = false
}

variable "virtual_network_id" {
  type        = string
  description = "Virtual network linked to the private DNS zone, so pods resolve the server."
  nullable    = false
}

variable "private_dns_zone_name" {
  type        = string
  description = "Private DNS zone for the server; must end in .postgres.database.azure.com."
  nullable    = false

  validation {
    condition     = endswith(var.private_dns_zone_name, ".postgres.database.azure.com")
    error_message = "The private DNS zone name must end in .postgres.database.azure.com."
  }
}

variable "administrator_login" {
  type        = string
  description = "Administrator login name (not secret; the password is generated)."
  default     = "slipwayadmin"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.administrator_login)) && !contains(["azure_superuser", "admin", "administrator", "root", "guest", "public"], var.administrator_login)
    error_message = "The administrator login must be a lowercase identifier that Azure does not reserve (admin, root, ...)."
  }
}

variable "administrator_password_version" {
  type        = number
  description = "Bump to rotate the generated administrator password (written to the server and the key vault, never to state)."
  default     = 1
  nullable    = false
}

variable "key_vault_id" {
  type        = string
  description = "Key vault that holds the administrator password (break-glass: no pod reads it) and the application secrets."
  nullable    = false
}

variable "password_secret_name" {
  type        = string
  description = "Key vault secret name for the administrator password."
  default     = "postgresql-administrator-password"
  nullable    = false
}

variable "app_secrets" {
  type = map(object({
    generate      = bool
    initial_value = optional(string)
  }))
  description = "Further key vault secrets the pods read, by name: generated (a random 64-character value) or written once with initial_value for operators to replace. Values go in write-only, never into state."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name, s in var.app_secrets : can(regex("^[a-zA-Z0-9-]{1,127}$", name)) && (s.generate || s.initial_value != null)])
    error_message = "Secret names must be 1-127 letters, digits and hyphens, and a secret that is not generated needs an initial_value."
  }
}

variable "entra_administrator" {
  type = object({
    object_id = string
    name      = string
  })
  description = "Entra ID group that administers the server through Entra ID sign-in (its object ID and display name), or null."
  default     = null

  validation {
    condition     = var.entra_administrator == null || can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", try(var.entra_administrator.object_id, "")))
    error_message = "The Entra administrator's object ID must be a GUID."
  }
}

variable "lock_enabled" {
  type        = bool
  description = "Put a CanNotDelete lock on the server, so neither it nor its databases can be deleted by accident."
  default     = false
  nullable    = false
}

variable "parameters" {
  type        = map(string)
  description = "Server parameters by name (azurerm_postgresql_flexible_server_configuration), on the primary and every replica. require_secure_transport and ssl_min_protocol_version are the module's (see tls_min_version)."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name in keys(var.parameters) : can(regex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$", name)) && !contains(["require_secure_transport", "ssl_min_protocol_version"], name)])
    error_message = "Parameter names must be lowercase server parameter names, and require_secure_transport and ssl_min_protocol_version are set by the module."
  }
}

variable "tls_min_version" {
  type        = string
  description = "Lowest TLS version the server accepts (ssl_min_protocol_version): TLSv1.2 or TLSv1.3."
  default     = "TLSv1.2"
  nullable    = false

  validation {
    condition     = contains(["TLSv1.2", "TLSv1.3"], var.tls_min_version)
    error_message = "The minimum TLS version must be TLSv1.2 or TLSv1.3."
  }
}

variable "replicas" {
  type = map(object({
    name     = string
    sku_name = string
    zone     = string
  }))
  description = "Read replicas by key: server name, SKU (General Purpose or Memory Optimized) and zone. They share the primary's subnet, private DNS zone, version, storage and parameters."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for r in values(var.replicas) : can(regex("^[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$", r.name)) && can(regex("^(GP|MO)_Standard_\\w+$", r.sku_name)) && contains(["1", "2", "3"], r.zone)])
    error_message = "Replica names must be 3-63 lowercase letters, digits and hyphens, SKUs General Purpose or Memory Optimized (Burstable has no replicas), and zones 1, 2 or 3."
  }

  validation {
    condition     = length(var.replicas) == 0 || !startswith(var.sku_name, "B_")
    error_message = "Read replicas need a General Purpose or Memory Optimized primary; Burstable servers have none."
  }
}

variable "log_analytics_workspace_id" {
  type        = string
  description = "Log Analytics workspace for the servers' diagnostic settings (server logs, sessions), or null for none."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
