// Dependency graphs (Flux dependsOn, helmfile needs): cycles and transitive dependencies.

/** The cycles of a graph: its strongly connected components with more than one node, or a node that needs itself (Tarjan). */
export function cycles(nodes: readonly string[], edges: (node: string) => readonly string[]): string[][] {
  const known = new Set(nodes);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!known.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges(v).includes(v)) out.push(component.reverse());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

/** Everything a node depends on, directly or through others (not itself unless in a cycle). */
export function dependencies(start: string, edges: (node: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...edges(start)];
  while (pending.length) {
    const n = pending.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    pending.push(...edges(n));
  }
  return seen;
}
