// What leaked secret material looks like. The loader refuses an environment file holding any of it
// (load/value-checks.ts); the diff and the sticky comment redact anything matching before they
// print or post; tests scan every generated file with the same list.
export const SECRET_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ['private key block', /-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/],
  ['storage account key or connection string', /AccountKey=|SharedAccessKey=|SharedAccessSignature=|[?&]sig=[A-Za-z0-9%]{20,}/],
  // A value on the same line; references ($(VAR), ${VAR}, templates, Grafana's $__file{...}, Terraform's
  // ephemeral./var./...) and file paths are not values.
  ['password value', /(password|passwd|pwd)["']?[ \t]*[:=][ \t]*["']?(?!\$\(|\$\{|\{\{|\$__(?:file|env)\{|replace-me|\/|(?:ephemeral|var|local|data|module)\.)[^\s"',}]{6,}/i],
  ['client secret', /client[_-]?secret["']?[ \t]*[:=][ \t]*["']?(?!\$\(|\$\{|\{\{|\$__(?:file|env)\{)[^\s"',}]{8,}/i],
  // user:password@ in a URL; a reference in the password part ($(VAR), ${VAR}) is how generated files name one.
  // Anchored on "://" (not on the scheme) so that scanning a long line stays linear.
  ['URL with a user name and password', /:\/\/[^\s/?#@:]+:(?!\$\(|\$\{|\{\{)[^\s/?#@]+@/],
  ['Slack token or webhook', /xox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/[A-Z0-9]/],
  ['chat webhook URL', /\.webhook\.office\.com\/webhookb2\/|discord(?:app)?\.com\/api\/webhooks\/\d/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,}/],
  ['GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}/],
  ['AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}/],
  ['Microsoft Entra client secret', /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/],
  ['npm or Stripe token', /\bnpm_[A-Za-z0-9]{36}\b|\b[rs]k_live_[A-Za-z0-9]{20,}/],
  ['JWT', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./],
  ['base64 secret data', /^\s*kind:\s*Secret[\s\S]*^data:/m],
];

export const looksSecret = (text: string) => SECRET_PATTERNS.some(([, re]) => re.test(text));

/** Replaces a value that looks like a secret, whole. */
export const redact = (text: string) => (looksSecret(text) ? '[redacted]' : text);

/** What kind of credential a single value looks like, or undefined. Patterns first, then entropy. */
export function secretKind(value: string): string | undefined {
  // The shortest text any pattern matches is "://a:b@"; a random token has 24 characters.
  if (value.length < 7) return undefined;
  const known = SECRET_PATTERNS.find(([, re]) => re.test(value))?.[0];
  if (known) return known;
  return value.split(/[\s:@,;()'"&?#<>[\]{}|\\]+/).some(isRandomToken) ? RANDOM_KEY : undefined;
}

export const RANDOM_KEY = 'randomly generated key (a long mix of upper case, lower case and digits)';

/**
 * A word that reads like generated key material rather than a name: 24+ characters of a base64 or
 * token alphabet, both cases, high entropy, and few runs of three letters of one case (words in
 * names make such runs: "Admins", "PROD"). GUIDs, hex digests and host names (one case) pass.
 * Measured: about 9 in 10 random base64 strings are caught, and no CamelCase or kebab-case name.
 */
export function isRandomToken(word: string): boolean {
  if (word.length < 24 || !/^[A-Za-z0-9+/=_.~-]+$/.test(word) || !/[A-Z]/.test(word) || !/[a-z]/.test(word)) return false;
  const wordy = [...word.matchAll(/[a-z]{3,}|[A-Z]{3,}/g)].reduce((n, m) => n + m[0].length, 0) / word.length;
  return wordy < 0.45 && entropy(word) >= 3.9;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/** Every part of a text that matches a pattern, and every random-looking word, replaced in place (the rest stays readable). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const re of GLOBAL_PATTERNS) out = out.replace(re, '[redacted]');
  return out.replace(TOKEN_CANDIDATE, (word) => (isRandomToken(word) ? '[redacted]' : word));
}

/** A pattern that finds every match (replace, matchAll); made once, not per call. */
export const globally = (re: RegExp) => new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
const GLOBAL_PATTERNS = SECRET_PATTERNS.map(([, re]) => globally(re));
/**
 * Words that may be random tokens (isRandomToken decides): runs of 24 or more token characters. The
 * lookbehind tries a match only where a run starts (the same matches), so scanning stays linear.
 */
export const TOKEN_CANDIDATE = /(?<![A-Za-z0-9+/=_.~-])[A-Za-z0-9+/=_.~-]{24,}/g;
