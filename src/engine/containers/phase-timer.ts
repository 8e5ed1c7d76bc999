// Where a start, an exit or an exec spends its time: named phases with their durations in ms,
// logged at debug level (berthd --log-level debug) and summarised by bench/engine/trace.ts.
export class PhaseTimer {
  private last = performance.now();
  private readonly first = this.last;
  readonly phases: Record<string, number> = {};

  /** Ends the phase running since the previous mark (or since creation). */
  mark(name: string): void {
    const now = performance.now();
    this.phases[name] = Math.round((now - this.last) * 10) / 10;
    this.last = now;
  }

  /** A branch that ran beside the current phase: its own duration from `since` (performance.now()). */
  side(name: string, since: number): void {
    this.phases[name] = Math.round((performance.now() - since) * 10) / 10;
  }

  /** The phases plus `total`, ready for a log line. */
  fields(): Record<string, number> {
    return { ...this.phases, total: Math.round((performance.now() - this.first) * 10) / 10 };
  }
}
