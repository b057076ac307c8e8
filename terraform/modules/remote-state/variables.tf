variable "resource_group_name" {
  type        = string
  description = "Resource group created for the storage account."
  nullable    = false

  validation {
    condition     = can(regex("^[-\\w.()]{0,89}[-\\w()]$", var.resource_group_name))
    error_message = "The resource group name must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, and must not end in a period."
  }
}

variable "location" {
  type        = string
  description = "Azure region of the resource group and the storage account."
  nullable    = false
}

variable "storage_account_name" {
  type        = string
  description = "Globally unique storage account name."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.storage_account_name))
    error_message = "The storage account name must be 3-24 lowercase letters and digits."
  }
}

variable "container_name" {
  type        = string
  description = "Private blob container for the state files (or backups)."
  default     = "tfstate"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$", var.container_name))
    error_message = "The container name must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit."
  }
}

variable "replication_type" {
  type        = string
  description = "Storage replication: GZRS for production (zone- and geo-redundant), ZRS or LRS elsewhere."
  default     = "ZRS"
  nullable    = false

  validation {
    condition     = contains(["LRS", "ZRS", "GRS", "GZRS", "RAGRS", "RAGZRS"], var.replication_type)
    error_message = "The replication type must be one of LRS, ZRS, GRS, GZRS, RAGRS or RAGZRS."
  }
}

variable "soft_delete_retention_days" {
  type        = number
  description = "Days deleted blobs and containers can be restored."
  default     = 30
  nullable    = false

  validation {
    condition     = var.soft_delete_retention_days >= 7 && var.soft_delete_retention_days <= 365
    error_message = "The soft delete retention must be between 7 and 365 days: shorter gives no time to notice a deletion."
  }
}

variable "allowed_ip_ranges" {
  type        = list(string)
  description = "Public IPv4 ranges (operators, CI) allowed through the storage firewall; everything else is denied."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.allowed_ip_ranges : can(cidrhost(r, 0)) || can(regex("^\\d+\\.\\d+\\.\\d+\\.\\d+$", r))])
    error_message = "Each allowed IP range must be an IPv4 address or CIDR such as 203.0.113.0/24."
  }
}

variable "allowed_subnet_ids" {
  type        = list(string)
  description = "Subnets (with the Microsoft.Storage service endpoint) allowed through the storage firewall."
  default     = []
  nullable    = false
}

variable "blob_data_contributors" {
  type        = map(string)
  description = "Principals granted Storage Blob Data Contributor on the account (the principals that run Terraform, for state; Velero, for backups), keyed by a stable name known at plan time."
  default     = {}
  nullable    = false
}

variable "blob_data_readers" {
  type = map(object({
    principal_id = string
    blobs        = list(string)
  }))
  description = "Principals granted Storage Blob Data Reader on the listed blobs of the container only (a role assignment condition), keyed by a stable name known at plan time: the deployers of an environment whose dns stack reads this environment's dns state."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for r in values(var.blob_data_readers) : length(r.blobs) > 0 && alltrue([for b in r.blobs : can(regex("^[-\\w./]+$", b))])])
    error_message = "Each blob data reader needs at least one blob path of letters, digits, hyphens, underscores, periods and slashes, such as numbers-test/dns.tfstate."
  }
}

variable "log_analytics_workspace" {
  type = object({
    name                = string
    resource_group_name = string
  })
  description = "Log Analytics workspace (in this subscription) that receives the blob service's read, write and delete logs, or null for none; until it exists no setting is made."
  default     = null
}

variable "lock_enabled" {
  type        = bool
  description = "Put a CanNotDelete lock on the storage account so state or backups cannot be deleted by accident."
  default     = true
  nullable    = false
}

variable "immutability_days" {
  type        = number
  description = "Keep every previous blob version for this many days (version-level WORM, set at account creation: changing it replaces the account), then delete it; null for none."
  default     = null

  validation {
    condition     = var.immutability_days == null || try(var.immutability_days >= 1 && var.immutability_days <= 146000, false)
    error_message = "The immutability period must be between 1 and 146000 days."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
