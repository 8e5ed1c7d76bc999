// The engine's event stream: every service publishes here, `/events` subscribers read from here.
// A bounded ring of past events serves `since`; live events fan out to current subscribers.
import type { EngineEvent } from '../types.js';

type Listener = (e: EngineEvent) => void;

export class EventBus {
  private readonly history: EngineEvent[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(private readonly capacity = 1024) {}

  publish(type: EngineEvent['type'], action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const ms = BigInt(Date.now());
    const event: EngineEvent = { type, action, id, attributes, timeNano: ms * 1_000_000n + BigInt(process.hrtime()[1] % 1_000_000) };
    this.history.push(event);
    if (this.history.length > this.capacity) this.history.shift();
    for (const l of this.listeners) l(event);
    return event;
  }

  /** Past events since `since` (ns), then live ones until `until` or abort. */
  async *subscribe(opts: { since?: bigint; until?: bigint; signal: AbortSignal }): AsyncIterable<EngineEvent> {
    const queue: EngineEvent[] = [];
    let wake: (() => void) | null = null;
    const listener: Listener = (e) => { queue.push(e); wake?.(); };
    const onAbort = () => wake?.();
    // Subscribe before replaying so nothing published in between is lost.
    this.listeners.add(listener);
    opts.signal.addEventListener('abort', onAbort);
    try {
      if (opts.since !== undefined) {
        for (const e of this.history) if (e.timeNano >= opts.since && (opts.until === undefined || e.timeNano <= opts.until)) yield e;
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
