// The contract with Terraform as verify reads it from the stacks' generated tfvars, and the
// --substitutions file that replaces placeholders with real values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentError, UsageError } from '../../generator/commands/command.ts';
import { placeholderGuid, readSubstitutionsFile, terraformInputs } from '../../generator/verify/terraform-inputs.ts';
import { examples } from '../helpers/render.ts';

const { environments, files } = examples();
const prod = environments.find((e) => e.name === 'numbers-prod')!;
const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-substitutions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('terraformInputs', () => {
  it('names every variable the gitops stack sets, with the value Terraform passes or a GUID-shaped placeholder for a client ID', () => {
    const inputs = terraformInputs(files, prod);
    const tfvars = JSON.parse(files.get('numbers-prod/terraform/gitops/terraform.tfvars.json')!) as { substitute: Record<string, string>; client_id_variables: Record<string, string> };
    expect(inputs.substitutions).toEqual([...Object.keys(tfvars.substitute), ...Object.values(tfvars.client_id_variables)].sort());
    expect(inputs.values.DNS_ZONE_NAME).toBe('retro.numbers.example.com');
    expect(inputs.values.VELERO_CLIENT_ID).toBe(placeholderGuid('VELERO_CLIENT_ID'));
    expect(inputs.values.VELERO_CLIENT_ID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(inputs.values.VELERO_CLIENT_ID).not.toBe(inputs.values.CERT_MANAGER_CLIENT_ID);
  });

  it('lists the Key Vault secrets the postgresql and databases stacks write', () => {
    expect(terraformInputs(files, prod).vaultSecrets).toEqual(expect.arrayContaining(['postgresql-administrator-password', 'postfacto-v4-3-11-secret-key-base', 'grafana-admin-user', 'postfacto-v4-3-11-database-password']));
  });

  it('takes given values over placeholders, without newlines as Flux does', () => {
    expect(terraformInputs(files, prod, { VELERO_CLIENT_ID: 'abc\n', DNS_ZONE_NAME: 'other.example.com' }).values).toMatchObject({ VELERO_CLIENT_ID: 'abc', DNS_ZONE_NAME: 'other.example.com' });
  });
});

describe('readSubstitutionsFile', () => {
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('reads a JSON or YAML map, scalars as strings', () => {
    expect(readSubstitutionsFile(write('s.json', '{"VELERO_CLIENT_ID": "abc", "PORT": 5432}'))).toEqual({ VELERO_CLIENT_ID: 'abc', PORT: '5432' });
    expect(readSubstitutionsFile(write('s.yaml', 'VELERO_CLIENT_ID: abc\nENABLED: true\n'))).toEqual({ VELERO_CLIENT_ID: 'abc', ENABLED: 'true' });
  });

  it('refuses what is not a map of scalars, and a file that is not there', () => {
    expect(() => readSubstitutionsFile(write('list.yaml', '- a\n- b\n'))).toThrow(UsageError);
    expect(() => readSubstitutionsFile(write('nested.yaml', 'A:\n  b: c\n'))).toThrow(/the value of A must be a string/);
    expect(() => readSubstitutionsFile(path.join(dir, 'missing.json'))).toThrow(EnvironmentError);
    expect(() => readSubstitutionsFile(path.join(dir, 'missing.json'))).toThrow(/Cannot read the substitutions file .*missing\.json: there is no such file\./);
  });
});
