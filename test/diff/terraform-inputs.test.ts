// The module inputs of a stack read back from main.tf and terraform.tfvars.json, on the files the
// generator writes and on hand-written variants an older template could have produced.
import { describe, expect, it } from 'vitest';
import { rootInputs } from '../../generator/diff/terraform-inputs.ts';
import { examples } from '../helpers/render.ts';

describe('Terraform root inputs', () => {
  const { files } = examples();

  it('gives every module argument of the generated aks stack, values from tfvars and expressions as text', () => {
    const inputs = rootInputs(files.get('numbers-prod/terraform/aks/main.tf')!, files.get('numbers-prod/terraform/aks/terraform.tfvars.json'));
    const tfvars = JSON.parse(files.get('numbers-prod/terraform/aks/terraform.tfvars.json')!) as Record<string, unknown>;
    expect(Object.keys(inputs.modules)).toEqual(['aks', 'dns_access']);
    expect(inputs.modules.aks!.zones).toEqual(['1', '2', '3']);
    expect(inputs.modules.aks!.network).toEqual(tfvars.network);
    expect(inputs.modules.dns_access!.zone_id).toBe('data.terraform_remote_state.dns.outputs.zone_id');
    expect(inputs.modules.dns_access!.principal_ids).toBe('module.aks.workload_identity_principal_ids');
    expect(inputs.unused).toEqual({});
    expect(inputs.rest).toContain('data "terraform_remote_state" "dns"');
    expect(inputs.rest).not.toContain('module "aks"');
  });

  it('reads every stack of both examples with no tfvars entry left over', () => {
    for (const [file, text] of files) {
      if (!file.endsWith('/main.tf') || !file.includes('/terraform/')) continue;
      const inputs = rootInputs(text, files.get(file.replace('main.tf', 'terraform.tfvars.json')));
      expect(Object.keys(inputs.modules).length, file).toBeGreaterThan(0);
      expect(inputs.unused, file).toEqual({});
    }
  });

  it('keeps literals as values, multi-line values and nested blocks as text, unread tfvars apart', () => {
    const main = [
      'module "x" {',
      '  source  = "../m"',
      '  count   = 2',
      '  enabled = true',
      '  tags = {',
      '    a = "b"',
      '  }',
      '  lifecycle {',
      '    ignore_changes = [tags]',
      '  }',
      '  name = var.name',
      '  gone = var.missing',
      '}',
    ].join('\n');
    const inputs = rootInputs(main, JSON.stringify({ name: 'n', spare: 1 }));
    expect(inputs.modules.x).toEqual({
      source: '../m',
      count: 2,
      enabled: true,
      tags: '{\na = "b"\n}',
      lifecycle: 'lifecycle {\nignore_changes = [tags]\n}',
      name: 'n',
      gone: 'var.missing',
    });
    expect(inputs.unused).toEqual({ spare: 1 });
  });
});
