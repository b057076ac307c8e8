variable "resource_group_name" {
  type        = string
  description = "Resource group created for the zone (or holding the existing zone); external-dns gets Reader on it and nothing more."
  nullable    = false

  validation {
    condition     = can(regex("^[-\\w.()]{0,89}[-\\w()]$", var.resource_group_name))
    error_message = "The resource group name must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, and must not end in a period."
  }
}

variable "location" {
  type        = string
  description = "Azure region of the resource group (the zone itself is global)."
  nullable    = false
}

variable "zone_name" {
  type        = string
  description = "Public DNS zone, such as retro.example.com."
  nullable    = false

  validation {
    condition     = can(regex("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z][-a-z0-9]{0,61}[a-z0-9]$", var.zone_name))
    error_message = "The zone name must be a lowercase DNS name without a trailing dot, such as retro.example.com."
  }
}

variable "existing" {
  type        = bool
  description = "The zone exists and is managed elsewhere (through the azurerm.zone provider, possibly another subscription): it is looked up, never created, locked, delegated or deleted."
  default     = false
  nullable    = false
}

variable "parent_zone" {
  type = object({
    name                = string
    resource_group_name = string
    owner               = optional(string)
  })
  description = "Parent zone in Azure DNS that delegates to this zone with an NS record (through the azurerm.parent provider), or null. owner names who creates the parent (another environment's dns stack), for the message when it does not exist yet."
  default     = null

  validation {
    condition     = var.parent_zone == null || endswith(var.zone_name, ".${try(var.parent_zone.name, "")}")
    error_message = "The parent zone must enclose the zone: retro.example.com can be delegated from example.com only."
  }

  validation {
    condition     = var.parent_zone == null || !var.existing
    error_message = "An existing zone is delegated by whoever manages it: give no parent zone with existing."
  }
}

variable "child_delegations" {
  type = map(object({
    name = string
    state = object({
      resource_group_name  = string
      storage_account_name = string
      container_name       = string
      key                  = string
    })
  }))
  description = "Child zones of other environments this zone delegates, by environment: the NS record name (relative to this zone) and where the child's dns stack keeps its state (azurerm backend, Entra ID), whose name_servers output becomes the record. Keys and names must be known at plan time."
  default     = {}
  nullable    = false

  validation {
    condition     = length(var.child_delegations) == 0 || !var.existing
    error_message = "Delegations are written only into a zone this module creates: an existing zone's managers delegate its children."
  }

  validation {
    condition     = alltrue([for c in values(var.child_delegations) : can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", c.name)) && !endswith(c.name, ".${var.zone_name}")])
    error_message = "Each child delegation's name must be relative to the zone, such as test for test.retro.example.com."
  }
}

variable "delegation_ttl" {
  type        = number
  description = "TTL in seconds of the NS delegation record."
  default     = 3600
  nullable    = false

  validation {
    condition     = var.delegation_ttl >= 300 && var.delegation_ttl <= 172800
    error_message = "The delegation TTL must be between 300 seconds and 2 days."
  }
}

variable "lock_enabled" {
  type        = bool
  description = "Put a CanNotDelete lock on the zone's SOA record set: the zone cannot be deleted while records stay editable (a lock on the zone itself would stop external-dns and cert-manager from deleting records)."
  default     = false
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
