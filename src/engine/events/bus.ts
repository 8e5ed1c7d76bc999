// The engine's event stream: every service publishes here; `/events` subscribers, the daemon's
// log and the metrics counters read from here. A bounded ring of past events serves `since`;
// live events fan out to current subscribers.
//
// Publishing is one call, wherever the thing happens (after it happened and was saved):
//   events.publish('image', 'pull', 'busybox:latest', { name: 'busybox' })
//   events.publish('container', 'health_status: healthy', id, { name, image, ...labels })
// Actor ids and attributes follow Docker's (docs/observability.md lists them per action).
import type { EngineEvent } from '../types.js';

type Listener = (e: EngineEvent) => void;

export class EventBus {
  private readonly history: EngineEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private lastNano = 0n;

  constructor(private readonly capacity = 1024) {}

  publish(type: EngineEvent['type'], action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    // Wall-clock nanoseconds, strictly increasing so `since`/`until` cut between two events of one millisecond.
    let timeNano = BigInt(Date.now()) * 1_000_000n + BigInt(process.hrtime()[1] % 1_000_000);
    if (timeNano <= this.lastNano) timeNano = this.lastNano + 1n;
    this.lastNano = timeNano;
    const event: EngineEvent = { type, action, id, attributes, timeNano };
    this.history.push(event);
    if (this.history.length > this.capacity) this.history.shift();
    for (const l of this.listeners) {
      try { l(event); } catch { /* a listener's failure is its own; the publisher's work is done */ }
    }
    return event;
  }

  /** Every event from now on, synchronously as published (for logging and counters). */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Past events since `since` (ns), then live ones until `until` or abort. */
  async *subscribe(opts: { since?: bigint; until?: bigint; signal: AbortSignal }): AsyncIterable<EngineEvent> {
    const queue: EngineEvent[] = [];
    let wake: (() => void) | null = null;
    const listener: Listener = (e) => { queue.push(e); wake?.(); };
    const onAbort = () => wake?.();
    // Subscribe and copy the past in one step: nothing published in between is lost or sent twice.
    this.listeners.add(listener);
    const past = opts.since !== undefined ? this.history.slice() : [];
    opts.signal.addEventListener('abort', onAbort);
    try {
      if (opts.since !== undefined) {
        for (const e of past) if (e.timeNano >= opts.since && (opts.until === undefined || e.timeNano <= opts.until)) yield e;
      }
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      if (opts.until !== undefined && opts.until <= nowNs) return;
      let untilTimer: NodeJS.Timeout | undefined;
      let expired = false;
      if (opts.until !== undefined) {
        untilTimer = setTimeout(() => { expired = true; wake?.(); }, Number((opts.until - nowNs) / 1_000_000n));
      }
      try {
        while (!opts.signal.aborted && !expired) {
          const e = queue.shift();
          if (e) { yield e; continue; }
          await new Promise<void>((r) => { wake = r; });
          wake = null;
        }
      } finally {
        if (untilTimer) clearTimeout(untilTimer);
      }
    } finally {
      this.listeners.delete(listener);
      opts.signal.removeEventListener('abort', onAbort);
    }
  }
}
