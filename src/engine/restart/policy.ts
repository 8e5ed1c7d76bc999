// When a restart policy brings a container back, and after how long: Docker's rules, as pure
// functions so they can be tested without containers.
import type { RestartPolicy } from '../types.js';

/** The first delay before a restart, doubled at each consecutive restart... */
export const BACKOFF_INITIAL_MS = 100;
/** ...up to this ceiling. */
export const BACKOFF_MAX_MS = 60_000;
/** A run at least this long counts as a success: the next delay starts from the beginning again. */
export const BACKOFF_RESET_AFTER_MS = 10_000;

export interface ExitFacts {
  exitCode: number;
  /** A user stopped it (stop, or kill/stop through the API): the policy must not undo it. */
  manuallyStopped: boolean;
  /** Restarts the policy has made since the last manual start (for on-failure:N). */
  restartCount: number;
}

/** Whether the policy restarts a container that just exited (Docker's restart manager). */
export function policyRestarts(policy: RestartPolicy, f: ExitFacts): boolean {
  if (f.manuallyStopped) return false;
  switch (policy.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return f.exitCode !== 0 && (policy.maximumRetryCount <= 0 || f.restartCount < policy.maximumRetryCount);
    default:
      return false;
  }
}

/**
 * Whether the container comes back when berthd starts: `always` even after a manual stop
 * (as Docker does), `unless-stopped` and `on-failure` only if no one stopped it.
 */
export function restartsAtBoot(policy: RestartPolicy, f: ExitFacts): boolean {
  if (policy.name === 'always') return true;
  return policyRestarts(policy, f);
}

/** The doubling delay of one container's consecutive restarts. */
export class Backoff {
  private delay = 0;

  /** The delay before the next restart, given how long the last run lasted. */
  next(ranMs: number): number {
    if (ranMs >= BACKOFF_RESET_AFTER_MS) this.delay = 0;
    this.delay = this.delay === 0 ? BACKOFF_INITIAL_MS : Math.min(this.delay * 2, BACKOFF_MAX_MS);
    return this.delay;
  }

  reset(): void { this.delay = 0; }
}
