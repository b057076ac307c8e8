// Extra databases (postgresql.databases): a locale the character set can hold, names of their own.
import type { EnvironmentInput } from '../../../schema/environment.ts';
import { releaseDatabases } from '../../catalog/index.ts';
import type { Environment } from '../environment.ts';
import { POSTGRESQL_ADMIN_LOGIN } from '../key-vault-secrets.ts';
import { duplicates, error, type Finding } from './rule.ts';

/** Names PostgreSQL flexible server keeps for itself (databases and roles). */
const RESERVED = new Set(['azure_maintenance', 'azure_sys', 'azuresu', 'postgres', 'template0', 'template1', 'public', POSTGRESQL_ADMIN_LOGIN]);

/** C and POSIX work with every character set; every other locale the server has is a UTF-8 one. */
const anyCharset = (locale: string) => locale === 'C' || locale === 'POSIX';

/**
 * A database's character set must match the encoding of its LC_COLLATE and LC_CTYPE locales unless
 * they are C or POSIX (PostgreSQL docs, "Character Set Support": "For C or POSIX locale, any character
 * set is allowed, but for other libc-provided locales there is only one character set that will work
 * correctly"); CREATE DATABASE refuses the rest, and Azure's administrator is no superuser to force it.
 */
export function postgresqlDatabaseRules(env: Environment, input: EnvironmentInput): Finding[] {
  const out: Finding[] = [];
  const given = input.postgresql?.databases ?? [];
  const at = (i: number, ...rest: PropertyKey[]) => ['postgresql', 'databases', i, ...rest];
  env.postgresql.databases.forEach((d, i) => {
    if (d.charset === 'UTF8') return;
    for (const [field, locale] of [['collation', d.collation], ['ctype', d.ctype]] as const) {
      if (anyCharset(locale)) continue;
      // Point at the field the file gives: the locale, or the charset when the locale is the default.
      const path = given[i]?.[field] !== undefined ? at(i, field) : at(i, 'charset');
      out.push(
        error(
          'PG_DATABASE_LOCALE',
          path,
          `Database ${d.name} has charset ${d.charset} with ${field} ${locale}, a UTF-8 locale: PostgreSQL creates a ${d.charset} database only with the C or POSIX locale.`,
          `Set postgresql.databases[${i}].${field} to C (or POSIX), or charset to UTF8.`,
        ),
      );
      if (path.at(-1) === 'charset') break;
    }
  });

  for (const dup of duplicates(env.postgresql.databases, (d) => d.name)) {
    out.push(error('DUPLICATE_DATABASE', at(dup.index, 'name'), `postgresql.databases[${dup.index}] repeats database ${dup.item.name} of postgresql.databases[${dup.first}].`, 'Give every database its own name: each is owned by a role of that name.'));
  }
  const apps = new Set(releaseDatabases(env).map((d) => d.name));
  env.postgresql.databases.forEach((d, i) => {
    if (RESERVED.has(d.name)) {
      out.push(error('DATABASE_RESERVED', at(i, 'name'), `Database "${d.name}" is a name PostgreSQL flexible server or Slipway's administrator already uses.`, `Use another name, such as ${d.name}_data.`));
    } else if (apps.has(d.name)) {
      out.push(error('DUPLICATE_DATABASE', at(i, 'name'), `Database ${d.name} of postgresql.databases is also an app's database; two roles cannot own one database.`, `Rename it, such as ${d.name}_tools, or drop it: the app's database exists already.`));
    }
  });
  return out;
}
