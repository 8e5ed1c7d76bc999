// Supervision of containers after they start: restart policies (with Docker's back-off), the
// health monitor, and self-healing of unhealthy containers. Lifecycle tells it about starts and
// exits (SupervisionHooks); it answers by restarting, killing or stopping through Lifecycle.
import type { ContainerRecord, HealthStatus } from '../types.js';
import type { Lifecycle, SupervisionHooks } from '../containers/lifecycle.js';
import type { LogFn } from '../containers/runtime-context.js';
import { HealthMonitor, type HealthHost } from '../health/monitor.js';
import { healthAction } from '../health/on-failure.js';
import { Backoff, policyRestarts, restartsAtBoot } from './policy.js';

type ProbeExec = HealthHost['exec'];

export class Supervisor implements SupervisionHooks {
  readonly health: HealthMonitor;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly backoffs = new Map<string, Backoff>();
  /** Health restarts back off until the container is healthy again, however long each run lasted. */
  private readonly healBackoffs = new Map<string, Backoff>();
  /** Containers being replaced by --health-on-failure=restart: their next exit brings them back. */
  private readonly healing = new Map<string, NodeJS.Timeout | undefined>();
  private closed = false;

  constructor(private readonly lc: Lifecycle, exec: ProbeExec, private readonly log: LogFn) {
    this.health = new HealthMonitor({
      record: (id) => lc.records.get(id),
      exec,
      save: (rec) => lc.save(rec),
      publish: (rec, action) => lc.publish(action, rec),
      log: (level, msg, fields) => log(level, msg, fields),
      statusChanged: (rec, before, after) => this.healthChanged(rec, before, after),
    });
  }

  /**
   * Takes over once the engine is open: running containers get their probes again, stopped ones
   * whose policy says so come back (always; unless-stopped and on-failure unless stopped by hand).
   */
  attach(): void {
    this.lc.supervision = this;
    for (const rec of this.lc.records.values()) {
      if (rec.state.status === 'running' || rec.state.status === 'paused') { this.health.started(rec, true); continue; }
      if (rec.state.status !== 'exited') continue;
      if (!restartsAtBoot(rec.spec.host.restartPolicy, this.facts(rec))) continue;
      this.log('info', 'starting container by its restart policy', { id: rec.id, policy: rec.spec.host.restartPolicy.name });
      void this.lc.start(rec.id).catch((e: unknown) => this.log('warn', 'restart at boot failed', { id: rec.id, error: String(e) }));
    }
  }

  shutdown(): void {
    this.closed = true;
    this.health.shutdown();
    for (const t of this.pending.values()) clearTimeout(t);
    for (const t of this.healing.values()) clearTimeout(t);
    this.pending.clear();
    this.healing.clear();
  }

  private facts(rec: ContainerRecord) {
    return { exitCode: rec.state.exitCode, manuallyStopped: rec.manuallyStopped, restartCount: rec.restartCount };
  }

  // ---------- hooks from Lifecycle ----------

  started(rec: ContainerRecord): void {
    this.health.started(rec);
  }

  exited(rec: ContainerRecord): boolean {
    this.health.stopped(rec);
    const healing = this.healing.has(rec.id);
    if (healing) { clearTimeout(this.healing.get(rec.id)); this.healing.delete(rec.id); }
    if (this.closed) return false;
    let delay: number;
    if (healing && !rec.manuallyStopped) {
      delay = backoffOf(this.healBackoffs, rec.id).next(0);
    } else if (policyRestarts(rec.spec.host.restartPolicy, this.facts(rec))) {
      const ran = Date.parse(rec.state.finishedAt) - Date.parse(rec.state.startedAt);
      delay = backoffOf(this.backoffs, rec.id).next(Number.isFinite(ran) ? ran : 0);
    } else {
      return false;
    }
    rec.restartCount++;
    this.log('info', 'restarting container', { id: rec.id, exitCode: rec.state.exitCode, restartCount: rec.restartCount, delayMs: delay, reason: healing ? 'unhealthy' : 'policy' });
    const timer = setTimeout(() => { this.pending.delete(rec.id); void this.restartNow(rec.id); }, delay);
    this.pending.set(rec.id, timer);
    return true;
  }

  /** A user starts, stops or removes the container: a pending restart is called off. */
  cancelRestart(rec: ContainerRecord): void {
    clearTimeout(this.pending.get(rec.id));
    this.pending.delete(rec.id);
    clearTimeout(this.healing.get(rec.id));
    this.healing.delete(rec.id);
  }

  /** `start`/`restart` by a user: the policy's count and back-off begin again (as Docker's do). */
  manualStart(rec: ContainerRecord): void {
    this.cancelRestart(rec);
    rec.restartCount = 0;
    this.backoffs.delete(rec.id);
    this.healBackoffs.delete(rec.id);
  }

  removed(id: string): void {
    clearTimeout(this.pending.get(id));
    this.pending.delete(id);
    this.backoffs.delete(id);
    this.healBackoffs.delete(id);
    this.healing.delete(id);
  }

  private async restartNow(id: string): Promise<void> {
    const rec = this.lc.records.get(id);
    if (!rec || rec.state.status !== 'restarting' || this.closed) return;
    try {
      await this.lc.start(id);
      this.lc.publish('restart', rec);
    } catch (e) {
      // Docker gives up when a restart fails to start the process: the container stays stopped.
      this.log('warn', 'restart failed', { id, error: String(e) });
      if (rec.state.status === 'restarting') {
        rec.state.status = 'exited';
        await this.lc.save(rec).catch(() => undefined);
      }
    }
  }

  // ---------- self-healing ----------

  private healthChanged(rec: ContainerRecord, before: HealthStatus, after: HealthStatus): void {
    if (after === 'healthy') this.healBackoffs.delete(rec.id);
    if (after !== 'unhealthy' || before === 'unhealthy') return;
    let action;
    try { action = healthAction({ healthOnFailure: rec.spec.healthOnFailure, labels: rec.effective.labels }); } catch { action = 'none' as const; }
    if (action === 'none') return;
    this.log('info', 'container is unhealthy: acting', { id: rec.id, action });
    const fail = (e: unknown) => this.log('warn', `health-on-failure ${action} failed`, { id: rec.id, error: String(e) });
    if (action === 'kill') void this.lc.kill(rec.id, 'SIGKILL').catch(fail);
    else if (action === 'stop') void this.lc.stop(rec.id, {}).catch(fail);
    else void this.replace(rec).catch(fail);
  }

  /** Ends the process the way `stop` would (signal, then SIGKILL after the stop timeout) without it counting as a manual stop. */
  private async replace(rec: ContainerRecord): Promise<void> {
    const grace = (rec.spec.stopTimeout ?? 10) * 1000;
    const timer = setTimeout(() => { if (this.healing.has(rec.id)) void this.lc.kill(rec.id, 'SIGKILL').catch(() => undefined); }, grace);
    timer.unref();
    this.healing.set(rec.id, timer);
    await this.lc.kill(rec.id, rec.effective.stopSignal);
  }
}

function backoffOf(map: Map<string, Backoff>, id: string): Backoff {
  let b = map.get(id);
  if (!b) map.set(id, (b = new Backoff()));
  return b;
}
