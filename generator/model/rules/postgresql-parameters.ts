// Server parameters (postgresql.parameters): the TLS settings the postgresql module owns are not
// loosened by hand, and a logging setting that would write the role passwords the databases stack
// sets (ALTER ROLE ... PASSWORD) into the server logs is pointed out.
import type { EnvironmentInput } from '../../../schema/environment.ts';
import type { Environment } from '../environment.ts';
import { error, warning, type Finding } from './rule.ts';

const text = (value: string | number | boolean) => (typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)).trim();

/** Parameters the module or Slipway's security model fixes, with the values allowed and why. */
const PROTECTED: Readonly<Record<string, { readonly allowed: readonly string[]; readonly why: string; readonly fix: string }>> = {
  require_secure_transport: { allowed: ['on'], why: 'the server refuses every connection without TLS (the postgresql module sets it on)', fix: 'Remove postgresql.parameters.require_secure_transport: TLS stays required.' },
  ssl_min_protocol_version: {
    allowed: ['TLSv1.2', 'TLSv1.3'],
    why: 'TLS 1.2 is the floor (the postgresql module sets it; only TLSv1.3 raises it)',
    fix: 'Remove postgresql.parameters.ssl_min_protocol_version, or set it to TLSv1.3.',
  },
  password_encryption: {
    allowed: ['scram-sha-256'],
    why: 'role passwords are stored as SCRAM verifiers; md5 hashes are replayable and PostgreSQL deprecates them',
    fix: 'Remove postgresql.parameters.password_encryption (Azure\'s default is scram-sha-256).',
  },
};

/**
 * Settings under which PostgreSQL writes statement text, and so "ALTER ROLE ... PASSWORD '...'" of the
 * databases stack, into the server log (and with the diagnostic setting, into Log Analytics).
 * PostgreSQL docs, CREATE ROLE: an unencrypted password "might also be logged ... in the server log".
 */
function logsStatements(name: string, value: string): string | null {
  const v = value.toLowerCase();
  if (name === 'log_statement' && (v === 'ddl' || v === 'all')) return `log_statement ${v} logs every CREATE and ALTER ROLE statement with its text`;
  if (name === 'log_min_duration_statement' && /^\d+$/.test(v) && Number(v) <= 100) return `log_min_duration_statement ${v} logs the text of every statement that takes ${v} ms or more, which a password change does`;
  if (name === 'pgaudit.log' && v.split(',').some((c) => ['all', 'role', 'ddl'].includes(c.trim().replace(/^-/, '')) && !c.trim().startsWith('-')))
    return `pgaudit.log ${value} audits role statements with their text`;
  return null;
}

export function postgresqlParameterRules(_env: Environment, input: EnvironmentInput): Finding[] {
  const out: Finding[] = [];
  for (const [name, raw] of Object.entries(input.postgresql?.parameters ?? {})) {
    const path = ['postgresql', 'parameters', name];
    const value = text(raw);
    const rule = PROTECTED[name];
    if (rule && !rule.allowed.includes(value)) {
      out.push(error('PG_PARAMETER_PROTECTED', path, `postgresql.parameters.${name} is ${value}, which Slipway does not allow: ${rule.why}. Allowed: ${rule.allowed.join(' or ')}.`, rule.fix));
    }
    const logs = logsStatements(name, value);
    if (logs) {
      out.push(
        warning(
          'PG_PARAMETER_LOGS_SECRETS',
          path,
          `postgresql.parameters.${name}: ${logs}, so the passwords the databases stack sets on the roles reach the server logs (and Log Analytics).`,
          'Use log_statement mod or none, a log_min_duration_statement above a second, or pgaudit.log without role and ddl; or acknowledge the warning with the reason (for example, logs readable only by the administrators).',
        ),
      );
    }
  }
  return out;
}
