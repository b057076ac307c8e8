// HCL text helpers for the templates: quoted strings and "=" aligned the way terraform fmt does.

/** A quoted HCL string; "${" and "%{" are escaped so values are never read as templates. */
export function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** Attribute lines with "=" aligned, as terraform fmt aligns consecutive single-line attributes. */
export function alignAttributes(pairs: ReadonlyArray<readonly [string, string]>, indent: number): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${' '.repeat(indent)}${k.padEnd(width)} = ${v}`).join('\n');
}
