output "role_assignment_ids" {
  description = "IDs of the role assignments made, by key (<identity>/<scope>/<role>)."
  value       = { for key, assignment in azurerm_role_assignment.this : key => assignment.id }
}
