// A minimal in-process `kustomize build` for exactly what Slipway's Flux layout uses: resources
// (files or folders), namespace, and patches (a merge patch from a file or inline, or an inline
// JSON 6902 patch, each with a target). It reads a map of files (path relative to a root ->
// content), so a committed tree read from git and an in-memory render build the same way.
// Anything else in a kustomization is refused by name rather than silently ignored.
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../catalog/types.ts';

export class KustomizeError extends Error {}

export interface Build {
  /**
   * The objects, as `kubectl kustomize <dir>` prints them (order aside). They share unchanged
   * parts with the parsed files and with each other: read them, never change them in place.
   */
  readonly objects: KubeObject[];
  /** Every file the build read: kustomizations, resources and patches. */
  readonly read: ReadonlySet<string>;
}

type Files = ReadonlyMap<string, string>;

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'patches']);

/** Kinds the namespace field leaves alone (kustomize knows them from the built-in API). */
const CLUSTER_SCOPED = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus', 'CSIDriver', 'CSINode',
  'CustomResourceDefinition', 'FlowSchema', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume',
  'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass', 'StorageClass', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);

/** An object during a build, with the name and namespace it had when it was loaded (targets match either). */
interface Resource {
  object: Record<string, any>;
  readonly originalName: string;
  readonly originalNamespace: string | undefined;
}

/** Parsed YAML documents by file content: identical files (a base on both sides of a diff) are parsed once. */
export type ParseCache = Map<string, readonly unknown[]>;

/** Without a cache from the caller, one per file map. */
const defaultCaches = new WeakMap<Files, ParseCache>();

export function parseDocuments(text: string, cache?: ParseCache, file = 'the input'): readonly unknown[] {
  let docs = cache?.get(text);
  if (!docs) {
    docs = parseAllDocuments(text).flatMap((doc) => {
      if (doc.errors.length > 0) throw new KustomizeError(`${file} is not valid YAML: ${doc.errors[0]!.message}`);
      const value = doc.toJS() as unknown;
      return value === null || value === undefined ? [] : [value];
    });
    cache?.set(text, docs);
  }
  return docs;
}

function documents(files: Files, file: string, cache: ParseCache | undefined): readonly unknown[] {
  const text = files.get(file);
  if (text === undefined) throw new KustomizeError(`${file} does not exist.`);
  let shared = cache;
  if (!shared) {
    shared = defaultCaches.get(files);
    if (!shared) defaultCaches.set(files, (shared = new Map()));
  }
  return parseDocuments(text, shared, file);
}

const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The path of a reference inside the tree, or an error when it leaves the tree. */
function resolve(dir: string, reference: string, from: string): string {
  const joined = path.posix.normalize(path.posix.join(dir, reference));
  if (joined === '..' || joined.startsWith('../') || path.posix.isAbsolute(reference)) {
    throw new KustomizeError(`${from} refers to ${reference}, which is outside the tree being built; keep every resource inside it.`);
  }
  return joined === '.' ? '' : joined;
}

export const kustomizationFile = (files: Files, dir: string): string | undefined =>
  KUSTOMIZATION_FILES.map((name) => (dir ? `${dir}/${name}` : name)).find((f) => files.has(f));

/**
 * The folders a cluster sync would build among those of the given files: every folder with a
 * kustomization that no other of these kustomizations lists as a resource.
 */
export function kustomizationRoots(files: Files, candidates: Iterable<string>, cache?: ParseCache): string[] {
  const folders = new Set<string>();
  for (const file of candidates) {
    const slash = file.lastIndexOf('/');
    if (KUSTOMIZATION_FILES.includes(file.slice(slash + 1))) folders.add(file.slice(0, slash));
  }
  const included = new Set<string>();
  for (const dir of folders) {
    let spec: unknown;
    try {
      [spec] = documents(files, kustomizationFile(files, dir)!, cache);
    } catch {
      continue; // the build of this folder reports it
    }
    for (const entry of isMap(spec) && Array.isArray(spec.resources) ? spec.resources : []) {
      if (typeof entry === 'string') included.add(path.posix.normalize(path.posix.join(dir, entry)));
    }
  }
  return [...folders].filter((d) => !included.has(d)).sort();
}

/** Builds the folder dir of the tree like `kubectl kustomize dir`. */
export function kustomizeBuild(files: Files, dir: string, cache?: ParseCache): Build {
  const read = new Set<string>();
  const objects = build({ files, read, cache }, dir.replace(/\/+$/, ''), []).map((r) => r.object as KubeObject);
  return { objects, read };
}

