// Human durations as Docker's status column shows them (go-units HumanDuration).
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(ms / 60_000);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(ms / 3_600_000);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** Seconds since the epoch of an ISO time, 0 when unset. */
export function unixSeconds(iso: string | undefined): number {
  if (!iso || iso.startsWith('0001-')) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

export const isoOrZero = (iso: string | undefined) => (iso ? iso : ZERO_TIME);
