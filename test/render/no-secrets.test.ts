// No secret material anywhere in what Slipway generates: a scan of every rendered file.
import { describe, expect, it } from 'vitest';
import { examples } from '../helpers/render.ts';

/** What a leaked secret looks like, by kind. */
export const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ['private key block', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['storage account key or connection string', /AccountKey=|SharedAccessSignature=|[?&]sig=[A-Za-z0-9%]{20,}/],
  // A value on the same line; references ($(VAR), ${VAR}, templates) and file paths are not values.
  ['password value', /(password|passwd|pwd)["']?[ \t]*[:=][ \t]*["']?(?!\$\(|\$\{|\{\{|replace-me|\/)[^\s"',}]{6,}/i],
  ['client secret', /client[_-]?secret["']?[ \t]*[:=][ \t]*["']?[^\s"',}]{8,}/i],
  ['Slack token or webhook', /xox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/[A-Z0-9]/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}/],
  ['AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
  ['JWT', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./],
  ['base64 secret data', /^\s*kind:\s*Secret[\s\S]*^data:/m],
];

export function secretFindings(files: ReadonlyMap<string, string>): string[] {
  return [...files].flatMap(([file, content]) => SECRET_PATTERNS.filter(([, re]) => re.test(content)).map(([what]) => `${file}: ${what}`));
}

describe('no secrets in out/', () => {
  const { files } = examples();

  it('finds none of the patterns in any generated file', () => {
    expect(secretFindings(files)).toEqual([]);
  });

  it('the scan catches each kind of secret (it can fail)', () => {
    const planted = new Map([
      ['a', 'password: hunter2hunter2'],
      ['b', 'url: https://hooks.slack.com/services/T000/B000/XXXX'],
      ['c', 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc=='],
      ['d', '-----BEGIN RSA PRIVATE KEY-----'],
      ['e', 'apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata:\n  k: aGVsbG8='],
    ]);
    expect(secretFindings(planted)).toHaveLength(5);
    expect(secretFindings(new Map([['f', 'value: postgres://u:$(DATABASE_PASSWORD)@h/db']]))).toEqual([]);
  });
});
