// out/<env>/terraform/<stack>/: versions.tf, backend.tf, main.tf, variables.tf, outputs.tf and
// terraform.tfvars.json for each stack, from Handlebars templates. The root variables mirror the
// module's (terraform/modules/interfaces.json), so types and descriptions cannot drift apart.
import { readFileSync } from 'node:fs';
import type { Environment } from '../../model/environment.ts';
import { packagePath } from '../../package-root.ts';
import { GENERATED_HEADER } from '../yaml.ts';
import { alignAttributes, hclString } from './hcl.ts';
import { moduleCopies, moduleSource } from './modules.ts';
import { providersToRegister } from './resource-providers.ts';
import { stacksOf, type ModuleCall, type Stack } from './stacks.ts';
import { terraformTemplates } from './templates.ts';

interface ModuleInterface {
  readonly variables: Record<string, { type: string; required: boolean; description: string }>;
  readonly outputs: Record<string, string>;
  readonly blockTypes: readonly string[];
  readonly requiredProviders: Readonly<Record<string, { source: string; version: string }>>;
}
const interfaces = (JSON.parse(readFileSync(packagePath('terraform/modules/interfaces.json'), 'utf8')) as { modules: Record<string, ModuleInterface> }).modules;

const TERRAFORM_VERSION = '>= 1.11.0, < 2.0.0';

const templates = terraformTemplates({ align: (pairs: Array<[string, string]>, indent: number) => alignAttributes(pairs, indent) });

export class ModuleContractError extends Error {}

export function renderTerraform(environments: readonly Environment[]): Map<string, string> {
  const files = new Map<string, string>(environments.length > 0 ? moduleCopies() : []);
  for (const env of environments) {
    for (const stack of stacksOf(env)) {
      const dir = `${env.name}/terraform/${stack.name}`;
      const header = `${GENERATED_HEADER}\n# environment ${env.name} (${env.source}), stack ${stack.name}`;
      files.set(`${dir}/versions.tf`, templates['versions.tf'](versionsContext(env, stack, header)));
      files.set(`${dir}/backend.tf`, templates['backend.tf'](backendContext(env, stack, header)));
      files.set(`${dir}/main.tf`, templates['main.tf'](mainContext(env, stack, header)));
      const root = rootFiles(stack);
      files.set(`${dir}/variables.tf`, header + root.variables);
      files.set(`${dir}/outputs.tf`, header + root.outputs);
      files.set(`${dir}/terraform.tfvars.json`, tfvars(stack));
    }
  }
  return files;
}

function versionsContext(env: Environment, stack: Stack, header: string) {
  const register = providersToRegister(stack.modules.flatMap((call) => interfaces[call.module]!.blockTypes));
  const provider = (subscriptionId: string, alias?: string) => ({
    attributes: [
      ...(alias ? [['alias', hclString(alias)]] : []),
      ['subscription_id', hclString(subscriptionId)],
      ['tenant_id', hclString(env.azure.tenantId)],
      // Storage accounts have shared keys disabled: data-plane calls use Entra ID.
      ['storage_use_azuread', 'true'],
      // An alias only touches what exists in another subscription, where the deployer may not
      // register anything; the stack's own subscription gets what its resources call.
      ...(alias
        ? [['resource_provider_registrations', hclString('none')]]
        : [
            ['resource_provider_registrations', hclString('core')],
            ['resource_providers_to_register', `[${register.map(hclString).join(', ')}]`],
          ]),
    ],
  });
  return {
    header,
    terraformVersion: TERRAFORM_VERSION,
    requiredProviders: requiredProviders(stack),
    providers: [provider(env.azure.subscriptionId), ...Object.entries(stack.providerAliases).map(([alias, sub]) => provider(sub, alias))],
    otherProviders: stack.otherProviders ?? [],
  };
}

