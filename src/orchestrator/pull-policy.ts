// Compose's pull_policy, decided without an engine: whether `up` pulls a service's image and
// whether it builds it. Values as compose-go reads them: always, never, missing (if_not_present),
// build, and the refresh windows daily, weekly and every_<duration> (pull once the image was last
// tagged longer ago than that: the engine's Metadata.LastTagTime, which Docker leaves at zero for
// pulled images, so those are pulled again each time). Anything else counts as missing.
import { invalidArgument } from '../common/errors.js';
import type { ServiceConfig } from '../compose/index.js';

export type PullPolicy =
  | { kind: 'always' | 'never' | 'missing' | 'build' }
  | { kind: 'refresh'; everyMs: number };

/** `up --pull`: one policy for every service (`policy`: each service's own). */
export const UP_PULL_VALUES = ['always', 'missing', 'never', 'build', 'policy'] as const;

const UNIT_MS: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** `12h`, `1d12h`, `30m` → ms; undefined when it is not a duration. */
export function refreshWindowMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|[wdhms])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]], 0);
}

export function pullPolicyOf(s: ServiceConfig, override?: string): PullPolicy {
  const raw = override && override !== 'policy' ? override : s.pull_policy;
  switch (raw) {
    case 'always': case 'never': case 'build': case 'missing': return { kind: raw };
    case 'if_not_present': return { kind: 'missing' };
    case 'daily': return { kind: 'refresh', everyMs: UNIT_MS.d };
    case 'weekly': return { kind: 'refresh', everyMs: UNIT_MS.w };
  }
  if (typeof raw === 'string' && raw.startsWith('every_')) {
    const everyMs = refreshWindowMs(raw.slice('every_'.length));
    if (everyMs === undefined) throw invalidArgument(`service "${s.name}": invalid pull_policy "${raw}"`);
    return { kind: 'refresh', everyMs };
  }
  return { kind: 'missing' };
}

/** What the engine has of an image: absent, or when it was last tagged (0 when it does not say). */
export type LocalImage = { lastTagMs: number } | undefined;

/** Whether `up` pulls the image before creating (Compose's mustPull). */
export function mustPull(policy: PullPolicy, local: LocalImage, now = Date.now()): boolean {
  switch (policy.kind) {
    case 'always': return true;
    case 'never': case 'build': return false;
    case 'missing': return local === undefined;
    case 'refresh': return local === undefined || now > local.lastTagMs + policy.everyMs;
  }
}

/** Docker's Metadata.LastTagTime → ms since the epoch (its zero time, or none, is 0). */
export function lastTagMs(metadata: { LastTagTime?: string } | undefined): number {
  const t = Date.parse(metadata?.LastTagTime ?? '');
  return Number.isFinite(t) && t > 0 ? t : 0;
}
