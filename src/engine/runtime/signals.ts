// Signal names and numbers as `docker kill -s` and STOPSIGNAL accept them (SIGTERM, TERM, 15).
import { constants } from 'node:os';
import { invalidArgument } from '../../common/errors.js';

const byName = constants.signals as Record<string, number>;

/** Canonical "SIGxxx" name for a user-given signal; numbers are kept as numbers. */
export function parseSignal(input: string | undefined, fallback = 'SIGTERM'): string {
  const s = (input ?? '').trim();
  if (!s) return fallback;
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n <= 0 || n > 64) throw invalidArgument(`Invalid signal: ${s}`);
    return String(n);
  }
  const up = s.toUpperCase();
  const name = up.startsWith('SIG') ? up : `SIG${up}`;
  if (!(name in byName) && !/^SIGRTM(IN|AX)([+-]\d+)?$/.test(name)) throw invalidArgument(`Invalid signal: ${s}`);
  return name;
}

export function signalNumber(sig: string): number {
  if (/^\d+$/.test(sig)) return Number(sig);
  return byName[sig] ?? 15;
}
