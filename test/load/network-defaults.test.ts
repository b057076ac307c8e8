// Subnet defaults follow network.vnetCidr: a file that sets only the VNet is valid, and a finding
// about a default subnet says it is one and points at network.vnetCidr.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironments, loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { repoRoot } from '../helpers/workspace.ts';

const minimal = readFileSync(path.join(repoRoot, 'test/fixtures/valid/minimal.yaml'), 'utf8');

/** minimal.yaml with a network section. */
function load(network: string) {
  const text = minimal.replace('aks:\n', `network:\n${network}aks:\n`);
  const result = loadEnvironmentTexts([{ file: 'environments/minimal.yaml', text }]);
  const vnetLine = text.split('\n').findIndex((l) => l.includes('vnetCidr:')) + 1;
  return { ...result, errors: result.issues.filter((i) => i.severity === 'error'), vnetLine };
}

describe('subnet defaults', () => {
  it('keeps 10.40.0.0/20 and 10.40.16.0/24 when network.vnetCidr is not set', () => {
    const [env] = loadEnvironmentTexts([{ file: 'environments/minimal.yaml', text: minimal }]).environments;
    expect(env!.network).toEqual({ vnetCidr: '10.40.0.0/16', aksSubnet: '10.40.0.0/20', postgresqlSubnet: '10.40.16.0/24', podSubnet: null });
  });

  it('makes a file that sets only network.vnetCidr valid', () => {
    const { issues, environments } = loadEnvironments([path.join(repoRoot, 'test/fixtures/valid/vnet-only.yaml')]);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(environments[0]!.network).toEqual({ vnetCidr: '10.70.0.0/16', aksSubnet: '10.70.0.0/20', postgresqlSubnet: '10.70.16.0/24', podSubnet: null });
  });

  it.each([
    ['10.0.0.0/8', '10.0.0.0/20', '10.0.16.0/24'],
    ['10.70.0.0/16', '10.70.0.0/20', '10.70.16.0/24'],
    ['10.70.32.0/19', '10.70.32.0/20', '10.70.48.0/24'],
    // Smaller than /19: the first half for AKS, the /24 right after it for PostgreSQL.
    ['10.70.16.0/20', '10.70.16.0/21', '10.70.24.0/24'],
    ['10.70.4.0/22', '10.70.4.0/23', '10.70.6.0/24'],
    ['10.70.2.0/23', '10.70.2.0/24', '10.70.3.0/24'],
    // A /24 splits into two /25.
    ['10.70.1.0/24', '10.70.1.0/25', '10.70.1.128/25'],
  ])('derives the subnets of %s: aks %s, postgresql %s', (vnet, aks, postgresql) => {
    const { errors, environments } = load(`  vnetCidr: ${vnet}\n`);
    expect(errors).toEqual([]);
    expect(environments[0]!.network).toEqual({ vnetCidr: vnet, aksSubnet: aks, postgresqlSubnet: postgresql, podSubnet: null });
  });

  it.each(['10.70.0.0/25', '10.70.0.0/28', '10.70.0.1/32'])('refuses to derive subnets from %s, naming network.vnetCidr', (vnet) => {
    const { errors, vnetLine } = load(`  vnetCidr: ${vnet}\n`);
    expect(errors).toMatchObject([{ code: 'VNET_TOO_SMALL', path: 'network.vnetCidr', line: vnetLine, column: 13 }]);
    expect(errors[0]!.message).toContain(`network.vnetCidr ${vnet} is too small to derive network.subnets.aks and network.subnets.postgresql`);
    expect(errors[0]!.hint).toContain('Widen network.vnetCidr');
  });

  it('names only the subnet it would derive, and accepts a small VNet whose subnets are written', () => {
    const one = load('  vnetCidr: 10.70.0.0/26\n  subnets:\n    aks: 10.70.0.0/27\n');
    expect(one.errors).toMatchObject([{ code: 'VNET_TOO_SMALL' }]);
    expect(one.errors[0]!.message).toContain('too small to derive network.subnets.postgresql from');
    const both = load('  vnetCidr: 10.70.0.0/26\n  subnets:\n    aks: 10.70.0.0/27\n    postgresql: 10.70.0.32/28\n');
    expect(both.errors).toEqual([]);
  });

  it('says a subnet is a default derived from network.vnetCidr, and points there', () => {
    const { errors, vnetLine } = load('  vnetCidr: 10.70.0.0/16\n  subnets:\n    postgresql: 10.70.1.0/24\n');
    expect(errors).toMatchObject([{ code: 'SUBNET_OVERLAP', path: 'network.vnetCidr', line: vnetLine }]);
    expect(errors[0]!.message).toBe('Subnets the default subnet derived from network.vnetCidr for aks (10.70.0.0/20) and network.subnets.postgresql (10.70.1.0/24) overlap.');
    expect(errors[0]!.hint).toBe('Set network.subnets.aks to a free range inside 10.70.0.0/16, or move network.subnets.postgresql out of 10.70.0.0/20.');
  });

  it('still points at a written subnet that leaves the VNet, and says when the VNet is the default', () => {
    const given = load('  vnetCidr: 10.70.0.0/16\n  subnets:\n    aks: 10.71.0.0/20\n');
    expect(given.errors).toMatchObject([{ code: 'SUBNET_OUTSIDE_VNET', path: 'network.subnets.aks' }]);
    const defaulted = loadEnvironmentTexts([{ file: 'environments/minimal.yaml', text: minimal.replace('aks:\n', 'network:\n  subnets:\n    aks: 10.70.0.0/20\n    postgresql: 10.70.16.0/24\naks:\n') }]);
    const outside = defaulted.issues.filter((i) => i.code === 'SUBNET_OUTSIDE_VNET');
    expect(outside).toHaveLength(2);
    expect(outside[0]!.message).toBe('Subnet network.subnets.aks (10.70.0.0/20) lies outside the default VNet 10.40.0.0/16 (network.vnetCidr is not set).');
  });
});
