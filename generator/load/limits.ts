// Bounds on what Slipway reads, so that any input, however hostile, is answered in bounded time and
// memory with a located error. Each bound is far above what a real environment file needs (the
// examples: 5 KiB, 6 levels, 10 entries per list, 200 characters per value).
import { closeSync, openSync, readSync } from 'node:fs';

export const LIMITS = Object.freeze({
  /** Bytes per environment file (25 times the largest example). Reading stops here; the slowest shape to parse (one key per line) takes about half a second at this size. */
  fileBytes: 128 * 1024,
  /** Nested lists and mappings. The yaml parser recurses per level and overflows the stack near 1000. */
  depth: 32,
  /** Entries in one list or one mapping; rules compare entries pairwise. */
  entries: 1000,
  /** Characters in one key or value (Azure tag names, the longest free text, stop at 512). */
  stringLength: 1024,
  /** Alias uses, weighted by what they expand to (yaml's maxAliasCount): no billion laughs. */
  aliases: 50,
  /** Environment files in one run (the benchmark fleet has 500). */
  environmentFiles: 1000,
});

/** The file's text, cut one byte past LIMITS.fileBytes so a huge file is never read whole; undefined when unreadable. */
export function readBounded(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(LIMITS.fileBytes + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    return buffer.subarray(0, length).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Character offset of the first character past LIMITS.fileBytes bytes, or undefined when the text fits. */
export function sizeOverflow(text: string): number | undefined {
  if (text.length <= LIMITS.fileBytes / 4 || Buffer.byteLength(text, 'utf8') <= LIMITS.fileBytes) return undefined;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes > LIMITS.fileBytes) return i;
    if (code >= 0x10000) i++;
  }
  return undefined;
}

/**
 * Offset where the nesting of the text goes past `max` levels, found without parsing, or undefined.
 * The parser itself recurses once per level and can exhaust the stack (or abort the process) on a
 * deep enough input, so it is never handed one. This is a lexical estimate: block levels from the
 * indentation (plus "- " and "? " indicators), flow levels from brackets outside quotes, comments
 * and block scalars. It may count a level or two too many, never far too few; the exact check runs
 * on the parsed document (yaml-document.ts) with the real limit.
 */
export function nestingOverflow(text: string, max: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: string | undefined;
  let blockScalarParent = -1;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let j = start;
    let level = indents.length;
    let lineIndent = 0;
    if (quote === undefined && flow === 0) {
      while (j < end && text[j] === ' ') j++;
      lineIndent = j - start;
      const blank = j >= end || text[j] === '#' || text[j] === '\r';
      if (blockScalarParent >= 0 && (blank || lineIndent > blockScalarParent)) {
        start = end + 1;
        continue;
      }
      blockScalarParent = -1;
      if (blank) {
        start = end + 1;
        continue;
      }
      while (indents.length > 0 && indents.at(-1)! >= lineIndent) indents.pop();
      indents.push(lineIndent);
      level = indents.length;
      if (level > max) return j;
    }
    let valueStart = flow === 0 && quote === undefined;
    let entryColumn = lineIndent;
    let last = '';
    for (; j < end; j++) {
      const c = text[j]!;
      if (quote !== undefined) {
        if (quote === '"' && c === '\\') j++;
        else if (c === quote && quote === "'" && text[j + 1] === "'") j++;
        else if (c === quote) {
          quote = undefined;
          last = c;
        }
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') continue;
      if (c === '#' && (j === start || text[j - 1] === ' ' || text[j - 1] === '\t')) break;
      const next = text[j + 1];
      const separated = next === undefined || next === ' ' || next === '\n' || next === '\r' || next === '\t';
      if (flow > 0) {
        if (c === '[' || c === '{') {
          flow++;
          if (level + flow > max) return j;
        } else if (c === ']' || c === '}') flow--;
        else if ((c === '"' || c === "'") && (last === '' || '[{,:'.includes(last))) quote = c;
        if (flow === 0) valueStart = false;
        last = c;
        continue;
      }
      if (valueStart) {
        if (c === '[' || c === '{') {
          flow = 1;
          last = c;
          if (level + flow > max) return j;
          continue;
        }
        if ((c === '-' || c === '?' || c === ':') && separated) {
          entryColumn = j - start;
          if (++level > max) return j;
          continue;
        }
        if (c === '&' || c === '!') {
          while (j + 1 < end && text[j + 1] !== ' ') j++;
          continue;
        }
        if (c === '|' || c === '>') {
          blockScalarParent = entryColumn;
          break;
        }
        if (c === '"' || c === "'") {
          quote = c;
          valueStart = false;
          continue;
        }
        entryColumn = j - start;
        valueStart = false;
      }
      if (c === ':' && separated) valueStart = true;
    }
    start = end + 1;
  }
  return undefined;
}
