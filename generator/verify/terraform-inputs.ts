// What the cluster gets from Terraform, read from the stacks' generated inputs: the Flux post-build
// variables the gitops stack sets (its tfvars: substitute, whose values are known now, plus the
// client IDs the aks stack creates), and the Key Vault secrets the postgresql and databases stacks
// write. Values known only
// after apply are replaced by placeholders of the right shape (client IDs: GUIDs), or taken from a
// --substitutions file, so that what verify renders has the shape the cluster will see.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EnvironmentError, UsageError } from '../commands/command.ts';
import type { Environment } from '../model/environment.ts';
import type { WorkloadIdentityInput } from './types.ts';

export interface TerraformInputs {
  /** Variables the gitops stack's Flux configuration sets (names, sorted). */
  readonly substitutions: readonly string[];
  /** The value each variable has when Flux substitutes it (placeholders for values known after apply). */
  readonly values: Readonly<Record<string, string>>;
  /** Key Vault secrets the stacks write (names, sorted). */
  readonly vaultSecrets: readonly string[];
  /** The aks stack's workload identities, with the client ID each gets in the manifests. */
  readonly identities: readonly WorkloadIdentityInput[];
}

export const gitopsTfvars = (env: Environment) => `${env.name}/terraform/gitops/terraform.tfvars.json`;
const aksTfvars = (env: Environment) => `${env.name}/terraform/aks/terraform.tfvars.json`;
const postgresqlTfvars = (env: Environment) => `${env.name}/terraform/postgresql/terraform.tfvars.json`;
const databasesTfvars = (env: Environment) => `${env.name}/terraform/databases/terraform.tfvars.json`;

interface GitopsInputs {
  substitute?: Record<string, string>;
  client_id_variables?: Record<string, string>;
}
interface AksInputs {
  workload_identities?: Record<string, { namespace?: string; service_accounts?: string[] }>;
}
interface PostgresqlInputs {
  app_secrets?: Record<string, unknown>;
  password_secret_name?: string;
}
interface DatabasesInputs {
  databases?: Record<string, { password_secret_name?: string }>;
}

function json<T>(files: ReadonlyMap<string, string>, file: string): T | undefined {
  const text = files.get(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A GUID that is the same for a name on every run and cannot be a real client ID of anyone's (version 4 shape, derived from the name). */
export function placeholderGuid(name: string): string {
  const h = createHash('sha256').update(`slipway placeholder ${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The contract of an environment; `given` (from --substitutions) overrides any value. */
export function terraformInputs(files: ReadonlyMap<string, string>, env: Environment, given: Readonly<Record<string, string>> = {}): TerraformInputs {
  const gitops = json<GitopsInputs>(files, gitopsTfvars(env)) ?? {};
  const known = gitops.substitute ?? {};
  const clientIds = Object.values(gitops.client_id_variables ?? {});
  const values: Record<string, string> = { ...known };
  for (const name of clientIds) values[name] = placeholderGuid(name);
  // Flux drops newlines from variable values.
  for (const [name, value] of Object.entries(given)) values[name] = value.replace(/\n/g, '');
  const pg = json<PostgresqlInputs>(files, postgresqlTfvars(env)) ?? {};
  const roles = Object.values(json<DatabasesInputs>(files, databasesTfvars(env))?.databases ?? {}).flatMap((d) => (d.password_secret_name ? [d.password_secret_name] : []));
  const identities = Object.entries(json<AksInputs>(files, aksTfvars(env))?.workload_identities ?? {}).flatMap(([key, w]) => {
    const variable = gitops.client_id_variables?.[key];
    return variable === undefined ? [] : [{ key, namespace: w.namespace ?? '', serviceAccounts: w.service_accounts ?? [], clientId: values[variable] ?? '' }];
  });
  return {
    substitutions: [...new Set([...Object.keys(known), ...clientIds])].sort(),
    values,
    identities,
    vaultSecrets: [...new Set([...Object.keys(pg.app_secrets ?? {}), ...(pg.password_secret_name ? [pg.password_secret_name] : []), ...roles])].sort(),
  };
}

/** A --substitutions file: a JSON or YAML map of variable name to value (scalars are read as strings). */
export function readSubstitutionsFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new EnvironmentError(`Cannot read the substitutions file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (e as Error).message}.`);
  }
  let data: unknown;
  try {
    data = parse(text, { uniqueKeys: true });
  } catch (e) {
    throw new UsageError(`The substitutions file ${file} is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`, 'Write a map of variable names to values, e.g. {"VELERO_CLIENT_ID": "..."}.');
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`The substitutions file ${file} must hold a map of variable names to values.`, 'Write e.g. {"VELERO_CLIENT_ID": "..."}.');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(data)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new UsageError(`The substitutions file ${file}: the value of ${name} must be a string.`, 'Flux substitutes text: quote the value.');
    }
    out[name] = String(value);
  }
  return out;
}
