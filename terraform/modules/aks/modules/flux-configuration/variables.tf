variable "cluster_id" {
  type        = string
  description = "Resource ID of the AKS cluster that runs the microsoft.flux extension."
  nullable    = false
}

variable "git" {
  type = object({
    repository_url        = string
    branch                = string
    path                  = string
    sync_interval_seconds = number
  })
  description = "What Flux syncs: the repository, its branch, the folder of this environment and how often."
  nullable    = false

  validation {
    condition     = var.git.sync_interval_seconds >= 60
    error_message = "Flux reconciles at most once a minute: the sync interval must be at least 60 seconds."
  }
}

variable "credentials" {
  type = object({
    secret_name = string
    created     = bool
  })
  description = "For a private repository: the Secret in flux-system with its credentials, and whether an operator has created it."
  default     = null
}

variable "credentials_command" {
  type        = string
  description = "The command that creates the credentials Secret (the aks stack's output git_credentials_command), named when it is missing."
  default     = null
}

variable "timeout_seconds" {
  type        = number
  description = "How long the top-level Kustomization waits for the layers it applies: at least their timeouts added up."
  nullable    = false

  validation {
    condition     = var.timeout_seconds >= 600
    error_message = "The top-level Kustomization needs at least 600 seconds to apply and wait for the layers."
  }
}

variable "substitute" {
  type        = map(string)
  description = "Post-build substitution variables whose values are known before apply."
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.substitute) : can(regex("^[_A-Za-z][_A-Za-z0-9]*$", k))])
    error_message = "Flux substitution variable names must be letters, digits and underscores, not starting with a digit."
  }
}

variable "client_id_variables" {
  type        = map(string)
  description = "The substitution variable that carries each workload identity's client ID, by identity key."
  nullable    = false
}

variable "client_ids" {
  type        = map(string)
  description = "Client IDs of the workload identities by key (the aks stack's output)."
  nullable    = false
}

variable "required_secret_names" {
  type        = set(string)
  description = "Key vault secrets the cluster's SecretProviderClasses read."
  nullable    = false
}

variable "postgresql_secret_names" {
  type        = set(string)
  description = "Key vault secrets the postgresql stack has written (its output secret_names)."
  nullable    = false
}

variable "database_secret_names" {
  type        = set(string)
  description = "Key vault secrets the databases stack has written (its output secret_names)."
  nullable    = false
}

variable "secret_readers" {
  type        = map(list(string))
  description = "Key vault secrets each reader identity (a key of principal_ids) may read: Key Vault Secrets User on each, before Flux starts."
  default     = {}
  nullable    = false
}

variable "principal_ids" {
  type        = map(string)
  description = "Principal (object) IDs of the workload identities by key (the aks stack's output)."
  default     = {}
  nullable    = false
}

variable "key_vault_id" {
  type        = string
  description = "Resource ID of the key vault the readers read from (the aks stack's output)."
  nullable    = false
}
