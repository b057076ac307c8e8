variable "databases" {
  type = map(object({
    password_secret_name = string
    password_version     = optional(number, 1)
    connection_limit     = optional(number, -1)
  }))
  description = "Databases by name, one per application instance; each is owned by a login role of the same name whose password is the key vault secret password_secret_name (bump password_version to rotate it)."
  nullable    = false

  validation {
    condition     = alltrue([for d in keys(var.databases) : can(regex("^[a-z_][a-z0-9_]{0,62}$", d)) && !contains(["postgres", "azure_maintenance", "azure_sys", "azuresu", "template0", "template1"], d)])
    error_message = "Database names must be lowercase letters, digits and underscores (at most 63) and not a name PostgreSQL or Azure reserves."
  }
}

variable "key_vault_id" {
  type        = string
  description = "Key vault that holds each role's password for the pods."
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for the key vault secrets."
  default     = {}
  nullable    = false
}
