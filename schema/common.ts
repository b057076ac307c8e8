// Primitive types shared by the environment schema parts. Every constraint here is plain
// JSON Schema (type, pattern, enum, bounds) so the editor schema accepts exactly what zod accepts.
import { z } from './zod.ts';

/** RFC 1123 label: what Kubernetes namespaces and our derived names are built from. */
export const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'Use lowercase letters, digits and "-", starting with a letter and ending with a letter or digit.');

/** A fully qualified DNS name without the trailing dot, e.g. retro.example.com. */
export const hostname = z
  .string()
  .max(253)
  .regex(
    /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'Use a lowercase DNS name such as retro.example.com (no scheme, no trailing dot).',
  );

/** Azure subscription, tenant and object IDs. */
export const guid = z.guid('Use a GUID such as 00000000-0000-0000-0000-000000000000.');

export const cidr = z.cidrv4('Use an IPv4 CIDR such as 10.20.0.0/16.');
export const ipv4 = z.ipv4('Use an IPv4 address such as 10.0.0.10.');

/** A Go/Flux duration such as 1m, 90s or 1h30m. */
export const duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, 'Use a duration such as 30s, 5m, 1h or 1h30m.')
  .regex(/\d/, 'A duration needs at least one number, such as 5m.');

/** A chart version pin: exact semver, optionally with a leading v (cert-manager uses one). */
export const chartVersion = z
  .string()
  .regex(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'Use an exact chart version such as 4.15.1 (ranges are not allowed: pins keep diffs meaningful).');

/** releases.<name>.chartVersion: every release can pin another version than the catalog's. */
export const chartVersionPin = chartVersion.optional().describe('Pin a different chart version than the catalog default.');

export const email = z.email('Use an e-mail address such as platform@example.com.');

export const weekday = z.enum(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);

/** 24-hour clock time, HH:mm. */
export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time such as 02:00.');

/** Kubernetes label keys and values (prefix optional). */
export const labelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'Use a Kubernetes label key such as workload or example.com/team.');
export const labelValue = z
  .string()
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, 'Use a Kubernetes label value: up to 63 letters, digits, "-", "_" or ".".');
export const labels = z.record(labelKey, labelValue);

/** Azure resource tags. */
export const tags = z.record(
  z.string().min(1).max(512).regex(/^[^<>%&\\?/]+$/, 'Tag names may not contain < > % & \\ ? or /.'),
  z.string().max(256),
);
