// A ValidatingAdmissionPolicy evaluated the way the API server does it, for tests: the CEL runs in
// @marcbachmann/cel-js, a small evaluator of the CEL spec (macros all/exists/map/filter, has(),
// ext-strings split/join, CEL's error semantics: a missing key is an error, not null). Around it, the
// admission semantics of kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/:
// - matchConstraints.resourceRules select the request by API group, resource and operation;
// - matchConditions: "If any match condition evaluates to false, the policy is skipped"; an error
//   evaluating one is a failure, handled by failurePolicy (Fail: the request is refused);
// - variables are evaluated lazily, in the context of `object`, `request` and earlier variables
//   (an error surfaces where a variable is used);
// - each validation that evaluates to false refuses the request with messageExpression's result (or
//   message when messageExpression fails); one that errors refuses it through failurePolicy Fail.
// Like Kubernetes (k8s.io/apiserver pkg/cel/environment/base.go: cel.HomogeneousAggregateLiterals),
// list and map literals must be homogeneous.
import { Environment } from '@marcbachmann/cel-js';
import type { KubeObject } from '../../generator/catalog/types.ts';

const cel = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: true });

export interface CelRequest {
  readonly group: string;
  readonly resource: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly namespace: string;
  readonly username: string;
  readonly object: Readonly<Record<string, unknown>>;
}

/** One refusal: the index of the validation, its message, and whether the expression failed rather than returned false. */
export interface CelDenial {
  readonly validation: number;
  readonly message: string;
  readonly error?: string;
}

export type CelVerdict = { readonly applies: false } | { readonly applies: true; readonly denials: readonly CelDenial[] };

type Json = Record<string, unknown>;
const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/**
 * The object as the API server holds it when the policy runs: a null field is no field. A built-in
 * kind decodes null into a nil map, slice or pointer, which it does not encode again (omitempty), and
 * for a custom resource "null values for fields that either don't specify the nullable flag, or give
 * it a false value, will be pruned before defaulting happens" (Kubernetes docs, CustomResourceDefinitions,
 * "Defaulting and Nullable"). Helm renders an empty `annotations:` as null.
 */
function decoded(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decoded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, decoded(v)]));
  return value;
}

/** The context of one request: what Kubernetes binds to object, oldObject, request and namespaceObject. */
function contextOf(r: CelRequest): Json {
  return {
    object: decoded(r.object),
    oldObject: null,
    request: {
      kind: { group: r.group, version: 'v1', kind: String(r.object.kind) },
      resource: { group: r.group, version: 'v1', resource: r.resource },
      name: String((r.object.metadata as Json | undefined)?.name ?? ''),
      namespace: r.namespace,
      operation: r.operation,
      userInfo: { username: r.username, groups: [] },
    },
    namespaceObject: { metadata: { name: r.namespace, labels: { 'kubernetes.io/metadata.name': r.namespace } } },
  };
}

/** The variables of a policy as a lazily evaluated map: each computed on first use, an error thrown where it is used. */
function lazyVariables(policy: KubeObject, base: Json): Json {
  const variables: Json = {};
  const context = { ...base, variables };
  for (const v of asList((policy.spec as Json).variables)) {
    let state: { value?: unknown; error?: unknown } | undefined;
    Object.defineProperty(variables, String(v.name), {
      enumerable: true,
      get() {
        state ??= (() => {
          try {
            return { value: cel.evaluate(String(v.expression), context) };
          } catch (error) {
            return { error };
          }
        })();
        if ('error' in state) throw state.error;
        return state.value;
      },
    });
  }
  return context;
}

/** What the policy (with a Deny binding in every namespace) does with the request. */
export function evaluatePolicy(policy: KubeObject, r: CelRequest): CelVerdict {
  const spec = policy.spec as Json;
  const rules = asList((spec.matchConstraints as Json).resourceRules);
  const selected = rules.some((rule) => (rule.apiGroups as string[]).includes(r.group) && (rule.resources as string[]).includes(r.resource) && (rule.operations as string[]).includes(r.operation));
  if (!selected) return { applies: false };
  const context = lazyVariables(policy, contextOf(r));
  for (const condition of asList(spec.matchConditions)) {
    let matched: unknown;
    try {
      matched = cel.evaluate(String(condition.expression), context);
    } catch (error) {
      return { applies: true, denials: [{ validation: -1, message: `match condition ${String(condition.name)} failed`, error: String(error) }] };
    }
    if (matched !== true) return { applies: false };
  }
  const denials: CelDenial[] = [];
  asList(spec.validations).forEach((v, validation) => {
    let result: unknown;
    try {
      result = cel.evaluate(String(v.expression), context);
    } catch (error) {
      denials.push({ validation, message: String(v.message), error: String(error) });
      return;
    }
    if (result === true) return;
    if (typeof result !== 'boolean') {
      denials.push({ validation, message: String(v.message), error: `returned ${typeof result}` });
      return;
    }
    let message = String(v.message);
    if (typeof v.messageExpression === 'string') {
      try {
        const m = cel.evaluate(v.messageExpression, context);
        if (typeof m === 'string' && m.trim() !== '') message = m;
      } catch {
        // Kubernetes falls back to message.
      }
    }
    denials.push({ validation, message });
  });
  return { applies: true, denials };
}

/** Every function and method an expression calls, and the macros it uses (has, all, exists, map, filter). */
export function functionsOf(expression: string): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const n = node as { op?: string; args?: unknown };
    if (n.op === 'call' && Array.isArray(n.args)) found.add(String(n.args[0]));
    if (n.op === 'rcall' && Array.isArray(n.args)) found.add(String(n.args[0]));
    if (n.args !== undefined) walk(n.args);
  };
  walk(cel.parse(expression).ast);
  return [...found].sort();
}

/** cel-js's type check of an expression with every variable dynamic, as `object` is in Kubernetes. */
export const typeCheck = (expression: string) => cel.check(expression);
