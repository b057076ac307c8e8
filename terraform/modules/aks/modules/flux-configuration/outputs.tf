output "flux_configuration_id" {
  description = "Resource ID of the Flux configuration."
  value       = azurerm_kubernetes_flux_configuration.this.id
}

output "flux_substitutions" {
  description = "Post-build substitution variables Flux applies to the manifests (slipway verify --substitutions reads this)."
  value       = local.substitute
}