/** The providers the stack's modules require, azurerm first; modules that name one provider must agree on its constraint. */
function requiredProviders(stack: Stack) {
  const found = new Map<string, { source: string; version: string }>();
  for (const call of stack.modules) {
    for (const [name, p] of Object.entries(interfaces[call.module]!.requiredProviders)) {
      const seen = found.get(name);
      if (seen && (seen.source !== p.source || seen.version !== p.version)) throw new ModuleContractError(`Modules of stack ${stack.name} require ${name} differently: ${seen.source} ${seen.version} and ${p.source} ${p.version}.`);
      found.set(name, p);
    }
  }
  return [...found].sort(([a], [b]) => (a === 'azurerm' ? -1 : b === 'azurerm' ? 1 : a < b ? -1 : 1)).map(([name, p]) => ({ name, ...p }));
}

/** Where a stack keeps its state: one key per stack in the environment's state container. */
export function backendConfig(env: Environment, stack: string): Array<[string, string]> {
  return [
    ['resource_group_name', hclString(env.state.resourceGroup)],
    ['storage_account_name', hclString(env.state.storageAccount)],
    ['container_name', hclString(env.state.container)],
    ['key', hclString(`${env.names.stateKey}/${stack}.tfstate`)],
    ['use_azuread_auth', 'true'],
  ];
}

function backendContext(env: Environment, stack: Stack, header: string) {
  const local = stack.name === 'state' && !env.state.bootstrapped;
  return { header, local, source: env.source, attributes: backendConfig(env, stack.name) };
}

function mainContext(env: Environment, stack: Stack, header: string) {
  return {
    header,
    remoteStates: stack.reads.map((name) => ({ name, config: backendConfig(env, name) })),
    ephemerals: stack.ephemerals ?? [],
    modules: stack.modules.map((call) => ({
      name: call.name,
      head: [['source', hclString(moduleSource(call.module))], ...(call.providers ? [['providers', call.providers]] : [])],
      inputs: moduleInputs(call),
    })),
  };
}

function moduleInputs(call: ModuleCall): Array<[string, string]> {
  const declared = interfaces[call.module]?.variables ?? {};
  const inputs: Array<[string, string]> = [
    ...Object.keys(call.values).map((k): [string, string] => [k, `var.${k}`]),
    ...Object.entries(call.expressions ?? {}),
  ];
  const unknown = inputs.filter(([k]) => !(k in declared)).map(([k]) => k);
  if (unknown.length) throw new ModuleContractError(`Module ${call.module} declares no variable ${unknown.join(', ')}.`);
  return inputs.sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * variables.tf and outputs.tf below their header: the same for every stack that calls the same
 * modules with the same inputs (every environment of a fleet), so written once per such stack. The
 * header is the templates' first line, written as is.
 */
function rootFiles(stack: Stack): { readonly variables: string; readonly outputs: string } {
  const key = stack.modules.map((call) => `${call.module}:${call.name}:${Object.keys(call.values).sort().join(',')}`).join(' ');
  let bodies = rootBodies.get(key);
  if (bodies === undefined) {
    bodies = { variables: templates['variables.tf']({ header: '', variables: rootVariables(stack) }), outputs: templates['outputs.tf']({ header: '', outputs: rootOutputs(stack) }) };
    if (rootBodies.size >= 1_000) rootBodies.clear();
    rootBodies.set(key, bodies);
  }
  return bodies;
}
const rootBodies = new Map<string, { readonly variables: string; readonly outputs: string }>();

function rootVariables(stack: Stack) {
  return stack.modules.flatMap((call) =>
    Object.keys(call.values)
      .sort()
      .map((name) => {
        const v = interfaces[call.module]!.variables[name]!;
        return { name, attributes: [['type', v.type], ['description', hclString(v.description)]] };
      }),
  );
}

function rootOutputs(stack: Stack) {
  const main = stack.modules[0]!;
  return Object.entries(interfaces[main.module]!.outputs).map(([name, description]) => ({
    name,
    attributes: [['description', hclString(description)], ['value', `module.${main.name}.${name}`]],
  }));
}

function tfvars(stack: Stack): string {
  const values = Object.assign({}, ...stack.modules.map((m) => m.values)) as Record<string, unknown>;
  return `${JSON.stringify(sortKeys(values), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}
