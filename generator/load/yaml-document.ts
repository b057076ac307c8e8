// Reads one YAML file into a document that keeps source ranges, turning every syntax problem
// (duplicate keys, tabs, alias bombs, several documents, non-mapping roots) and every input limit
// (size, depth, entries, string length; see limits.ts) into a located Issue. Keys that name
// JavaScript prototype machinery (__proto__, constructor, prototype) are refused here, before any
// code sees the data.
//
// Files in the plain part of YAML that environment files use are read by plain-yaml.ts, into the
// same nodes; the `yaml` library reads the rest, and every file it is asked to (`reader`).
import { LineCounter, parseDocument, isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Issue } from '../issues.ts';
import { LIMITS, nestingOverflow, sizeOverflow } from './limits.ts';
import { readPlainYaml } from './plain-yaml.ts';
import { walkYaml } from './walk.ts';

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  /** The document's top node (null for an empty or unparsed file). */
  readonly root: Node | null;
  readonly lines: LineCounter;
  /** Plain data, present only when the document parsed cleanly. */
  readonly data?: unknown;
  /** Read by plain-yaml.ts rather than the library. */
  readonly plain?: boolean;
}

/** 'plain' tries plain-yaml.ts first; 'library' is the reference, for every file. */
export type YamlReader = 'plain' | 'library';

/** Keys that would reach Object.prototype or a constructor through code that indexes with them. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const yamlCodes: Record<string, { code: string; message: (at: string) => string; hint: string }> = {
  TAB_AS_INDENT: { code: 'YAML_TAB', message: () => 'A tab is used for indentation.', hint: 'Indent with spaces; YAML does not allow tabs for indentation.' },
  MULTIPLE_DOCS: { code: 'YAML_MULTIPLE_DOCUMENTS', message: () => 'The file holds more than one YAML document.', hint: 'Keep one environment per file: remove the extra "---" document.' },
};

export function readYaml(file: string, text: string, reader: YamlReader = 'plain'): { source: YamlSource; issues: Issue[] } {
  const limitIssue = textLimitIssue(file, text);
  if (limitIssue) {
    // Not parsed: no nodes, positions counted on the text itself.
    const lines = new LineCounter();
    // As the library's parser counts: line 1 starts at 0, each line after a line feed.
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    return { source: { file, text, root: null, lines }, issues: [limitIssue] };
  }
  const plain = reader === 'plain' ? readPlainYaml(text) : undefined;
  if (plain) {
    const { root, lines } = plain;
    const issues = structureIssues(file, root, positions(lines));
    return { source: { file, text, root, lines, plain: true, ...(issues.length === 0 && { data: plainData(root) }) }, issues };
  }
  const lines = new LineCounter();
  // uniqueKeys off: the parser compares every key with every other (quadratic); duplicates are found
  // below with a set. logLevel error: the parser would print warnings itself (to stderr).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, strict: true, merge: false, logLevel: 'error' });
  const issues: Issue[] = [];
  const at = positions(lines);

  for (const err of [...doc.errors, ...doc.warnings]) {
    const known = yamlCodes[err.code] ?? (/tab/i.test(err.message) ? yamlCodes.TAB_AS_INDENT : undefined);
    const pos = at(err.pos[0]);
    issues.push({
      code: known?.code ?? 'YAML_SYNTAX',
      severity: 'error',
      message: known ? known.message(text.slice(err.pos[0])) : sentence(err.message),
      file,
      ...pos,
      path: '',
      hint: known?.hint ?? 'Fix the YAML syntax at this position.',
    });
  }
  const root = doc.contents;
  if (issues.length > 0) return { source: { file, text, root, lines }, issues };

  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    issues.push({ code: 'YAML_EMPTY', severity: 'error', message: 'The file is empty.', file, line: 1, column: 1, path: '', hint: 'Start from environments/numbers-test.yaml and fill in your values.' });
    return { source: { file, text, root, lines }, issues };
  }
  if (!isMap(root)) {
    issues.push({
      code: 'YAML_NOT_MAPPING',
      severity: 'error',
      message: `The top level must be a mapping of fields (name, stage, azure, ...), not a ${isCollection(root) ? 'list' : 'single value'}.`,
      file,
      ...at(root.range?.[0] ?? 0),
      path: '',
      hint: 'Write the environment as "key: value" lines at the top level.',
    });
    return { source: { file, text, root, lines }, issues };
  }
  issues.push(...structureIssues(file, root, at));
  if (issues.length > 0) return { source: { file, text, root, lines }, issues };
  try {
    const data = doc.toJS({ maxAliasCount: LIMITS.aliases });
    return { source: { file, text, root, lines, data }, issues };
  } catch (e) {
    issues.push({
      code: 'YAML_ALIAS_LIMIT',
      severity: 'error',
      message: `Aliases expand too far (more than ${LIMITS.aliases} uses), which looks like a resource exhaustion attack: ${sentence((e as Error).message)}`,
      file,
      ...at(firstAliasOffset(root) ?? 0),
      path: '',
      hint: 'Write the values out instead of nesting anchors and aliases.',
    });
    return { source: { file, text, root, lines }, issues };
  }
}

/** What doc.toJS() makes of plain-yaml.ts's nodes: objects, arrays and scalar values (keys are strings). */
function plainData(node: unknown): unknown {
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) out[String((pair.key as { value: unknown }).value)] = plainData(pair.value);
    return out;
  }
  if (isSeq(node)) return node.items.map(plainData);
  return (node as { value: unknown }).value;
}

