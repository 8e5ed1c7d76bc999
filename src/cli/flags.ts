// Small parsers for docker-style flag values, shared by every command.
import { invalidArgument } from '../common/errors.js';
import { parseGoDuration } from './output/units.js';

/** For repeatable flags (-e, -l, -p, -v ...). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function intFlag(flag: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value)) throw invalidArgument(`invalid argument "${value}" for "${flag}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
    return Number(value);
  };
}

/** --filter key=value (repeatable) into the API's {"key": ["value", ...]}. */
export function filtersFrom(list: string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of list ?? []) {
    const i = f.indexOf('=');
    if (i <= 0) throw invalidArgument(`bad format of filter (expected name=value)`);
    (out[f.slice(0, i).toLowerCase()] ??= []).push(f.slice(i + 1));
  }
  return out;
}

/** "12 chars" IDs as docker shows them, without the "sha256:" prefix. */
export function shortId(id: string, noTrunc = false): string {
  const bare = id.startsWith('sha256:') ? id.slice(7) : id;
  return noTrunc ? id : bare.slice(0, 12);
}

/** docker's Ellipsis: cut to n characters, the last one an ellipsis. */
export function ellipsis(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`;
}

/** "busybox" -> "busybox:latest"; digests and explicit tags stay as they are. */
export function withLatest(ref: string): string {
  if (ref.includes('@')) return ref;
  const slash = ref.lastIndexOf('/');
  return ref.slice(slash + 1).includes(':') ? ref : `${ref}:latest`;
}

/** "repo:tag" -> ["repo", "tag"] (tag empty when absent; a registry port is not a tag). */
export function splitRepoTag(ref: string): [string, string] {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, ''];
}

/** docker's GetTimestamp: a relative duration ("42m"), an RFC 3339 time or a unix timestamp -> unix seconds. */
export function apiTimestamp(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  try {
    return ((now - parseGoDuration(value) / 1e6) / 1000).toFixed(9);
  } catch {
    // not a duration: a date
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalidArgument(`invalid value for "since"/"until": ${value}`);
  return (t / 1000).toFixed(9);
}
