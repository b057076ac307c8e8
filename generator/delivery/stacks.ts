// Which Terraform root stacks changed between two versions of out/, per environment, in apply
// order: what a delivery pipeline plans on a pull request and applies after merge. A stack changed
// when a file in its folder changed, or a file of a module it calls (directly or through another
// module) under out/modules/. The calls are read from the module blocks' local `source` paths in
// both versions, so a call added, removed or moved counts on either side.
import path from 'node:path';
import { STACKS } from '../render/terraform/stacks.ts';

/** Files under out/, path relative to out/ -> content. */
export type OutFiles = ReadonlyMap<string, string>;

export type StackStatus = 'added' | 'changed' | 'removed';

export interface StackChange {
  readonly environment: string;
  readonly stack: string;
  /** The stack's folder, relative to out/ (out/<env>/terraform/<stack>). */
  readonly folder: string;
  readonly status: StackStatus;
  /** Changed files, relative to out/: the stack's own first, then its modules'. */
  readonly files: readonly string[];
  /** Why this stack is not planned or applied by a pipeline; undefined when it is. */
  readonly skip?: string;
}

export interface StacksOptions {
  /** Only environments whose Flux configuration syncs this branch are applied (the others are skipped). */
  readonly branch?: string;
}

const STACK_FILE = /^([^/]+)\/terraform\/([^/]+)\/(.+)$/;
const MODULES = 'modules';

/** Terraform's working files beside a stack: never part of what is planned. */
export const isWorkingFile = (file: string) => /(^|\/)\.terraform\//.test(file) || /(^|\/)[^/]*\.tfstate(\.[^/]*)?$/.test(file) || /(^|\/)crash\.log$/.test(file);