interface Context {
  readonly files: Files;
  readonly read: Set<string>;
  readonly cache: ParseCache | undefined;
}

function build(context: Context, dir: string, stack: readonly string[]): Resource[] {
  const { files, read, cache } = context;
  const file = kustomizationFile(files, dir);
  if (!file) throw new KustomizeError(`${dir || '.'} has no kustomization.yaml, so it cannot be built; add one or list the files instead of the folder.`);
  if (stack.includes(dir)) throw new KustomizeError(`${file} includes itself through ${[...stack, dir].join(' -> ')}; remove the cycle.`);
  read.add(file);
  const [spec] = documents(files, file, cache);
  if (!isMap(spec)) throw new KustomizeError(`${file} is not a mapping; a kustomization is a YAML mapping with resources, namespace and patches.`);
  for (const key of Object.keys(spec)) {
    if (!SUPPORTED_FIELDS.has(key)) throw new KustomizeError(`${file}: the field "${key}" is not supported by Slipway's built-in kustomize, which reads only resources, namespace and patches; build this folder with kubectl kustomize instead.`);
  }

  const resources: Resource[] = [];
  for (const entry of list(spec.resources, `${file} resources`)) {
    if (typeof entry !== 'string') throw new KustomizeError(`${file}: every entry of resources must be a path; found ${JSON.stringify(entry)}.`);
    const target = resolve(dir, entry, file);
    if (files.has(target)) {
      read.add(target);
      for (const doc of documents(files, target, cache)) resources.push(load(doc, target));
    } else if (kustomizationFile(files, target)) {
      resources.push(...build(context, target, [...stack, dir]));
    } else {
      throw new KustomizeError(`${file}: the resource ${entry} is neither a file nor a folder with a kustomization.yaml; fix the path.`);
    }
  }
  rejectDuplicates(resources, file);

  for (const [i, patch] of list(spec.patches, `${file} patches`).entries()) applyPatch(context, dir, file, i, patch, resources);

  if (spec.namespace !== undefined) {
    if (typeof spec.namespace !== 'string' || spec.namespace === '') throw new KustomizeError(`${file}: namespace must be a non-empty string.`);
    for (const r of resources) {
      if (CLUSTER_SCOPED.has(r.object.kind)) continue;
      if (/^(Cluster)?RoleBinding$/.test(r.object.kind) && (r.object.subjects ?? []).some((s: { kind?: string }) => s.kind === 'ServiceAccount')) {
        throw new KustomizeError(`${file}: namespace with a ${r.object.kind} naming a ServiceAccount is not supported by Slipway's built-in kustomize (kustomize rewrites such subjects); build this folder with kubectl kustomize instead.`);
      }
      r.object = { ...r.object, metadata: { ...r.object.metadata, namespace: spec.namespace } };
    }
    rejectDuplicates(resources, file);
  }
  return resources;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KustomizeError(`${what} must be a list.`);
  return value;
}

function load(doc: unknown, file: string): Resource {
  if (!isMap(doc) || typeof doc.kind !== 'string' || typeof doc.apiVersion !== 'string' || !isMap(doc.metadata) || typeof doc.metadata.name !== 'string') {
    throw new KustomizeError(`${file} holds a document without apiVersion, kind and metadata.name; every resource must be a Kubernetes object.`);
  }
  // Every change below copies what it changes, so the parsed document itself is never altered.
  const object = doc;
  return { object, originalName: object.metadata.name, originalNamespace: object.metadata.namespace };
}

const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');
const id = (o: Record<string, any>) => `${group(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function rejectDuplicates(resources: readonly Resource[], file: string): void {
  const seen = new Set<string>();
  for (const r of resources) {
    const key = id(r.object);
    if (seen.has(key)) throw new KustomizeError(`${file}: ${r.object.kind} ${r.object.metadata.namespace ? `${r.object.metadata.namespace}/` : ''}${r.object.metadata.name} is listed twice; each object may come from one resource only.`);
    seen.add(key);
  }
}

// ------------------------------------------------------------------------------------ patches

interface Target {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

/** kustomize reads target fields as anchored regular expressions. */
const patterns = new Map<string, RegExp>();
function matches(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(`^(?:${pattern})$`)));
  return re.test(value ?? '');
}

function selected(r: Resource, t: Target, file: string): boolean {
  const o = r.object;
  const [g, v] = o.apiVersion.includes('/') ? [group(o.apiVersion), o.apiVersion.split('/').pop()] : ['', o.apiVersion];
  return (
    matches(t.group, g) &&
    matches(t.version, v) &&
    matches(t.kind, o.kind) &&
    (matches(t.name, o.metadata.name) || matches(t.name, r.originalName)) &&
    (matches(t.namespace, o.metadata.namespace) || matches(t.namespace, r.originalNamespace)) &&
    selects(t.labelSelector, o.metadata.labels, file) &&
    selects(t.annotationSelector, o.metadata.annotations, file)
  );
}

/** Equality selectors only ("a=b,c=d"): the only form our layout could use. */
function selects(selector: string | undefined, fields: Record<string, string> | undefined, file: string): boolean {
  if (selector === undefined) return true;
  return selector.split(',').every((term) => {
    const m = /^\s*([^=!\s]+)\s*==?\s*([^=\s]*)\s*$/.exec(term);
    if (!m) throw new KustomizeError(`${file}: the selector "${selector}" is not supported by Slipway's built-in kustomize, which reads key=value terms only.`);
    return fields?.[m[1]!] === m[2];
  });
}

