// Runs each running container's healthcheck: one probe at a time per container (the next is timed
// from the end of the previous, as Docker's monitor does), results recorded by rules.ts, status
// changes saved and published as `health_status: <status>` events.
import type { ContainerRecord, HealthLogEntry, HealthStatus } from '../types.js';
import { applyResult, MAX_OUTPUT_BYTES, nextDelay, probeConfig, truncateOutput, type ProbeConfig } from './rules.js';
import { timeoutOutput } from './timeout-text.js';

export interface HealthHost {
  record(id: string): ContainerRecord | undefined;
  /** Runs the probe command inside the container to its end (exec), killing it after timeoutMs. */
  exec(id: string, cmd: string[], timeoutMs: number, maxOutput: number): Promise<{ exitCode: number; output: Buffer; truncated: boolean; timedOut: boolean }>;
  save(rec: ContainerRecord): Promise<void>;
  publish(rec: ContainerRecord, action: string): void;
  log(level: 'debug' | 'warn', msg: string, fields: Record<string, unknown>): void;
  /** Told after every status change (self-healing acts on "unhealthy"). */
  statusChanged(rec: ContainerRecord, before: HealthStatus, after: HealthStatus): void;
}

interface Loop { cfg: ProbeConfig; timer?: NodeJS.Timeout; stopped: boolean; startedAtMs: number }

export class HealthMonitor {
  private readonly loops = new Map<string, Loop>();

  constructor(private readonly host: HealthHost) {}

  /** Probes currently scheduled or running (for tests and the soak check). */
  get active(): number { return this.loops.size; }

  /**
   * The container started (or berthd adopted it running): its probe loop begins. A fresh start
   * resets the status to "starting"; an adopted one keeps what it had.
   */
  started(rec: ContainerRecord, adopted = false): void {
    this.stop(rec.id);
    const cfg = probeConfig(rec.effective.healthcheck);
    if (!cfg) { delete rec.state.health; return; }
    const prior = rec.state.health;
    if (!adopted || !prior) rec.state.health = { status: 'starting', failingStreak: 0, log: prior?.log ?? [] };
    const startedAtMs = Date.parse(rec.state.startedAt) || Date.now();
    const loop: Loop = { cfg, stopped: false, startedAtMs };
    this.loops.set(rec.id, loop);
    this.schedule(rec.id, loop);
  }

  /** The container stopped: no more probes; its status reads "unhealthy" (what Docker shows once its monitor stops). */
  stopped(rec: ContainerRecord): void {
    this.stop(rec.id);
    if (rec.state.health) rec.state.health.status = 'unhealthy';
  }

  shutdown(): void {
    for (const id of [...this.loops.keys()]) this.stop(id);
  }

  private stop(id: string): void {
    const loop = this.loops.get(id);
    if (!loop) return;
    loop.stopped = true;
    clearTimeout(loop.timer);
    this.loops.delete(id);
  }

  private schedule(id: string, loop: Loop): void {
    const rec = this.host.record(id);
    if (!rec?.state.health || loop.stopped) return;
    loop.timer = setTimeout(() => { void this.probe(id, loop); }, nextDelay(rec.state.health, loop.cfg, loop.startedAtMs));
    loop.timer.unref();
  }

  private async probe(id: string, loop: Loop): Promise<void> {
    const rec = this.host.record(id);
    if (loop.stopped || !rec) return;
    // A paused container cannot run a probe: skip this turn.
    if (rec.state.status !== 'running') { this.schedule(id, loop); return; }
    const start = new Date();
    let entry: HealthLogEntry;
    try {
      const r = await this.host.exec(id, loop.cfg.cmd, loop.cfg.timeoutMs, MAX_OUTPUT_BYTES);
      const out = truncateOutput(r.output, r.truncated);
      entry = r.timedOut
        ? { start: start.toISOString(), end: new Date().toISOString(), exitCode: -1, output: timeoutOutput(loop.cfg.timeoutMs, out) }
        : { start: start.toISOString(), end: new Date().toISOString(), exitCode: r.exitCode, output: out };
    } catch (e) {
      entry = { start: start.toISOString(), end: new Date().toISOString(), exitCode: -1, output: e instanceof Error ? e.message : String(e) };
    }
    // The container stopped or restarted while the probe ran: its result belongs to no one.
    if (loop.stopped || !rec.state.health || this.loops.get(id) !== loop) return;
    const health = rec.state.health;
    const streak = health.failingStreak;
    const before = applyResult(health, entry, loop.cfg, loop.startedAtMs);
    this.host.log('debug', 'health probe', { id, exitCode: entry.exitCode, status: health.status });
    if (before !== health.status || streak !== health.failingStreak) {
      await this.host.save(rec).catch((e: unknown) => this.host.log('warn', 'saving health failed', { id, error: String(e) }));
    }
    if (before !== health.status) {
      this.host.publish(rec, `health_status: ${health.status}`);
      this.host.statusChanged(rec, before, health.status);
    }
    this.schedule(id, loop);
  }
}
