// Times and durations as Docker's JSON and status column show them.
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export { humanDuration } from '../../../common/human-duration.js';

/** Seconds since the epoch of an ISO time, 0 when unset. */
export function unixSeconds(iso: string | undefined): number {
  if (!iso || iso.startsWith('0001-')) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

export const isoOrZero = (iso: string | undefined) => (iso ? iso : ZERO_TIME);
