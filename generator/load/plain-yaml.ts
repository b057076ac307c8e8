// Environment files use a small part of YAML: block mappings and lists, one-line flow lists and
// mappings of scalars, plain and one-line quoted scalars, comments. This reads that part straight
// into the nodes the `yaml` library composes (Scalar, YAMLMap, YAMLSeq, Pair, at the same offsets),
// in a fraction of the library's time: its lexer, CST and composer were most of loading a fleet.
// Anything else (anchors, tags, block scalars, multi-line scalars, escapes, tabs, CR, an empty
// value, a key that reads as a number...) and any doubt returns undefined, and the library reads
// the file: it stays the reference. Plain scalars are resolved by the library's own YAML 1.2 core
// tags, so a value means what it means there. test/load/plain-yaml.test.ts holds the two readers to
// the same nodes and the same load results on the examples, every fixture and fuzzed files.
import { Document, isScalar, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, type Node, type ScalarTag } from 'yaml';

/**
 * The core schema's scalar tags, in the library's order: a plain value takes the first whose test
 * matches (default true), a key may also match those marked for keys (compose-scalar.js).
 */
const CORE_TAGS = new Document(null, { version: '1.2' }).schema.tags.filter((t): t is ScalarTag => !t.collection && Boolean(t.default) && t.test !== undefined);
const VALUE_TAGS = CORE_TAGS.filter((t) => t.default === true);
const RESOLVE_OPTIONS = new Document(null, { version: '1.2', intAsBigInt: false }).options;

/** Characters that make the library's rules apply (tabs, CR, BOM, other controls): not read here. */
const UNREAD = /[\t\r\ufeff\u0000-\u0008\u000b-\u001f]/;
/** A plain scalar may not start with these (YAML indicators). */
const INDICATOR = /[-?:,[\]{}#&*!|>'"%@`]/;

class Unread extends Error {}
const give = (): never => {
  throw new Unread();
};

/** One line holding content (not blank, not only a comment): where it starts and its indentation. */
interface Line {
  readonly start: number;
  readonly end: number;
  /** Column of the content; for a "- key: value" item, reset to the key's column when it is read. */
  indent: number;
}

export interface PlainYaml {
  readonly root: YAMLMap;
  readonly lines: LineCounter;
}

/** The document's nodes, or undefined when the file needs the library. */
export function readPlainYaml(text: string): PlainYaml | undefined {
  if (UNREAD.test(text)) return undefined;
  const lines = new LineCounter();
  lines.addNewLine(0); // as the library's parser counts lines
  const content: Line[] = [];
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    else lines.addNewLine(end + 1);
    let c = start;
    while (c < end && text.charCodeAt(c) === 32) c++;
    if (c < end && text[c] !== '#') {
      // Directives and document markers.
      if (c === start && (text[c] === '%' || text.startsWith('---', c) || text.startsWith('...', c))) return undefined;
      content.push({ start, end, indent: c - start });
    }
    start = end + 1;
  }
  if (content.length === 0 || content[0]!.indent !== 0) return undefined;
  try {
    const reader = new Reader(text, content);
    const root = reader.block(0);
    if (!(root instanceof YAMLMap) || reader.at < content.length) return undefined;
    return { root, lines };
  } catch (e) {
    if (e instanceof Unread) return undefined;
    throw e;
  }
}

class Reader {
  at = 0;
  constructor(
    private readonly text: string,
    private readonly lines: Line[],
  ) {}

  private get line(): Line | undefined {
    return this.lines[this.at];
  }

  private contentOf(line: Line): number {
    return line.start + line.indent;
  }

  private isItem(line: Line): boolean {
    const c = this.contentOf(line);
    return this.text[c] === '-' && (c + 1 === line.end || this.text[c + 1] === ' ');
  }

  /** The mapping or list whose lines are indented by `indent`. */
  block(indent: number): YAMLMap | YAMLSeq {
    const line = this.line;
    if (!line || line.indent !== indent) give();
    return this.isItem(line!) ? this.list(indent) : this.mapping(indent);
  }

