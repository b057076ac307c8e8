// Secrets in the environment's key vault. Terraform creates each (a random value, or an initial
// value operators replace) and the pods read them through SecretProviderClasses: values never pass
// through git or Slipway. Each release declares the secrets it reads (catalog releaseVaultSecrets);
// the PostgreSQL password is the postgresql module's own.

export interface VaultSecret {
  readonly name: string;
  /** true: Terraform generates a random value; false: it writes initialValue once. */
  readonly generate: boolean;
  readonly initialValue?: string;
}

/** Written by the postgresql module; Postfacto pods read it for DATABASE_URL. */
export const POSTGRESQL_PASSWORD_SECRET = 'postgresql-administrator-password';
export const POSTGRESQL_ADMIN_LOGIN = 'slipwayadmin';
/** What operators replace with the real credential (az keyvault secret set ...). */
export const REPLACE_ME = 'replace-me';
