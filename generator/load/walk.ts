// Visits every node of a parsed YAML tree with its field path, without recursion (the depth limit
// is checked by the visitor itself). Aliases are not followed: each node is visited once.
import { isAlias, isCollection, isMap, isScalar, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

export type YamlPath = readonly (string | number)[];

export interface YamlVisitor {
  /** Return false to skip the collection's contents. `depth` is 1 for the top level. */
  collection?(node: YAMLMap | YAMLSeq, path: YamlPath, depth: number): boolean;
  /** A scalar value at `path`, or a scalar key of the mapping at `path` (isKey). */
  scalar?(node: Scalar, path: YamlPath, isKey: boolean): void;
}

export function walkYaml(root: Node | null | undefined, visitor: YamlVisitor): void {
  const stack: Array<{ node: Node | null | undefined; path: YamlPath; depth: number }> = [{ node: root, path: [], depth: 1 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (!node || isAlias(node)) continue;
    if (isScalar(node)) {
      visitor.scalar?.(node, path, false);
      continue;
    }
    if (!isCollection(node) || visitor.collection?.(node as YAMLMap | YAMLSeq, path, depth) === false) continue;
    const children: typeof stack = [];
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) continue;
        visitor.scalar?.(key, path, true);
        children.push({ node: pair.value as Node | null, path: [...path, String(key.value)], depth: depth + 1 });
      }
    } else {
      (node as YAMLSeq).items.forEach((item, i) => children.push({ node: item as Node, path: [...path, i], depth: depth + 1 }));
    }
    // Reversed onto the stack: visited in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}
