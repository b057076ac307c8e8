// No secret material anywhere in what Slipway generates: a scan of every rendered file.
import { describe, expect, it } from 'vitest';
import { SECRET_PATTERNS } from '../../generator/secrets.ts';
import { examples } from '../helpers/render.ts';

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
