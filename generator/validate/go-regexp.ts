// Go regular expressions in Kubernetes schemas that JavaScript cannot read: a leading (?i) (case
// insensitive) has no JavaScript group syntax. Each ASCII letter outside character classes and
// escapes becomes a class of both cases, which means the same and compiles everywhere, ajv's
// standalone code included.
export function jsPattern(pattern: string): string {
  if (!pattern.includes('(?i)')) return pattern;
  let out = '';
  let inClass = false;
  const source = pattern.replaceAll('(?i)', '');
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      const end = source[i + 2];
      if (/[a-z]/i.test(c) && source[i + 1] === '-' && end !== undefined && /[a-z]/i.test(end)) {
        // A range of letters: the same range in both cases.
        out += `${c.toLowerCase()}-${end.toLowerCase()}${c.toUpperCase()}-${end.toUpperCase()}`;
        i += 2;
      } else out += /[a-z]/i.test(c) ? `${c.toLowerCase()}${c.toUpperCase()}` : c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else out += /[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  }
  return out;
}

/** The schema with every pattern readable by JavaScript. */
export function withJsPatterns<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withJsPatterns) as T;
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'pattern' && typeof v === 'string' ? jsPattern(v) : withJsPatterns(v)])) as T;
}
