// Maps a field path to a position in the YAML source: the deepest node of the path that exists.
// A wrong value points at the value; a missing key points at the mapping that should hold it.
import { isMap, isNode, isScalar, isSeq, type Node } from 'yaml';
import type { YamlSource } from './yaml-document.ts';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export function nodeAt(source: YamlSource, path: readonly PropertyKey[]): { node: Node | undefined; depth: number } {
  let node: unknown = source.root;
  let depth = 0;
  for (const segment of path) {
    let next: unknown;
    if (isMap(node)) {
      next = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment))?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (!isNode(next)) break;
    node = next;
    depth++;
  }
  return { node: isNode(node) ? node : undefined, depth };
}

/** Position of the key node of `key` inside the mapping at `path` (for unknown keys). */
export function keyPosition(source: YamlSource, path: readonly PropertyKey[], key: string): Position | undefined {
  const { node, depth } = nodeAt(source, path);
  if (depth !== path.length || !isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return isNode(pair?.key) ? offsetPosition(source, pair.key.range?.[0] ?? 0) : undefined;
}

export function position(source: YamlSource, path: readonly PropertyKey[]): Position {
  const { node } = nodeAt(source, path);
  return offsetPosition(source, node?.range?.[0] ?? 0);
}

/** True when every segment of the path exists in the document. */
export const exists = (source: YamlSource, path: readonly PropertyKey[]) => nodeAt(source, path).depth === path.length;

function offsetPosition(source: YamlSource, offset: number): Position {
  const { line, col } = source.lines.linePos(offset);
  return { line, column: col };
}
