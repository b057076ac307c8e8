variable "name" {
  type        = string
  description = "Name of the cluster the identities belong to: part of each custom role's name, which must be unique in the tenant."
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([-\\w]{0,61}[a-zA-Z0-9])?$", var.name))
    error_message = "The cluster name must be 1-63 letters, digits, underscores and hyphens, starting and ending with a letter or digit."
  }
}

variable "zone_id" {
  type        = string
  description = "Resource ID of the DNS zone."
  nullable    = false

  validation {
    condition     = can(regex("/providers/Microsoft.Network/dnsZones/[^/]+$", var.zone_id))
    error_message = "The zone ID must be the resource ID of an Azure DNS zone (…/providers/Microsoft.Network/dnsZones/<name>)."
  }
}

variable "resource_group_id" {
  type        = string
  description = "Resource ID of the zone's resource group."
  nullable    = false

  validation {
    condition     = can(regex("^/subscriptions/[^/]+/resourceGroups/[^/]+$", var.resource_group_id))
    error_message = "The resource group ID must look like /subscriptions/<id>/resourceGroups/<name>."
  }
}

variable "role_assignments" {
  type = map(object({
    identity = string
    role     = string
    scope    = string
    actions  = optional(list(string))
  }))
  description = "Roles to grant, by a key known at plan time (<identity>/<scope>/<role>): the identity (a key of principal_ids), a built-in role or, with actions, a custom role of that name made for this environment, and the scope, dns-zone or dns-resource-group."
  nullable    = false

  validation {
    condition     = alltrue([for a in values(var.role_assignments) : contains(["dns-zone", "dns-resource-group"], a.scope)])
    error_message = "Each role assignment's scope must be dns-zone (the zone) or dns-resource-group (its resource group)."
  }
}

variable "principal_ids" {
  type        = map(string)
  description = "Principal (object) IDs of the identities by key; may be unknown until apply."
  nullable    = false
}