  private mapping(indent: number): YAMLMap {
    const map = new YAMLMap();
    let last = 0;
    for (let line = this.line; line && line.indent === indent && !this.isItem(line); line = this.line) {
      const start = this.contentOf(line);
      const key = this.key(start, line.end, false) ?? give();
      let after = key.colon + 1;
      while (after < line.end && this.text[after] === ' ') after++;
      this.at++;
      let value: Node;
      // The key's colon is followed by a space or the end of the line, so "#" here starts a comment.
      if (after === line.end || this.text[after] === '#') {
        value = this.nested(indent, true);
      } else {
        value = this.inline(after, line.end, indent);
      }
      map.items.push(new Pair(key.node, value));
      last = value.range![1];
    }
    if (map.items.length === 0) give();
    const first = (map.items[0]!.key as Scalar).range![0];
    map.range = [first, last, last];
    return map;
  }

  private list(indent: number): YAMLSeq {
    const seq = new YAMLSeq();
    const first = this.contentOf(this.line!);
    let last = first;
    for (let line = this.line; line && line.indent === indent && this.isItem(line); line = this.line) {
      const dash = this.contentOf(line);
      let c = dash + 1;
      while (c < line.end && this.text[c] === ' ') c++;
      let item: Node;
      if (c === line.end || this.text[c] === '#') {
        this.at++;
        item = this.nested(indent, false);
      } else if (this.text[c] === '-' && (c + 1 === line.end || this.text[c + 1] === ' ')) {
        item = give(); // "- - a": a list in a list on one line
      } else if (this.key(c, line.end, false)) {
        // "- key: value": a mapping whose keys line up with this one.
        line.indent = c - line.start;
        item = this.mapping(line.indent);
      } else {
        this.at++;
        item = this.inline(c, line.end, indent);
      }
      seq.items.push(item);
      last = item.range![1];
    }
    seq.range = [first, last, last];
    return seq;
  }

  /** A value on the lines after its key or dash: a block indented further, or a list beside a key. */
  private nested(parent: number, afterKey: boolean): Node {
    const line = this.line;
    if (line && line.indent > parent) return this.block(line.indent);
    // A list may sit at its key's own indentation ("key:\n- a").
    if (afterKey && line && line.indent === parent && this.isItem(line)) return this.list(parent);
    return give(); // an empty value: the library decides what it is
  }

  /** A value that starts on its key's or dash's line and ends there. */
  private inline(start: number, end: number, parent: number): Node {
    const ch = this.text[start]!;
    let node: Node;
    let c: number;
    if (ch === '[' || ch === '{') [node, c] = this.flow(start, end);
    else if (ch === '"' || ch === "'") [node, c] = this.quoted(start, end);
    else {
      node = this.plain(start, end, 'block') ?? give();
      c = node.range![1];
    }
    while (c < end && this.text[c] === ' ') c++;
    if (c < end && (this.text[c] !== '#' || this.text[c - 1] !== ' ')) give();
    // A line indented past this value would continue it (or be an error).
    const next = this.line;
    if (next && next.indent > parent) give();
    return node;
  }

