// What leaked secret material looks like. The diff redacts anything matching before it prints or
// posts; tests scan every generated file with the same list.
export const SECRET_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ['private key block', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['storage account key or connection string', /AccountKey=|SharedAccessSignature=|[?&]sig=[A-Za-z0-9%]{20,}/],
  // A value on the same line; references ($(VAR), ${VAR}, templates, Terraform's ephemeral./var./...) and file paths are not values.
  ['password value', /(password|passwd|pwd)["']?[ \t]*[:=][ \t]*["']?(?!\$\(|\$\{|\{\{|replace-me|\/|(?:ephemeral|var|local|data|module)\.)[^\s"',}]{6,}/i],
  ['client secret', /client[_-]?secret["']?[ \t]*[:=][ \t]*["']?[^\s"',}]{8,}/i],
  ['Slack token or webhook', /xox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/[A-Z0-9]/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}/],
  ['AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
  ['JWT', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./],
  ['base64 secret data', /^\s*kind:\s*Secret[\s\S]*^data:/m],
];

export const looksSecret = (text: string) => SECRET_PATTERNS.some(([, re]) => re.test(text));

/** Replaces a value that looks like a secret, whole. */
export const redact = (text: string) => (looksSecret(text) ? '[redacted]' : text);
