// Minimal IPv4 arithmetic for CIDR containment and overlap checks.

export interface Range {
  readonly start: number;
  readonly end: number;
  readonly prefix: number;
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The block of the given prefix that starts at `start`, e.g. formatCidr(168296448, 20) = 10.8.0.0/20. */
export const formatCidr = (start: number, prefix: number) => `${numberToIp(start)}/${prefix}`;

export function parseCidr(cidr: string): Range {
  const [ip, bits] = cidr.split('/') as [string, string];
  const prefix = Number(bits);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ipToNumber(ip) / size) * size;
  return { start, end: start + size - 1, prefix };
}

/** True when the address has host bits set, e.g. 10.0.0.5/16 (Azure rejects it). */
export const hasHostBits = (cidr: string) => parseCidr(cidr).start !== ipToNumber(cidr.split('/')[0]!);

export const contains = (outer: Range, inner: Range) => inner.start >= outer.start && inner.end <= outer.end;
export const overlaps = (a: Range, b: Range) => a.start <= b.end && b.start <= a.end;
export const containsIp = (range: Range, ip: string) => contains(range, { start: ipToNumber(ip), end: ipToNumber(ip), prefix: 32 });
