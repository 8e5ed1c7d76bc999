// Human-readable sizes, durations and times, exactly as the docker CLI prints them
// (go-units HumanSize / BytesSize / HumanDuration, Go's time.String).
import { humanDuration } from '../../common/human-duration.js';

const decimalUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function scaled(size: number, base: number, units: string[], precision: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) { size /= base; i++; }
  return `${Number(size.toPrecision(precision))}${units[i]}`;
}

/** "4.26MB", "0B", "1.2kB": decimal units, 3 significant digits (images, ps --size, df). */
export const humanSize = (bytes: number): string => scaled(Math.max(0, bytes), 1000, decimalUnits, 3);

/** go-units HumanSize (4 significant digits): what `system df` prints. */
export const humanSize4 = (bytes: number): string => scaled(Math.max(0, bytes), 1000, decimalUnits, 4);

/** "1.379MiB": binary units, 4 significant digits (stats' memory). */
export const bytesSize = (bytes: number): string => scaled(Math.max(0, bytes), 1024, binaryUnits, 4);

/** "Less than a second", "3 seconds", "About a minute" (go-units HumanDuration; shared with the API server). */
export { humanDuration };

/** "3 minutes ago" for a time in the past (seconds or ISO string), as ps and images show CREATED. */
export function ago(when: number | string, now = Date.now()): string {
  const t = typeof when === 'number' ? when * 1000 : Date.parse(when);
  return `${humanDuration(now - t)} ago`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go's time.Time.String() in the local zone: "2026-11-23 08:54:40 +0000 UTC". */
export function goTimeString(date: Date): string {
  const off = -date.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const offStr = `${sign}${pad(Math.trunc(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
  const zone = off === 0 ? 'UTC' : (new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? offStr);
  const d = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const t = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${d} ${t} ${offStr} ${zone}`;
}

/** Parses "1.5g", "512m", "100k", "1024" (docker's RAMInBytes: binary multiples). */
export function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(s.trim());
  if (!m) throw new Error(`invalid size: '${s}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[m[2].toLowerCase() as '' | 'k'];
  return Math.round(Number(m[1]) * mult);
}

/** Parses Go durations ("30s", "1m30s", "500ms", "2h") into nanoseconds. */
export function parseGoDuration(s: string): number {
  const unitNs: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) { total += Number(m[1]) * unitNs[m[2]]; pos = re.lastIndex; }
  if (pos !== s.length || s.length === 0) throw new Error(`time: invalid duration "${s}"`);
  return Math.round(total);
}
