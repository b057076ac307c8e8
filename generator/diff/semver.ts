// Semantic Versioning 2.0.0 precedence (semver.org, section 11), with or without a leading "v"
// (cert-manager tags its charts v1.21.1). Build metadata carries no precedence.
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

interface Version {
  readonly core: readonly [bigint, bigint, bigint];
  readonly pre: readonly string[];
}

function parse(text: string): Version | undefined {
  const m = SEMVER.exec(text.trim());
  if (!m) return undefined;
  return { core: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], pre: m[4] ? m[4].split('.') : [] };
}

const numeric = (s: string) => /^\d+$/.test(s);
const sign = <T extends bigint | number | string>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);

/** -1, 0 or 1 as a precedes, equals or follows b; undefined when either is not a semantic version. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return sign(x.core[i]!, y.core[i]!);
  // A pre-release precedes its release.
  if (x.pre.length === 0 || y.pre.length === 0) return sign(y.pre.length, x.pre.length) as -1 | 0 | 1;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]!;
    const q = y.pre[i]!;
    if (p === q) continue;
    // Numeric identifiers compare as numbers and precede alphanumeric ones, which compare in ASCII order.
    if (numeric(p) && numeric(q)) return sign(BigInt(p), BigInt(q));
    if (numeric(p) !== numeric(q)) return numeric(p) ? -1 : 1;
    return sign(p, q);
  }
  return sign(x.pre.length, y.pre.length);
}

export const isDowngrade = (from: string, to: string) => compareVersions(from, to) === 1;
