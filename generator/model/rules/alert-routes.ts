// Alertmanager's routing, as Alertmanager does it, to tell which receivers an alert reaches and which
// receivers no alert can reach. Semantics of prometheus/alertmanager dispatch/route.go (Route.Match):
// a route matches when all its matchers do; its children are tried in order, and a matching child
// without `continue` stops the search; when no child matches, the route itself takes the alert. A
// route without a receiver inherits its parent's (NewRoute). A matcher on a label the alert does not
// have compares the empty string; regular expressions are anchored (pkg/labels/matcher.go).

export interface AlertRoute {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  readonly continue?: boolean;
  readonly routes?: readonly AlertRoute[];
}

export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export type AlertLabels = Readonly<Record<string, string>>;

/** `severity =~ "critical|warning"`, `alertname = Watchdog`: the matcher syntax Slipway writes. */
export function parseMatcher(text: string): Matcher {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|(\S*))\s*$/.exec(text);
  if (!m) throw new Error(`Cannot read the Alertmanager matcher ${JSON.stringify(text)}.`);
  return { label: m[1]!, op: m[2] as Matcher['op'], value: m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[4]! };
}

export function matches(matcher: Matcher, labels: AlertLabels): boolean {
  const v = labels[matcher.label] ?? '';
  switch (matcher.op) {
    case '=':
      return v === matcher.value;
    case '!=':
      return v !== matcher.value;
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test(v);
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`).test(v);
  }
}

const allMatch = (route: AlertRoute, labels: AlertLabels) => (route.matchers ?? []).every((m) => matches(parseMatcher(m), labels));

/** The receivers an alert with these labels is sent to, in route order. */
export function receiversFor(root: AlertRoute, labels: AlertLabels): string[] {
  const walk = (route: AlertRoute, inherited: string): string[] | undefined => {
    if (!allMatch(route, labels)) return undefined;
    const receiver = route.receiver ?? inherited;
    const all: string[] = [];
    for (const child of route.routes ?? []) {
      const found = walk(child, receiver);
      if (found) all.push(...found);
      if (found && !child.continue) break;
    }
    return all.length > 0 ? all : [receiver];
  };
  return [...new Set(walk(root, root.receiver ?? '') ?? [])];
}

/** A regular expression that is a plain alternation of literals ("critical|warning"): its literals. */
const literals = (regex: string): string[] | undefined => {
  const parts = regex.split('|');
  return parts.every((p) => /^[A-Za-z0-9_ -]*$/.test(p)) ? parts : undefined;
};

/**
 * Receivers of the list that no alert can reach: for each route that names a receiver, the label
 * sets its own matchers and its ancestors' allow are tried (the literal values the matchers name, or
 * a value none names) and routed from the root. Matchers whose regular expressions are not plain
 * alternations of literals cannot be enumerated: such a route counts as reachable.
 */
export function unreachableReceivers(root: AlertRoute, receivers: readonly string[]): string[] {
  const reached = new Set<string>();
  const visit = (route: AlertRoute, path: readonly Matcher[], inherited: string) => {
    const here = [...path, ...(route.matchers ?? []).map(parseMatcher)];
    const receiver = route.receiver ?? inherited;
    if (!reached.has(receiver)) {
      const candidates = witnesses(here);
      if (candidates === undefined || candidates.some((labels) => here.every((m) => matches(m, labels)) && receiversFor(root, labels).includes(receiver))) reached.add(receiver);
    }
    for (const child of route.routes ?? []) visit(child, here, receiver);
  };
  visit(root, [], root.receiver ?? '');
  return receivers.filter((r) => !reached.has(r));
}

/** Label sets to try for a conjunction of matchers, or undefined when a regular expression defeats enumeration. */
function witnesses(matchers: readonly Matcher[]): AlertLabels[] | undefined {
  const values = new Map<string, Set<string>>();
  for (const m of matchers) {
    const named = m.op === '=~' || m.op === '!~' ? literals(m.value) : [m.value];
    if (!named) return undefined;
    const set = values.get(m.label) ?? new Set(['', 'slipway-other-value']);
    for (const v of named) set.add(v);
    values.set(m.label, set);
  }
  let sets: Array<Record<string, string>> = [{}];
  for (const [label, options] of [...values].sort(([a], [b]) => (a < b ? -1 : 1))) {
    sets = sets.flatMap((s) => [...options].map((v) => (v === '' ? s : { ...s, [label]: v })));
  }
  return sets;
}
