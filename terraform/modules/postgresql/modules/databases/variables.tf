variable "databases" {
  type = map(object({
    password_secret_name = string
    password_version     = optional(number, 1)
    connection_limit     = optional(number, -1)
    encoding             = optional(string, "UTF8")
    lc_collate           = optional(string, "en_US.utf8")
    lc_ctype             = optional(string, "en_US.utf8")
  }))
  description = "Databases by name, one per application instance or extra database; each is owned by a login role of the same name whose password is the key vault secret password_secret_name (bump password_version to rotate it), with the role's connection limit (-1: none) and the database's character set and locales, fixed when it is created."
  nullable    = false

  validation {
    condition     = alltrue([for d in keys(var.databases) : can(regex("^[a-z_][a-z0-9_]{0,62}$", d)) && !contains(["postgres", "azure_maintenance", "azure_sys", "azuresu", "template0", "template1"], d)])
    error_message = "Database names must be lowercase letters, digits and underscores (at most 63) and not a name PostgreSQL or Azure reserves."
  }

  validation {
    condition     = alltrue([for d in values(var.databases) : (d.encoding == "UTF8" || (contains(["C", "POSIX"], d.lc_collate) && contains(["C", "POSIX"], d.lc_ctype))) && (d.connection_limit == -1 || d.connection_limit >= 1)])
    error_message = "A database with an encoding other than UTF8 needs the C or POSIX locale (PostgreSQL accepts no other locale for it), and a connection limit is -1 or at least 1."
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
