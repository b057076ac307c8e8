// Reads one YAML file into a document that keeps source ranges, turning every syntax problem
// (duplicate keys, tabs, alias bombs, several documents, non-mapping roots) into an Issue.
import { LineCounter, parseDocument, isAlias, isCollection, isMap, isNode, isPair, isScalar, type Document, type Node } from 'yaml';
import type { Issue } from '../issues.ts';

/** Aliases are allowed, but an alias that expands into huge data is refused (billion laughs). */
const MAX_ALIAS_COUNT = 50;

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** Plain data, present only when the document parsed cleanly. */
  readonly data?: unknown;
}

const yamlCodes: Record<string, { code: string; message: (at: string) => string; hint: string }> = {
  DUPLICATE_KEY: {
    code: 'YAML_DUPLICATE_KEY',
    message: (at) => `The key "${/^[^:\n]*/.exec(at)![0].trim()}" appears twice in one mapping.`,
    hint: 'Remove one of the two keys: YAML readers disagree on which one wins.',
  },
  TAB_AS_INDENT: { code: 'YAML_TAB', message: () => 'A tab is used for indentation.', hint: 'Indent with spaces; YAML does not allow tabs for indentation.' },
  MULTIPLE_DOCS: { code: 'YAML_MULTIPLE_DOCUMENTS', message: () => 'The file holds more than one YAML document.', hint: 'Keep one environment per file: remove the extra "---" document.' },
};

export function readYaml(file: string, text: string): { source: YamlSource; issues: Issue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true, merge: false });
  const issues: Issue[] = [];
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

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
  if (issues.length > 0) return { source: { file, text, doc, lines }, issues };

  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    issues.push({ code: 'YAML_EMPTY', severity: 'error', message: 'The file is empty.', file, line: 1, column: 1, path: '', hint: 'Start from environments/numbers-test.yaml and fill in your values.' });
    return { source: { file, text, doc, lines }, issues };
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
    return { source: { file, text, doc, lines }, issues };
  }
  try {
    const data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { source: { file, text, doc, lines, data }, issues };
  } catch (e) {
    issues.push({
      code: 'YAML_ALIAS_LIMIT',
      severity: 'error',
      message: `Aliases expand too far (more than ${MAX_ALIAS_COUNT} uses), which looks like a resource exhaustion attack: ${sentence((e as Error).message)}`,
      file,
      ...at(firstAliasOffset(root) ?? 0),
      path: '',
      hint: 'Write the values out instead of nesting anchors and aliases.',
    });
    return { source: { file, text, doc, lines }, issues };
  }
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