function applyPatch({ files, read, cache }: Context, dir: string, file: string, index: number, entry: unknown, resources: Resource[]): void {
  const where = `${file} patches[${index}]`;
  if (!isMap(entry)) throw new KustomizeError(`${where} must be a mapping with path or patch, and target.`);
  for (const key of Object.keys(entry)) if (!['path', 'patch', 'target', 'options'].includes(key)) throw new KustomizeError(`${where}: the field "${key}" is not supported by Slipway's built-in kustomize.`);
  if (entry.options !== undefined) throw new KustomizeError(`${where}: patch options are not supported by Slipway's built-in kustomize; build this folder with kubectl kustomize instead.`);
  if ((entry.path === undefined) === (entry.patch === undefined)) throw new KustomizeError(`${where} must have exactly one of path and patch.`);
  let docs: readonly unknown[];
  if (typeof entry.path === 'string') {
    const patchFile = resolve(dir, entry.path, file);
    read.add(patchFile);
    docs = documents(files, patchFile, cache);
  } else if (typeof entry.patch === 'string') {
    docs = parseDocuments(entry.patch, cache, `${where} (inline patch)`);
  } else {
    throw new KustomizeError(`${where}: path and patch must be strings.`);
  }
  const target = entry.target as Target | undefined;
  if (target !== undefined && !isMap(target)) throw new KustomizeError(`${where}: target must be a mapping (kind, name, ...).`);

  if (docs.length === 1 && Array.isArray(docs[0])) {
    if (!target) throw new KustomizeError(`${where}: a JSON 6902 patch needs a target naming the objects it changes.`);
    for (const r of resources.filter((r) => selected(r, target, where))) r.object = jsonPatch(r.object, docs[0] as unknown[], where);
    return;
  }
  for (const doc of docs) {
    if (!isMap(doc)) throw new KustomizeError(`${where}: a patch is either a mapping (merge patch) or a list of JSON 6902 operations.`);
    rejectDirectives(doc, where);
    const chosen = target
      ? resources.filter((r) => selected(r, target, where))
      : resources.filter((r) => selected(r, { kind: escape(doc.kind), name: escape(doc.metadata?.name), ...(doc.metadata?.namespace && { namespace: escape(doc.metadata.namespace) }) }, where));
    if (!target && chosen.length === 0) throw new KustomizeError(`${where}: no resource matches the patch's ${doc.kind} ${doc.metadata?.name}; add a target or fix the name.`);
    for (const r of chosen) r.object = mergePatchKeepingIdentity(r.object, doc);
  }
}

const escape = (s: unknown) => (typeof s === 'string' ? s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : undefined);

/** Strategic-merge directives only mean something for built-in kinds; our patches never need them. */
function rejectDirectives(value: unknown, where: string): void {
  if (Array.isArray(value)) value.forEach((v) => rejectDirectives(v, where));
  else if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) throw new KustomizeError(`${where}: the directive "${k}" is not supported by Slipway's built-in kustomize; build this folder with kubectl kustomize instead.`);
      rejectDirectives(v, where);
    }
  }
}

/**
 * A patch from a file applied as kustomize applies it to a custom resource: a JSON merge patch
 * (RFC 7386: maps merge, lists are replaced, null removes), while the object keeps its apiVersion,
 * kind, name and namespace whatever the patch says.
 */
