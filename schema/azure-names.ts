// Azure naming rules, one entry per resource type Slipway names or is given a name for.
// The zod schemas use them for names people type; the model uses them for every derived name.
// Source: "Naming rules and restrictions for Azure resources" (Microsoft Learn).
import { z } from './zod.ts';

export interface AzureNameRule {
  /** What the resource is called in messages. */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  /** The allowed characters, as a sentence fragment for messages. */
  readonly allowed: string;
}

const rule = (label: string, min: number, max: number, pattern: RegExp, allowed: string): AzureNameRule =>
  Object.freeze({ label, min, max, pattern, allowed });

export const azureNameRules = Object.freeze({
  resourceGroup: rule('resource group', 1, 90, /^[-\w.()]*[-\w()]$/, 'letters, digits, "_", "-", ".", "(" and ")", not ending in "."'),
  storageAccount: rule('storage account', 3, 24, /^[a-z0-9]+$/, 'lowercase letters and digits only'),
  storageContainer: rule('storage container', 3, 63, /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/, 'lowercase letters, digits and single hyphens, starting and ending with a letter or digit'),
  keyVault: rule('key vault', 3, 24, /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/, 'letters, digits and single hyphens, starting with a letter and ending with a letter or digit'),
  kubernetesCluster: rule('AKS cluster', 1, 63, /^[a-zA-Z0-9][-\w]*[a-zA-Z0-9]$|^[a-zA-Z0-9]$/, 'letters, digits, "_" and "-", starting and ending with a letter or digit'),
  kubernetesDnsPrefix: rule('AKS DNS prefix', 1, 54, /^[a-zA-Z0-9][-a-zA-Z0-9]*[a-zA-Z0-9]$|^[a-zA-Z0-9]$/, 'letters, digits and "-", starting and ending with a letter or digit'),
  postgresqlServer: rule('PostgreSQL flexible server', 3, 63, /^[a-z0-9][-a-z0-9]*[a-z0-9]$/, 'lowercase letters, digits and "-", starting and ending with a letter or digit'),
  virtualNetwork: rule('virtual network', 2, 64, /^[a-zA-Z0-9][-\w.]*\w$/, 'letters, digits, "_", "-" and ".", starting with a letter or digit and ending with a letter, digit or "_"'),
  subnet: rule('subnet', 1, 80, /^[a-zA-Z0-9]([-\w.]*\w)?$/, 'letters, digits, "_", "-" and ".", starting with a letter or digit and ending with a letter, digit or "_"'),
  userAssignedIdentity: rule('managed identity', 3, 128, /^[a-zA-Z0-9][-\w]*$/, 'letters, digits, "_" and "-", starting with a letter or digit'),
  logAnalyticsWorkspace: rule('Log Analytics workspace', 4, 63, /^[a-zA-Z0-9][-a-zA-Z0-9]*[a-zA-Z0-9]$/, 'letters, digits and "-", starting and ending with a letter or digit'),
  // A blob name prefix (the stacks add /<stack>.tfstate): blob names are 1-1024 characters, "/"
  // separates virtual folders, and "." or ".." segments and a trailing "/" or "." are refused.
  stateKey: rule('state key', 1, 200, /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'letters, digits, "_", "-" and "." in folders separated by single "/", without "." or ".." folders or a "/" at either end'),
} satisfies Record<string, AzureNameRule>);

export type AzureNameKind = keyof typeof azureNameRules;

/** Why `name` breaks the rule, as a sentence, or undefined when it is valid. */
export function azureNameProblem(kind: AzureNameKind, name: string): string | undefined {
  const r = azureNameRules[kind];
  if (name.length < r.min || name.length > r.max) {
    return `a ${r.label} name must be ${r.min}-${r.max} characters long, and "${name}" has ${name.length}`;
  }
  if (!r.pattern.test(name)) return `a ${r.label} name may contain ${r.allowed}; "${name}" does not fit`;
  return undefined;
}

/** A zod string for a name that a person types, checked with the same rule as derived names. */
export const azureName = (kind: AzureNameKind) => {
  const r = azureNameRules[kind];
  return z
    .string()
    .min(r.min, `A ${r.label} name must be at least ${r.min} characters long.`)
    .max(r.max, `A ${r.label} name must be at most ${r.max} characters long.`)
    .regex(r.pattern, `A ${r.label} name may contain ${r.allowed}.`);
};
