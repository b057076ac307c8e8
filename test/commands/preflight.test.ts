// slipway preflight: the vCPU quota a first apply needs per VM family and region, and the az
// commands that check it. Surge per pool: ceil(max × 33%), the aks module's max_surge.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VM_SIZES, vmSizeNames } from '../../schema/vm-sizes.ts';
import { inWorkspace, runCli } from '../helpers/workspace.ts';

describe('slipway preflight', () => {
  it("adds up prod's pools per family and in the region, at min, at max and upgrading", async () => {
    await inWorkspace(async () => {
      const run = await runCli(['preflight', '--env', 'numbers-prod', '--format', 'json']);
      expect(run.code, run.stderr).toBe(0);
      const [prod] = JSON.parse(run.stdout);
      // system 3 × D4ds_v5, apps 3-9 × D8ds_v5, data 3 × E4ds_v5 (environments/numbers-prod.yaml).
      expect(prod.pools.map((p: any) => [p.pool, p.vmSize, p.min, p.max, p.surge])).toEqual([
        ['system', 'Standard_D4ds_v5', 3, 3, 1],
        ['apps', 'Standard_D8ds_v5', 3, 9, 3],
        ['data', 'Standard_E4ds_v5', 3, 3, 1],
      ]);
      expect(prod.quotas).toEqual([
        { quota: 'standardDDSv5Family', atMin: 36, atMax: 84, upgrading: 112 },
        { quota: 'standardEDSv5Family', atMin: 12, atMax: 12, upgrading: 16 },
        { quota: 'cores', atMin: 48, atMax: 96, upgrading: 128 },
      ]);
      expect(prod.commands[0]).toBe('az account set --subscription 6f1c8a52-6d0e-4b9a-9c21-7e5d4a8b0f13');
      expect(prod.commands.join('\n')).toContain("name.value=='standardDDSv5Family' || name.value=='standardEDSv5Family' || name.value=='cores'");
      expect(prod.commands).toContain('az vm list-skus --location westeurope --size Standard_E4ds_v5 --all --output table');
    });
  });

  it('counts spot pools in lowPriorityCores alone, without surge (AKS spot-node-pool: no surge nodes for spot upgrades)', async () => {
    await inWorkspace(async () => {
      const run = await runCli(['preflight', '--env', 'dora-staging', '--format', 'json']);
      expect(run.code, run.stderr).toBe(0);
      const [staging] = JSON.parse(run.stdout);
      // system 1-2 and apps 1-3 × D4ds_v5, data 1-2 × E2ds_v5, spot 0-3 × D4ds_v5 (environments/dora-staging.yaml).
      expect(staging.pools.find((p: any) => p.pool === 'spot')).toMatchObject({ quota: 'lowPriorityCores', spot: true, min: 0, max: 3, surge: 0 });
      expect(staging.quotas).toEqual([
        { quota: 'standardDDSv5Family', atMin: 8, atMax: 20, upgrading: 28 },
        { quota: 'standardEDSv5Family', atMin: 2, atMax: 4, upgrading: 6 },
        { quota: 'cores', atMin: 10, atMax: 24, upgrading: 34 },
        { quota: 'lowPriorityCores', atMin: 0, atMax: 12, upgrading: 12 },
      ]);
      expect(staging.commands.join('\n')).toContain("name.value=='lowPriorityCores'");
    });
  });

  it('prints a table per environment and the checks to run', async () => {
    await inWorkspace(async () => {
      const run = await runCli(['preflight']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^numbers-prod \(subscription 6f1c8a52-6d0e-4b9a-9c21-7e5d4a8b0f13, westeurope\)$/m);
      expect(run.stdout).toMatch(/^numbers-test \(subscription /m);
      expect(run.stdout).toMatch(/^ {2}standardDDSv5Family +36 +84 +112$/m);
      expect((await runCli(['preflight', '--env', 'nope'])).code).toBe(2);
    });
  });

  it('refuses a VM size outside the table, with a did-you-mean, so no family is left out of the sum', async () => {
    await inWorkspace(async () => {
      const file = 'environments/numbers-prod.yaml';
      writeFileSync(file, readFileSync(file, 'utf8').replace('vmSize: Standard_E4ds_v5', 'vmSize: Standard_E4ds_v9'));
      const run = await runCli(['preflight']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/numbers-prod\.yaml:\d+:\d+ error SCHEMA_ENUM/);
      expect(run.stderr).toContain('Did you mean "Standard_E4ds_v5"?');
    });
  });

  it('knows the vCPUs of every size it accepts from its name', () => {
    expect(vmSizeNames.length).toBeGreaterThan(100);
    for (const name of vmSizeNames) expect(VM_SIZES.get(name)!.vcpus, name).toBe(Number(/^Standard_[A-Z](\d+)/.exec(name)![1]));
  });
});
