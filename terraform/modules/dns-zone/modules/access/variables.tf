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

variable "external_dns_principal_id" {
  type        = string
  description = "Principal (object) ID of the external-dns identity: DNS Zone Contributor on the zone, Reader on its resource group."
  nullable    = false
}

variable "cert_manager_principal_id" {
  type        = string
  description = "Principal ID of the cert-manager identity, granted DNS Zone Contributor when DNS-01 is used; null otherwise."
  default     = null
}
