# The Flux configuration of a cluster, applied by its own stack after everything its first sync
# needs on the Azure side: the cluster, the Flux extension, the identities with their federated
# credentials and role assignments (aks stack), and the Key Vault secrets the SecretProviderClasses
# read (postgresql and databases stacks). Started any earlier, helm-controller exhausts its retries on releases
# whose identities or secrets do not exist yet.

locals {
  # Values known only after the aks stack's apply reach the manifests as post-build substitutions.
  substitute = merge(
    var.substitute,
    { for key, variable in var.client_id_variables : variable => var.client_ids[key] },
  )
  missing_secrets = sort(tolist(setsubtract(var.required_secret_names, setunion(var.postgresql_secret_names, var.database_secret_names))))
}

# Each reader of Key Vault secrets (a SecretProviderClass in workload identity mode) may read
# exactly its secrets: Key Vault Secrets User scoped to each secret, which can only be granted once
# the secret exists, so here, right before Flux starts the pods that mount them. Entra ID takes a
# while to propagate a new assignment; the first mount would fail with 403 without the wait.
resource "azurerm_role_assignment" "secret_reader" {
  for_each = merge([for key, secrets in var.secret_readers : { for secret in secrets : "${key}/${secret}" => { identity = key, secret = secret } }]...)

  scope                = "${var.key_vault_id}/secrets/${each.value.secret}"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = var.principal_ids[each.value.identity]
  principal_type       = "ServicePrincipal"
}

resource "time_sleep" "secret_reader_propagation" {
  create_duration = "60s"
  triggers        = { for key, assignment in azurerm_role_assignment.secret_reader : key => assignment.id }
}

resource "azurerm_kubernetes_flux_configuration" "this" {
  name       = "slipway"
  cluster_id = var.cluster_id
  namespace  = "flux-system"
  scope      = "cluster"

  git_repository {
    url                      = var.git.repository_url
    reference_type           = "branch"
    reference_value          = var.git.branch
    sync_interval_in_seconds = var.git.sync_interval_seconds
    timeout_in_seconds       = 600
    local_auth_reference     = var.credentials == null ? null : var.credentials.secret_name
  }

  kustomizations {
    name                       = "slipway"
    path                       = var.git.path
    garbage_collection_enabled = true
    sync_interval_in_seconds   = var.git.sync_interval_seconds
    retry_interval_in_seconds  = 120
    # It applies the Flux Kustomizations of the layers and waits for them, one after another: at
    # least as long as theirs together, or the first sync reports non-compliant while they work.
    timeout_in_seconds = var.timeout_seconds
    wait               = true

    post_build {
      substitute = local.substitute
    }
  }

  lifecycle {
    precondition {
      condition     = length(local.missing_secrets) == 0
      error_message = "The key vault lacks secrets the cluster reads (${join(", ", local.missing_secrets)}): apply the postgresql and databases stacks first."
    }

    precondition {
      condition     = var.credentials == null || try(var.credentials.created, false)
      error_message = "The repository is private and Flux reads its credentials from the Secret ${try(var.credentials.secret_name, "")} in flux-system, which must exist before the first sync. Create it (${coalesce(var.credentials_command, "see the aks stack's output git_credentials_command")}), then set gitops.secretCreated: true in the environment file, run slipway generate, and apply again."
    }
  }

  depends_on = [time_sleep.secret_reader_propagation]
}