function mergePatchKeepingIdentity(object: Record<string, any>, patch: Record<string, any>): Record<string, any> {
  const { apiVersion: _a, kind: _k, ...rest } = patch;
  const body: Record<string, any> = { ...rest };
  if (isMap(body.metadata)) {
    const { name: _n, namespace: _ns, ...metadata } = body.metadata;
    body.metadata = metadata;
  }
  const merged = mergePatch(object, body) as Record<string, any>;
  merged.apiVersion = object.apiVersion;
  merged.kind = object.kind;
  merged.metadata = { ...merged.metadata, name: object.metadata.name };
  if (object.metadata.namespace === undefined) delete merged.metadata.namespace;
  else merged.metadata.namespace = object.metadata.namespace;
  return merged;
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  const result: Record<string, unknown> = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

// ------------------------------------------------------------------------------ JSON 6902

const unescapePointer = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

function pointer(p: unknown, where: string): string[] {
  if (typeof p !== 'string' || (p !== '' && !p.startsWith('/'))) throw new KustomizeError(`${where}: "${String(p)}" is not a JSON pointer (it starts with /).`);
  return p === '' ? [] : p.slice(1).split('/').map(unescapePointer);
}

function parentOf(doc: unknown, tokens: readonly string[], where: string): { parent: any; key: string } {
  let node: any = doc;
  for (const t of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(t)] : isMap(node) ? node[t] : undefined;
    if (node === undefined) throw new KustomizeError(`${where}: the path /${tokens.join('/')} does not exist in the target.`);
  }
  return { parent: node, key: tokens[tokens.length - 1]! };
}

function get(doc: unknown, tokens: readonly string[], where: string): unknown {
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens, where);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent?.[key];
  if (value === undefined) throw new KustomizeError(`${where}: the path /${tokens.join('/')} does not exist in the target.`);
  return value;
}

function remove(doc: unknown, tokens: readonly string[], where: string): unknown {
  const value = get(doc, tokens, where);
  const { parent, key } = parentOf(doc, tokens, where);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return value;
}

function add(doc: unknown, tokens: readonly string[], value: unknown, where: string): unknown {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, where);
  if (Array.isArray(parent)) {
    const at = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(at) || at < 0 || at > parent.length) throw new KustomizeError(`${where}: index ${key} is outside the list.`);
    parent.splice(at, 0, value);
  } else if (isMap(parent)) parent[key] = value;
  else throw new KustomizeError(`${where}: /${tokens.join('/')} is not inside a map or list.`);
  return doc;
}

const shallow = (v: unknown): unknown => (Array.isArray(v) ? [...v] : isMap(v) ? { ...v } : v);

/** A copy of doc whose containers along the path are new, so an edit there changes nothing shared. */
function copyPath(doc: unknown, tokens: readonly string[]): unknown {
  const root = shallow(doc);
  let node: any = root;
  for (const t of tokens.slice(0, -1)) {
    const key = Array.isArray(node) ? Number(t) : t;
    const child = node?.[key];
    if (typeof child !== 'object' || child === null) break;
    node[key] = shallow(child);
    node = node[key];
  }
  return root;
}

export function jsonPatch(object: Record<string, any>, operations: readonly unknown[], where: string): Record<string, any> {
  let doc: unknown = object;
  for (const [i, op] of operations.entries()) {
    const at = `${where} operation ${i}`;
    if (!isMap(op)) throw new KustomizeError(`${at} must be a mapping with op and path.`);
    const path = pointer(op.path, at);
    switch (op.op) {
      case 'add':
        doc = add(copyPath(doc, path), path, op.value, at);
        break;
      case 'remove':
        doc = copyPath(doc, path);
        remove(doc, path, at);
        break;
      case 'replace':
        get(doc, path, at);
        if (path.length === 0) doc = op.value;
        else {
          doc = copyPath(doc, path);
          remove(doc, path, at);
          doc = add(doc, path, op.value, at);
        }
        break;
      case 'move': {
        const from = pointer(op.from, at);
        doc = copyPath(copyPath(doc, from), path);
        doc = add(doc, path, remove(doc, from, at), at);
        break;
      }
      case 'copy':
        doc = add(copyPath(doc, path), path, get(doc, pointer(op.from, at), at), at);
        break;
      case 'test':
        if (!sameValue(get(doc, path, at), op.value)) throw new KustomizeError(`${at}: the test of ${op.path} failed.`);
        break;
      default:
        throw new KustomizeError(`${at}: "${String(op.op)}" is not a JSON 6902 operation (add, remove, replace, move, copy, test).`);
    }
  }
  if (!isMap(doc)) throw new KustomizeError(`${where} leaves something that is not an object.`);
  return doc;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isMap(a) && isMap(b)) return Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => k in b && sameValue(a[k], b[k]));
  return false;
}
