// Secrets in the environment's key vault besides the PostgreSQL password (postgresql module):
// Terraform creates each (a random value, or an initial value operators replace), and the
// SecretProviderClasses of the pods read them. Values never pass through git or Slipway.
import type { Environment, PostfactoInstance, Receiver } from './environment.ts';

export interface VaultSecret {
  readonly name: string;
  /** true: Terraform generates a random value; false: it writes initialValue once. */
  readonly generate: boolean;
  readonly initialValue?: string;
}

/** Written by the postgresql module; Postfacto pods read it for DATABASE_URL. */
export const POSTGRESQL_PASSWORD_SECRET = 'postgresql-administrator-password';
export const POSTGRESQL_ADMIN_LOGIN = 'slipwayadmin';
export const GRAFANA_ADMIN_USER_SECRET = 'grafana-admin-user';
export const GRAFANA_ADMIN_PASSWORD_SECRET = 'grafana-admin-password';
export const SMTP_PASSWORD_SECRET = 'alertmanager-smtp-password';
/** What operators replace with the real credential (az keyvault secret set ...). */
export const REPLACE_ME = 'replace-me';

export const secretKeyBaseSecret = (p: PostfactoInstance) => `${p.release}-secret-key-base`;

/** Key vault secret holding a receiver's credential (Slack or webhook URL), or undefined for e-mail. */
export function receiverSecret(r: Receiver): string | undefined {
  return r.type === 'email' ? undefined : `alertmanager-${r.type}-${r.name}`;
}

export function vaultSecrets(env: Environment): VaultSecret[] {
  const receivers = env.releases.monitoring.receivers;
  return [
    ...env.apps.postfacto.map((p) => ({ name: secretKeyBaseSecret(p), generate: true })),
    { name: GRAFANA_ADMIN_USER_SECRET, generate: false, initialValue: 'admin' },
    { name: GRAFANA_ADMIN_PASSWORD_SECRET, generate: true },
    ...receivers.flatMap((r) => {
      const name = receiverSecret(r);
      return name ? [{ name, generate: false, initialValue: REPLACE_ME }] : [];
    }),
    ...(env.releases.monitoring.smtp ? [{ name: SMTP_PASSWORD_SECRET, generate: false, initialValue: REPLACE_ME }] : []),
  ];
}