/** Size and nesting, judged on the text before the parser sees it. */
function textLimitIssue(file: string, text: string): Issue | undefined {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
  };
  const tooLarge = sizeOverflow(text);
  if (tooLarge !== undefined) {
    return {
      code: 'YAML_FILE_TOO_LARGE',
      severity: 'error',
      message: `The file is larger than ${LIMITS.fileBytes / 1024} KiB (Slipway's limit for one environment file); it goes past the limit here and is not read.`,
      file,
      ...position(tooLarge),
      path: '',
      hint: 'An environment file is a few kilobytes: remove generated or pasted content, and keep one environment per file.',
    };
  }
  const tooDeep = nestingOverflow(text, 2 * LIMITS.depth);
  if (tooDeep !== undefined) {
    return {
      code: 'YAML_TOO_DEEP',
      severity: 'error',
      message: `Lists and mappings are nested far more than ${LIMITS.depth} levels deep here (Slipway's limit); the file is not parsed.`,
      file,
      ...position(tooDeep),
      path: '',
      hint: `No environment field is nested more than a few levels: remove the extra brackets or indentation.`,
    };
  }
  return undefined;
}

type At = (offset: number) => { line: number; column: number };

const positions =
  (lines: LineCounter): At =>
  (offset) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

/** Duplicate, reserved and non-scalar keys, and the depth, entry and length limits, on the parsed tree. */
function structureIssues(file: string, root: Node, at: At): Issue[] {
  const issues: Issue[] = [];
  const add = (code: string, node: Node | null | undefined, path: readonly (string | number)[], message: string, hint: string) =>
    issues.push({ code, severity: 'error', message, file, ...at(node?.range?.[0] ?? 0), path: path.join('.'), hint });
  const field = (path: readonly (string | number)[]) => (path.length ? `"${path.join('.')}"` : 'The top level');

  walkYaml(root, {
    collection(node, path, depth) {
      if (depth > LIMITS.depth) {
        add('YAML_TOO_DEEP', node, path, `${field(path)} is nested ${depth} levels deep, more than the ${LIMITS.depth} levels Slipway reads.`, 'No environment field is nested more than a few levels: flatten this value.');
        return false;
      }
      if (node.items.length > LIMITS.entries) {
        const extra = node.items[LIMITS.entries]!;
        add(
          'YAML_TOO_MANY_ENTRIES',
          isPair(extra) ? (extra.key as Node) : (extra as Node),
          path,
          `${field(path)} has ${node.items.length} ${isSeq(node) ? 'items' : 'keys'}, more than the ${LIMITS.entries} Slipway reads in one ${isSeq(node) ? 'list' : 'mapping'}; the first one past the limit is here.`,
          'No environment field needs this many entries: remove the extra ones.',
        );
        return false;
      }
      if (!isMap(node)) return true;
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) {
          const what = isAlias(key) ? 'an alias' : isCollection(key) ? 'a list or mapping' : 'empty';
          add('YAML_COMPLEX_KEY', isNode(key) ? key : (pair.value as Node), path, `${field(path)} has a key that is ${what}, not a plain name.`, 'Write each key as a plain name such as "owner:".');
          continue;
        }
        const name = String(key.value);
        if (RESERVED_KEYS.has(name)) {
          add(
            'YAML_RESERVED_KEY',
            key,
            path,
            `${field(path)} has the key "${name}", which no environment field uses and which names JavaScript object internals (prototype pollution).`,
            `Remove the key "${name}"; if it is a tag or label name, choose another.`,
          );
          continue;
        }
        const first = seen.get(name);
        if (first) {
          add('YAML_DUPLICATE_KEY', key, path, `The key "${name}" appears twice in one mapping (first on line ${at(first.range?.[0] ?? 0).line}).`, 'Remove one of the two keys: YAML readers disagree on which one wins.');
        } else seen.set(name, key);
      }
      return true;
    },
    scalar(node, path, isKey) {
      if (typeof node.value === 'string' && node.value.length > LIMITS.stringLength) {
        add(
          'YAML_STRING_TOO_LONG',
          node,
          path,
          `${isKey ? `A key in ${field(path)}` : field(path)} is ${node.value.length} characters long, more than the ${LIMITS.stringLength} Slipway reads in one ${isKey ? 'key' : 'value'}.`,
          'No environment field holds text this long: shorten it (descriptions stop at 200 characters).',
        );
      }
    },
  });
  return issues;
}

/** The first line of a parser message, ending in a full stop. */
const sentence = (s: string) => s.split('\n')[0]!.trim().replace(/[.:]?$/, '.');

function firstAliasOffset(node: Node): number | undefined {
  let found: number | undefined;
  const visit = (n: unknown): void => {
    if (found !== undefined || !isNode(n)) return;
    if (isAlias(n)) {
      found = n.range?.[0];
      return;
    }
    if (isCollection(n)) for (const item of n.items) visit(isPair(item) ? item.value : item);
  };
  visit(node);
  return found;
}
