// App instances of different kinds share nothing: a namespace belongs to one kind (its Pod Security
// level, default-deny policy and admission hosts are the kind's), a release name to one release, a
// database to one role, a host to one kind (each kind compares its own instances in its catalog
// entry). And what a service reads from Key Vault by name is never a secret Slipway writes for
// someone else: naming it would grant the service's identity that secret.
import { appInstancesOf, apps, platform, releaseDatabases, servedHosts } from '../../catalog/index.ts';
import { serviceSecretNames, services } from '../../catalog/services.ts';
import type { Environment } from '../environment.ts';
import { POSTGRESQL_PASSWORD_SECRET } from '../key-vault-secrets.ts';
import { error, type Finding } from './rule.ts';

export function appRules(env: Environment): Finding[] {
  const out: Finding[] = [];
  const instances = appInstancesOf(env);

  // A namespace belongs to one kind.
  const kindOf = new Map<string, string>();
  for (const { kind, instance, index } of instances) {
    const owner = kindOf.get(instance.namespace);
    if (owner === undefined) kindOf.set(instance.namespace, kind);
    else if (owner !== kind) {
      out.push(
        error(
          'DUPLICATE_NAMESPACE',
          ['apps', kind, index, 'namespace'],
          `Namespace ${instance.namespace} already holds apps.${owner}; apps.${kind}[${index}] (${instance.name}) may not join it: each kind sets its namespace's Pod Security level, default deny and hosts.`,
          `Give ${instance.name} a namespace of its own, such as ${kind}-${instance.name}.`,
        ),
      );
    }
  }

  // A release name is one release, whatever its kind (Helm and Flux name them alone).
  // An instance's release is named instance.release (catalog/app-template.ts).
  const platformNames = new Set(platform.map((d) => d.name));
  const seen = new Map<string, string>();
  for (const { kind, instance, index } of instances) {
    const name = instance.release;
    const first = seen.get(name);
    if (platformNames.has(name) || (first !== undefined && first !== kind)) {
      out.push(
        error(
          'DUPLICATE_RELEASE',
          ['apps', kind, index, 'name'],
          `apps.${kind}[${index}] makes release ${name}, which ${platformNames.has(name) ? 'a platform release' : `an instance of apps.${first}`} already is.`,
          `Rename ${instance.name}: releases of one environment have names of their own (platform: ${[...platformNames].join(', ')}).`,
        ),
      );
    }
    if (first === undefined) seen.set(name, kind);
  }

  // A database belongs to one role; each kind checks its own instances.
  const databases = new Map<string, string>();
  for (const a of apps) {
    for (const [index, instance] of a.instances(env).entries()) {
      // The instance's own databases: the kind's declaration for an environment of this instance alone.
      const alone = { ...env, apps: { ...env.apps, [a.key]: [instance] } } as Environment;
      for (const d of a.databases?.(alone) ?? []) {
        const owner = databases.get(d.name);
        if (owner !== undefined && owner !== a.key) {
          out.push(error('DUPLICATE_DATABASE', ['apps', a.key, index, 'database'], `Database ${d.name} belongs to apps.${owner} already; two roles cannot own one database.`, `Give it another name, such as ${a.key}_${d.name}.`));
        } else databases.set(d.name, a.key);
      }
    }
  }

  // A host belongs to one kind.
  const hostKind = new Map<string, string>();
  for (const h of servedHosts(env).apps) {
    const kind = String(h.path[1]);
    const owner = hostKind.get(h.host);
    if (owner === undefined) hostKind.set(h.host, kind);
    else if (owner !== kind) {
      out.push(error('DUPLICATE_HOST', h.path, `${h.label} uses host ${h.host}, which apps.${owner} serves.`, `Give ${h.label} its own host, such as ${h.label.toLowerCase().split(' ').at(-1)}.${env.dns.zone}.`));
    }
  }

  // A service reads only what nobody else's secret is.
  const others = new Map<string, string>([[POSTGRESQL_PASSWORD_SECRET, "the PostgreSQL administrator's password"]]);
  for (const d of [...platform, ...apps]) {
    if (d === services) continue;
    for (const s of d.vaultSecrets?.(env) ?? []) others.set(s.name, `a secret Slipway writes for ${'name' in d ? d.name : d.key}`);
  }
  for (const d of releaseDatabases(env)) others.set(d.passwordSecret, `the password of database role ${d.name}`);
  for (const { service, name, path } of serviceSecretNames(env)) {
    const what = others.get(name);
    if (what) {
      out.push(
        error(
          'SERVICE_SECRET_RESERVED',
          path,
          `Service ${service.name} names Key Vault secret ${name}, which is ${what}: its identity would be granted that secret.`,
          'Name a secret of the service\'s own, such as ' + `${service.name}-api-key; its database password reaches it through database.`,
        ),
      );
    }
  }
  return out;
}