/** Stack names in apply order: the renderer's order, then any other (from another generator) by name. */
export function stackOrder(a: string, b: string): number {
  const rank = (s: string) => {
    const i = (STACKS as readonly string[]).indexOf(s);
    return i < 0 ? STACKS.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Every stack whose files or modules differ between base and head, environments by name and each
 * environment's stacks in apply order. A base of undefined is "nothing yet": every stack is added.
 */
export function changedStacks(base: OutFiles | undefined, head: OutFiles, options: StacksOptions = {}): StackChange[] {
  const before = base ?? new Map<string, string>();
  const sides = [before, head].map(layout);
  const [baseLayout, headLayout] = sides as [Layout, Layout];
  const moduleFolders = new Set([...baseLayout.moduleFolders, ...headLayout.moduleFolders]);
  const differing = [...new Set([...before.keys(), ...head.keys()])].filter((f) => !isWorkingFile(f) && before.get(f) !== head.get(f)).sort();
  const changedByModule = new Map<string, string[]>();
  for (const file of differing) {
    if (!file.startsWith(`${MODULES}/`)) continue;
    const owner = ownerOf(file, moduleFolders);
    if (owner) changedByModule.set(owner, [...(changedByModule.get(owner) ?? []), file]);
  }

  const stacks = [...new Set([...baseLayout.stacks.keys(), ...headLayout.stacks.keys()])];
  const changes: StackChange[] = [];
  for (const folder of stacks) {
    const [, environment, stack] = /^([^/]+)\/terraform\/([^/]+)$/.exec(folder)!;
    const own = differing.filter((f) => f.startsWith(`${folder}/`));
    const reached = new Set([...baseLayout.reach(folder), ...headLayout.reach(folder)]);
    const viaModules = [...reached].sort().flatMap((m) => changedByModule.get(m) ?? []);
    if (own.length === 0 && viaModules.length === 0) continue;
    const status: StackStatus = !headLayout.stacks.has(folder) ? 'removed' : !baseLayout.stacks.has(folder) ? 'added' : 'changed';
    changes.push({ environment: environment!, stack: stack!, folder, status, files: [...own, ...viaModules] });
  }
  changes.sort((a, b) => (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : stackOrder(a.stack, b.stack)));
  return changes.map((c) => {
    const skip = skipReason(c, before, head, options);
    return skip ? { ...c, skip } : c;
  });
}

/**
 * Why a pipeline must leave a stack to a person: it is gone (destroying is never automatic), its
 * environment's state still lives on someone's disk (bootstrap), its state is about to move into
 * the account (terraform init -migrate-state is done by hand), or it belongs to another branch.
 */
function skipReason(change: StackChange, base: OutFiles, head: OutFiles, options: StacksOptions): string | undefined {
  const { environment, folder } = change;
  if (change.status === 'removed') return `out/${folder} is gone; destroying what it created is never automatic (terraform destroy by hand, from the base revision's files)`;
  const stateFolder = `${environment}/terraform/state`;
  if (localBackend(head, stateFolder)) return `${environment} is not bootstrapped (its state stack keeps local state, state.bootstrapped: false): apply by hand as README "Applying the infrastructure" says`;
  if (localBackend(base, folder) && !localBackend(head, folder)) return `its state moves from the local file into the state account: run "terraform init -migrate-state" in out/${folder} by hand`;
  if (options.branch !== undefined) {
    const branch = syncedBranch(head, environment);
    if (branch === undefined) return `the branch ${environment} syncs is unknown (no readable out/${environment}/terraform/gitops/terraform.tfvars.json): it is applied from no branch`;
    if (branch !== options.branch) return `${environment} syncs ${branch}, not ${options.branch}: it is applied when ${branch} moves`;
  }
  return undefined;
}

const localBackend = (files: OutFiles, folder: string) =>
  [...files].some(([file, text]) => path.posix.dirname(file) === folder && file.endsWith('.tf') && /^\s*backend\s+"local"/m.test(stripComments(text)));

/** The branch an environment's Flux configuration syncs, from its gitops stack's inputs. */
function syncedBranch(files: OutFiles, environment: string): string | undefined {
  const text = files.get(`${environment}/terraform/gitops/terraform.tfvars.json`);
  if (text === undefined) return undefined;
  try {
    const branch = (JSON.parse(text) as { git?: { branch?: unknown } }).git?.branch;
    return typeof branch === 'string' ? branch : undefined;
  } catch {
    return undefined;
  }
}

interface Layout {
  /** Stack folders (relative to out/). */
  readonly stacks: ReadonlySet<string>;
  /** Folders under out/modules/ holding a module (a .tf file). */
  readonly moduleFolders: ReadonlySet<string>;
  /** Module folders a stack or module calls, transitively. */
  reach(folder: string): Set<string>;
}

function layout(files: OutFiles): Layout {
  const stacks = new Set<string>();
  const tf = new Map<string, string[]>();
  for (const [file, text] of files) {
    if (isWorkingFile(file)) continue;
    const m = STACK_FILE.exec(file);
    if (m && m[1] !== MODULES) stacks.add(`${m[1]}/terraform/${m[2]}`);
    if (file.endsWith('.tf')) {
      const dir = path.posix.dirname(file);
      tf.set(dir, [...(tf.get(dir) ?? []), text]);
    }
  }
  const moduleFolders = new Set([...tf.keys()].filter((d) => d.startsWith(`${MODULES}/`)));
  const calls = (folder: string) =>
    (tf.get(folder) ?? []).flatMap(moduleSources).filter((s) => s.startsWith('./') || s.startsWith('../')).map((s) => path.posix.normalize(path.posix.join(folder, s)).replace(/\/+$/, ''));
  return {
    stacks,
    moduleFolders,
    reach(folder) {
      const seen = new Set<string>();
      const visit = (from: string) => {
        for (const to of calls(from)) {
          if (seen.has(to)) continue;
          seen.add(to);
          visit(to);
        }
      };
      visit(folder);
      return seen;
    },
  };
}

/** The deepest module folder holding a file: a nested module's files are its own, not its parent's. */
function ownerOf(file: string, folders: ReadonlySet<string>): string | undefined {
  for (let dir = path.posix.dirname(file); dir !== '.' && dir !== ''; dir = path.posix.dirname(dir)) if (folders.has(dir)) return dir;
  return undefined;
}

/** HCL without comments, strings kept (a "#" inside a string is not a comment). */
export function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just after the string that opens at `start` (a double quote), escapes and ${...} honoured. */
function stringEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') i++;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && depth > 0) depth--;
    else if (c === '"' && depth === 0) return i + 1;
  }
  return text.length;
}

/** The `source` of every module block of an HCL file, in order. */
export function moduleSources(text: string): string[] {
  const clean = stripComments(text);
  const sources: string[] = [];
  const block = /(^|\n)\s*module\s+"[^"]*"\s*\{/g;
  for (let m = block.exec(clean); m; m = block.exec(clean)) {
    // The block's top level, nested blocks and strings skipped: where `source = "..."` lives.
    let depth = 1;
    let top = '';
    let i = m.index + m[0].length;
    while (i < clean.length && depth > 0) {
      const c = clean[i]!;
      if (c === '"') {
        const end = stringEnd(clean, i);
        if (depth === 1) top += clean.slice(i, end);
        i = end;
        continue;
      }
      if (c === '{' || c === '[' || c === '(') depth++;
      else if (c === '}' || c === ']' || c === ')') depth--;
      else if (depth === 1) top += c;
      i++;
    }
    const source = /(^|\n)\s*source\s*=\s*"([^"]*)"/.exec(top);
    if (source) sources.push(source[2]!);
    block.lastIndex = i;
  }
  return sources;
}
