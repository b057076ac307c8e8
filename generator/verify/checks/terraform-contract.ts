// VERIFY_SUBSTITUTION / VERIFY_VAULT_SECRET: the contract with Terraform. Every variable the Flux
// Kustomizations pass on (postBuild.substitute) is one the aks stack sets, and every ${VAR} an
// object in git uses is passed on by its Kustomization: kustomize-controller replaces a variable it
// was not given with an empty string (client IDs, vault names would be blank). Every Key Vault secret a SecretProviderClass
// reads is one a Terraform stack writes: the provider cannot mount a missing object, so the pods
// mounting the class stay in ContainerCreating.
import { parse } from 'yaml';
import { PLACEHOLDER } from '../../catalog/types.ts';
import { objectId, type Check, type ClusterState, type RenderedObject, type VerifyFinding } from '../types.ts';
import { at, isMap, list, map, text } from './model/data.ts';
import { finding } from './model/finding.ts';

export const SUBSTITUTION = 'VERIFY_SUBSTITUTION';
export const VAULT_SECRET = 'VERIFY_VAULT_SECRET';

/** Every ${VAR} in the object's strings, with the JSON pointer of the first field it occurs at. */
function placeholders(value: unknown, path: string, into: Map<string, string>): Map<string, string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) if (!into.has(m[1]!)) into.set(m[1]!, path || '/');
  } else if (Array.isArray(value)) value.forEach((v, i) => placeholders(v, `${path}/${i}`, into));
  else if (isMap(value)) for (const [k, v] of Object.entries(value)) placeholders(v, `${path}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`, into);
  return into;
}

/**
 * The ${VAR} names a git object held before post-build substitution. The engine gives objects after
 * substitution, where Flux has already written "" for a variable nobody passed on; when it also
 * records the names it saw (RenderedObject.variables), those are read, else whatever
 * ${VAR} is left (a Kustomization that defines no variable substitutes nothing).
 */
function variablesOf(r: RenderedObject): Map<string, string | undefined> {
  const recorded = r.variables;
  if (recorded) return new Map(recorded.map((v) => [v, undefined]));
  const o = r.object;
  // A Flux Kustomization's substitute values are the ${VAR} it passes on: checked as names, not as uses.
  const scanned = isFluxKustomization(o) ? { ...o, spec: { ...map(o.spec), postBuild: { ...map(at(o, 'spec', 'postBuild')), substitute: {} } } } : o;
  return placeholders(scanned, '', new Map());
}

const isFluxKustomization = (o: RenderedObject['object']) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');

function substitutions(state: ClusterState): VerifyFinding[] {
  const known = new Set(state.substitutions);
  // What each Flux Kustomization passes on. One the render holds no object of (the root, which the
  // aks stack's Flux configuration creates) has every variable the stack sets.
  const passedOn = new Map<string, Set<string>>();
  for (const { object } of state.objects) if (isFluxKustomization(object)) passedOn.set(object.metadata.name, new Set(Object.keys(map(at(object, 'spec', 'postBuild', 'substitute')))));
  const out: VerifyFinding[] = [];
  for (const r of state.objects) {
    const o = r.object;
    if (isFluxKustomization(o)) {
      for (const variable of [...(passedOn.get(o.metadata.name) ?? [])].filter((v) => !known.has(v))) {
        out.push(
          finding(state, r, {
            code: SUBSTITUTION,
            severity: 'error',
            message: `${objectId(o)} passes post-build variable ${variable} on (spec.postBuild.substitute), which the gitops stack's Flux configuration does not set; Flux substitutes an empty string wherever it is used.`,
            hint: `Add ${variable} to the substitutions the aks stack sets (model/workload-identities.ts), or stop passing it on.`,
          }),
        );
      }
    }
    // Flux substitutes the objects in git, not what charts render from them.
    if (r.release) continue;
    const passed = passedOn.get(r.kustomization);
    for (const [variable, field] of variablesOf(r)) {
      const unknown = !known.has(variable);
      if (!unknown && (!passed || passed.has(variable))) continue;
      out.push(
        finding(state, r, {
          code: SUBSTITUTION,
          severity: 'error',
          message: `${objectId(o)} uses post-build variable ${variable}${field ? ` (still there at ${field})` : ''}, which ${unknown ? "the gitops stack's Flux configuration does not set" : `Kustomization ${r.kustomization} does not pass on`}; Flux writes an empty string in its place.`,
          hint: unknown ? `Have the aks stack set ${variable} (model/workload-identities.ts), or do not reference it.` : `Add ${variable} to spec.postBuild.substitute of Kustomization ${r.kustomization}.`,
        }),
      );
    }
  }
  return out;
}

/** The objectName of every entry in a SecretProviderClass's parameters.objects (a YAML string: array: [YAML strings]). */
export function vaultObjects(spc: RenderedObject): Array<{ name: string; type: string }> {
  const raw = text(at(spc.object, 'spec', 'parameters', 'objects'));
  if (!raw) return [];
  let entries: unknown;
  try {
    entries = at(parse(raw), 'array');
  } catch {
    return [];
  }
  return list(entries).flatMap((entry) => {
    let item: unknown = entry;
    try {
      if (typeof entry === 'string') item = parse(entry);
    } catch {
      return [];
    }
    const name = text(at(item, 'objectName'));
    return name ? [{ name, type: text(at(item, 'objectType')) ?? 'secret' }] : [];
  });
}

function vaultSecrets(state: ClusterState): VerifyFinding[] {
  const written = new Set(state.vaultSecrets);
  const vault = state.environment.names.keyVault;
  const out: VerifyFinding[] = [];
  for (const r of state.objects) {
    if (r.object.kind !== 'SecretProviderClass') continue;
    const id = objectId(r.object);
    const keyvault = text(at(r.object, 'spec', 'parameters', 'keyvaultName'));
    if (keyvault !== undefined && keyvault !== vault) {
      out.push(
        finding(state, r, {
          code: VAULT_SECRET,
          severity: 'error',
          message: `${id} reads from key vault ${keyvault}, but the environment's key vault is ${vault}; the provider finds nothing there (or is denied) and the pods mounting the class stay in ContainerCreating.`,
          hint: `Set spec.parameters.keyvaultName to ${vault} (env.names.keyVault).`,
        }),
      );
    }
    for (const object of vaultObjects(r).filter((o) => o.type === 'secret' && !written.has(o.name))) {
      out.push(
        finding(state, r, {
          code: VAULT_SECRET,
          severity: 'error',
          message: `${id} reads Key Vault secret ${object.name}, which no Terraform stack writes to ${vault}; the provider cannot mount it, so the pods mounting the class stay in ContainerCreating.`,
          hint: `Declare ${object.name} among the release's vaultSecrets in the catalog so the aks stack writes it, or read a secret a stack writes (${[...written].join(', ') || 'none'}).`,
        }),
      );
    }
  }
  return out;
}

export const terraformContractCheck: Check = (state) => [...substitutions(state), ...vaultSecrets(state)];
