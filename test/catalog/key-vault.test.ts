// The key vault contract: every secret a SecretProviderClass reads is one Terraform creates, and no
// pod reads the PostgreSQL administrator's password.
import { describe, expect, it } from 'vitest';
import { releasesOf } from '../../generator/catalog/index.ts';
import { platformObjects } from '../../generator/catalog/objects.ts';
import { examples } from '../helpers/render.ts';

const { environments, files } = examples();

/** objectName entries of every SecretProviderClass spec found anywhere in a value tree. */
function providerObjects(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(providerObjects);
  if (!value || typeof value !== 'object') return [];
  const v = value as Record<string, any>;
  const own = v.provider === 'azure' && typeof v.parameters?.objects === 'string' ? [...v.parameters.objects.matchAll(/objectName: (\S+)/g)].map((m) => m[1]!) : [];
  return [...own, ...Object.values(v).flatMap(providerObjects)];
}

describe('key vault secrets', () => {
  it.each(environments.map((e) => e.name))('%s: every secret the pods read is created by the postgresql or databases stack', (name) => {
    const env = environments.find((e) => e.name === name)!;
    const read = new Set(providerObjects([releasesOf(env).map((r) => r.values), platformObjects(env).base, platformObjects(env).config]));
    const tfvars = JSON.parse(files.get(`${name}/terraform/postgresql/terraform.tfvars.json`)!);
    const roles = JSON.parse(files.get(`${name}/terraform/databases/terraform.tfvars.json`)!).databases as Record<string, { password_secret_name: string }>;
    const created = new Set([...Object.keys(tfvars.app_secrets), ...Object.values(roles).map((d) => d.password_secret_name)]);
    expect(read.size).toBeGreaterThan(3);
    expect([...read].filter((s) => !created.has(s))).toEqual([]);
    expect(read.has(tfvars.password_secret_name)).toBe(false);
  });
});