  /** A mapping key at `start` and the colon after it, or undefined when there is none on the line. */
  private key(start: number, end: number, flow: boolean): { node: Scalar; colon: number } | undefined {
    const ch = this.text[start];
    let node: Scalar | undefined;
    let c: number;
    if (ch === '"' || ch === "'") {
      const close = this.closingQuote(start, end);
      if (close === undefined || this.text[close + 1] !== ':') return undefined;
      [node, c] = this.quoted(start, end);
    } else {
      if (ch === undefined || INDICATOR.test(ch)) return undefined;
      c = start;
      for (;;) {
        c = this.text.indexOf(':', c);
        if (c < 0 || c >= end) return undefined;
        const next = this.text[c + 1];
        if (c + 1 === end || next === ' ' || (flow && (next === ',' || next === '}'))) break;
        c++;
      }
      const source = this.text.slice(start, c);
      // A comment before the colon, a flow indicator in a flow key, or spaces before the colon.
      if (/ #|^#/.test(source) || (flow && /[,[\]{}]/.test(source)) || source.endsWith(' ')) return undefined;
      node = this.scalar(source, start, c, true);
      if (!node) return undefined;
    }
    if (c - start > 1024 || this.text[c] !== ':') return undefined;
    return { node, colon: c };
  }

  /** A plain scalar from `start` to the end of the line (block) or to the next flow indicator (flow). */
  private plain(start: number, end: number, context: 'block' | 'flow'): Scalar | undefined {
    const ch = this.text[start]!;
    // An indicator cannot start a plain scalar, except "-" before a character that ends nothing ("-1", "-x").
    if (INDICATOR.test(ch) && !(ch === '-' && start + 1 < end && !/[ ,[\]{}]/.test(this.text[start + 1]!))) return undefined;
    let c = start;
    for (; c < end; c++) {
      const x = this.text[c];
      if (x === '#' && this.text[c - 1] === ' ') break;
      if (x === ':' && (c + 1 === end || this.text[c + 1] === ' ' || (context === 'flow' && /[,[\]{}]/.test(this.text[c + 1]!)))) return undefined;
      if (context === 'flow' && (x === ',' || x === '[' || x === ']' || x === '{' || x === '}')) break;
    }
    let stop = c;
    while (stop > start && this.text[stop - 1] === ' ') stop--;
    if (stop === start) return undefined;
    return this.scalar(this.text.slice(start, stop), start, stop, false);
  }

  /** A plain scalar's node, resolved as the library's core schema resolves it. */
  private scalar(source: string, start: number, end: number, atKey: boolean): Scalar | undefined {
    if (atKey && CORE_TAGS.some((t) => t.test!.test(source))) return undefined; // a key that reads as a number, boolean or null
    const tag = VALUE_TAGS.find((t) => t.test!.test(source));
    let node: Scalar;
    if (!tag) node = new Scalar(source);
    else {
      let failed = false;
      const value = tag.resolve(source, () => (failed = true), RESOLVE_OPTIONS);
      if (failed) return undefined;
      node = isScalar(value) ? value : new Scalar(value);
    }
    node.range = [start, end, end];
    return node;
  }

  /** Offset of the quote that closes the one-line quoted scalar at `start`. */
  private closingQuote(start: number, end: number): number | undefined {
    const quote = this.text[start];
    for (let c = start + 1; c < end; c++) {
      const x = this.text[c];
      if (quote === '"' && x === '\\') return undefined; // escapes: the library's
      if (x !== quote) continue;
      if (quote === "'" && this.text[c + 1] === "'") {
        c++;
        continue;
      }
      return c;
    }
    return undefined; // continues on the next line
  }

  private quoted(start: number, end: number): [Scalar, number] {
    const close = this.closingQuote(start, end) ?? give();
    const inner = this.text.slice(start + 1, close);
    const node = new Scalar(this.text[start] === "'" ? inner.replaceAll("''", "'") : inner);
    node.range = [start, close + 1, close + 1];
    return [node, close + 1];
  }

  /** "[a, b]" or "{ k: v }" of scalars, on one line. */
  private flow(start: number, end: number): [Node, number] {
    const isSeq = this.text[start] === '[';
    const collection = isSeq ? new YAMLSeq() : new YAMLMap();
    const close = isSeq ? ']' : '}';
    const skip = (c: number) => {
      while (c < end && this.text[c] === ' ') c++;
      return c;
    };
    let c = skip(start + 1);
    if (this.text[c] !== close) {
      for (;;) {
        let item: Node;
        if (isSeq) [item, c] = this.flowScalar(c, end);
        else {
          const key = this.key(c, end, true) ?? give();
          const after = key.colon + 1;
          if (this.text[after] !== ' ') give();
          let value: Node;
          [value, c] = this.flowScalar(skip(after), end);
          item = new Pair(key.node, value) as unknown as Node;
        }
        collection.items.push(item as never);
        c = skip(c);
        if (this.text[c] === ',') {
          c = skip(c + 1);
          if (this.text[c] === close || this.text[c] === ',') give(); // a trailing or doubled comma
          continue;
        }
        if (this.text[c] === close) break;
        give();
      }
    }
    collection.flow = true;
    collection.range = [start, c + 1, c + 1];
    return [collection, c + 1];
  }

  private flowScalar(start: number, end: number): [Scalar, number] {
    const ch = this.text[start];
    if (ch === '"' || ch === "'") return this.quoted(start, end);
    const node = this.plain(start, end, 'flow') ?? give();
    return [node, node.range![1]];
  }
}
