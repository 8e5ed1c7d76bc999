// The `filters` query parameter: JSON of {"key": ["v1", "v2"]} or the legacy {"key": {"v1": true}}.
import { invalidArgument } from '../../../common/errors.js';

export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | null | undefined, allowed?: readonly string[]): Filters {
  const out: Filters = new Map();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidArgument(`invalid filter: ${raw}`);
  }
  if (parsed === null) return out;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidArgument(`invalid filter: ${raw}`);
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (allowed && !allowed.includes(key)) throw invalidArgument(`invalid filter '${key}'`);
    let values: string[];
    if (Array.isArray(value)) values = value.map(String);
    else if (value && typeof value === 'object') values = Object.entries(value).filter(([, on]) => on === true).map(([k]) => k);
    else if (typeof value === 'string') values = [value];
    else throw invalidArgument(`invalid filter '${key}'`);
    if (values.length) out.set(key, values);
  }
  return out;
}

/** label filters: "key" (present) or "key=value" (equal). */
export function matchLabels(labels: Record<string, string>, wanted: string[] | undefined): boolean {
  if (!wanted) return true;
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return Object.hasOwn(labels, w);
    return labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

/** The other side of `label!=`: none of the given labels match. */
export function matchNoLabels(labels: Record<string, string>, unwanted: string[] | undefined): boolean {
  if (!unwanted) return true;
  return unwanted.every((w) => !matchLabels(labels, [w]));
}

/** Docker's `since`/`until` query values: unix seconds with an optional fraction, or an RFC 3339 time. */
export function parseTimestampSeconds(raw: string | null | undefined): number | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(raw)) return Number(raw);
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw invalidArgument(`invalid timestamp: ${raw}`);
  return t / 1000;
}

/** Same as parseTimestampSeconds, in nanoseconds (exact for the fraction part). */
export function parseTimestampNanos(raw: string | null | undefined): bigint | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  const m = /^(-?[0-9]+)(?:\.([0-9]{1,9}))?$/.exec(raw);
  if (m) return BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  const secs = parseTimestampSeconds(raw);
  return BigInt(Math.round((secs ?? 0) * 1000)) * 1_000_000n;
}

/** Go-style durations in filters ("24h", "10m30s") or a timestamp: the cut-off in unix seconds. */
export function parseUntil(raw: string, now = Date.now()): number {
  const d = /^([0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$/.test(raw) ? goDurationMs(raw) : undefined;
  if (d !== undefined) return (now - d) / 1000;
  const t = parseTimestampSeconds(raw);
  if (t === undefined) throw invalidArgument(`invalid until: ${raw}`);
  return t;
}

function goDurationMs(raw: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of raw.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}
