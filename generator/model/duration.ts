/** Seconds in a Go/Flux duration such as 1m30s or 720h. */
export function durationSeconds(duration: string): number {
  const unit = { h: 3600, m: 60, s: 1 } as const;
  return [...duration.matchAll(/(\d+)([hms])/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0);
}
