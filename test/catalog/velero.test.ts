// Backups an insider cannot erase and a thief cannot read: schedules leave Secrets and the
// namespaces Flux and AKS rebuild out (Velero resource filtering: excludedResources applies to
// every namespace of a backup), the backup account can sit in another subscription, and prod keeps
// previous blob versions immutable (Azure version-level WORM, which Velero tolerates; its docs:
// "for the versioned-level scenario, data immutability can still work in Velero").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformReleases } from '../../generator/catalog/index.ts';
import { loadEnvironmentTexts } from '../../generator/load/load-environments.ts';
import { renderTerraform } from '../../generator/render/terraform/render.ts';
import { repoRoot } from '../helpers/workspace.ts';

const text = (name: string) => readFileSync(path.join(repoRoot, 'environments', `${name}.yaml`), 'utf8');
const load = (name: string, edit: (t: string) => string = (t) => t) => {
  const loaded = loadEnvironmentTexts([{ file: `environments/${name}.yaml`, text: edit(text(name)) }]);
  if (!loaded.environments[0]) throw new Error(loaded.issues.map((i) => `${i.code} ${i.message}`).join('\n'));
  return loaded.environments[0];
};
const veleroValues = (env: ReturnType<typeof load>) => platformReleases(env).find((r) => r.name === 'velero')!.values as any;
const tfvars = (env: ReturnType<typeof load>) => JSON.parse(renderTerraform([env]).get(`${env.name}/terraform/aks/terraform.tfvars.json`)!);

describe('Velero backups', () => {
  it('leave Secrets, kube-system and flux-system out of every schedule by default', () => {
    for (const template of Object.values(veleroValues(load('numbers-test')).schedules).map((s: any) => s.template)) {
      expect(template.excludedNamespaces).toEqual(['kube-system', 'flux-system']);
      expect(template.excludedResources).toEqual(['secrets']);
    }
  });

  it('back up Secrets only when a schedule asks for it', () => {
    const env = load('numbers-test', (t) => t.replace('        ttl: 168h\n', '        ttl: 168h\n        includeSecrets: true\n'));
    expect(veleroValues(env).schedules.nightly.template).not.toHaveProperty('excludedResources');
  });

  it('keep previous versions immutable for 35 days in prod, none elsewhere, and can go to another subscription', () => {
    expect(tfvars(load('numbers-prod')).backup.immutability_days).toBe(35);
    expect(tfvars(load('numbers-test')).backup.immutability_days).toBeNull();
    const other = '11111111-2222-4333-8444-555555555555';
    const env = load('numbers-test', (t) => t.replace(/(  velero:\n)/, `$1    storageSubscriptionId: ${other}\n`));
    expect(veleroValues(env).configuration.backupStorageLocation[0].config.subscriptionId).toBe(other);
    const versions = renderTerraform([env]).get('numbers-test/terraform/aks/versions.tf')!;
    expect(versions).toMatch(new RegExp(`alias\\s+= "backup"\\n\\s+subscription_id\\s+= "${other}"`));
    expect(renderTerraform([env]).get('numbers-test/terraform/aks/main.tf')).toContain('providers = { azurerm = azurerm, azurerm.backup = azurerm.backup }');
  });
});
