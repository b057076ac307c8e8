// The Kubernetes minor versions AKS supports and the last day of each one's community support, from
// the AKS release calendar ("Supported Kubernetes versions in AKS", Microsoft Learn, as of
// 2026-08: "Unless an explicit date is provided, the End of Life date is the last day of the
// specified month"). A project can add or correct entries in slipway.config.json
// (kubernetesVersions), because the calendar moves faster than Slipway's releases.
export const aksVersionEndOfLife: Readonly<Record<string, string>> = {
  '1.31': '2025-11-01',
  '1.32': '2026-03-31',
  '1.33': '2026-07-31',
  '1.34': '2026-11-30',
  '1.35': '2027-03-31',
  '1.36': '2027-06-30',
  '1.37': '2027-10-31',
};

/** What validation judges against besides the file: the date and the support calendar. */
export interface Policy {
  /** Today, YYYY-MM-DD (UTC). */
  readonly today: string;
  /** Minor version -> last day of support, YYYY-MM-DD. */
  readonly kubernetesVersions: Readonly<Record<string, string>>;
}

/** Today from SLIPWAY_TODAY (tests and reproducible CI runs) or the clock, and the calendar with the project's additions. */
export function policyFor(env: NodeJS.ProcessEnv = process.env, overrides: Readonly<Record<string, string>> = {}): Policy {
  const today = env.SLIPWAY_TODAY ?? new Date().toISOString().slice(0, 10);
  return { today, kubernetesVersions: { ...aksVersionEndOfLife, ...overrides } };
}

/** Days from a to b (YYYY-MM-DD). */
export const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
