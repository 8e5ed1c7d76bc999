// ContainerService of the engine contract: the lifecycle plus logs, attach, top, stats, archive,
// prune and update, each delegated to the module that knows how.
import type { Readable } from 'node:stream';
import type { ContainerService } from '../contract.js';
import type {
  EndpointSpec,
  ArchiveStat, AttachOptions, ContainerListOptions, ContainerRecord, ContainerSpec, ContainerStatsSample,
  LogLine, LogOptions, StdioSession, WaitCondition, WaitResult,
} from '../types.js';
import { conflict, notImplemented } from '../../common/errors.js';
import { connectContainer, disconnectContainer } from './networking.js';
import { Lifecycle } from './lifecycle.js';
import { containerLogs } from './logs.js';
import { openSession } from './stdio-session.js';
import { topProcesses, statsSample } from './inspect-process.js';
import { resizeTerminal } from '../runtime/terminal.js';
import { getArchive, putArchive, statPath } from './archive.js';
import { ociResources } from '../runtime/resources.js';
import type { RuntimeContext } from './runtime-context.js';
import type { Supervisor } from '../restart/supervisor.js';
import { healthAction } from '../health/on-failure.js';
import { parseSignal } from '../runtime/signals.js';


/** How long an exit status waits for attached output to drain before it is sent anyway. */
const ATTACH_DRAIN_LIMIT_MS = 2000;
export class Containers implements ContainerService {
  readonly lc: Lifecycle;
  /** Restart policies, healthchecks and self-healing (set by the engine once open). */
  supervisor?: Supervisor;

  constructor(readonly ctx: RuntimeContext) {
    this.lc = new Lifecycle(ctx);
    this.lc.outputDrained = (id) => this.attachedDrained(id);
  }

  open(): Promise<void> { return this.lc.open(); }
  shutdown(): Promise<void> { return this.lc.shutdown(); }

  private copy(rec: ContainerRecord): ContainerRecord {
    return structuredClone(rec);
  }

  async create(spec: ContainerSpec): Promise<{ id: string; warnings: string[] }> {
    healthAction(spec); // a bad berth.health-on-failure label fails the create
    return this.lc.create(spec);
  }

  async list(opts?: ContainerListOptions): Promise<ContainerRecord[]> {
    const all = [...this.lc.records.values()].filter((r) => opts?.all || this.lc.isRunning(r));
    return all.sort((a, b) => b.created.localeCompare(a.created)).map((r) => this.copy(r));
  }

  async get(idOrName: string): Promise<ContainerRecord> { return this.copy(this.lc.find(idOrName)); }
  async start(id: string): Promise<void> {
    const rec = this.lc.find(id);
    if (rec.state.status !== 'running' && rec.state.status !== 'paused') this.supervisor?.manualStart(rec);
    await this.lc.start(id);
  }
  stop(id: string, opts: { timeout?: number; signal?: string }): Promise<void> { return this.lc.stop(id, opts); }

  async restart(id: string, opts: { timeout?: number; signal?: string }): Promise<void> {
    await this.lc.stop(id, opts);
    const rec = this.lc.find(id);
    this.supervisor?.manualStart(rec);
    await this.lc.start(id);
    this.lc.publish('restart', rec);
  }

  async kill(id: string, signal?: string): Promise<void> {
    const rec = this.lc.find(id);
    // As Docker: a kill with SIGKILL or the stop signal is a manual stop the restart policy keeps.
    const sig = parseSignal(signal, 'SIGKILL');
    if (this.lc.isRunning(rec) && (sig === 'SIGKILL' || sig === rec.effective.stopSignal)) {
      rec.manuallyStopped = true;
      await this.lc.save(rec);
    }
    await this.lc.kill(id, signal);
  }
  remove(id: string, opts: { force: boolean; volumes: boolean; link?: boolean }): Promise<void> { return this.lc.remove(id, opts); }
  rename(id: string, newName: string): Promise<void> { return this.lc.rename(id, newName); }

  async connectNetwork(idOrName: string, network: string, endpoint: EndpointSpec): Promise<void> {
    if (!this.ctx.networks) throw notImplemented('networks are not available in this engine');
    const rec = this.lc.find(idOrName);
    await connectContainer(this.ctx.networks, rec, this.lc.isRunning(rec), network, endpoint);
    await this.lc.save(rec);
  }

  async disconnectNetwork(idOrName: string, network: string): Promise<void> {
    if (!this.ctx.networks) throw notImplemented('networks are not available in this engine');
    const rec = this.lc.find(idOrName);
    await disconnectContainer(this.ctx.networks, rec, network);
    await this.lc.save(rec);
  }
  pause(id: string): Promise<void> { return this.lc.pause(id); }
  unpause(id: string): Promise<void> { return this.lc.unpause(id); }

  async wait(id: string, condition: WaitCondition): Promise<{ result: Promise<WaitResult> }> {
    const rec = this.lc.find(id);
    const { result } = this.lc.wait(id, condition);
    // A client that reads the exit status and then stops reading (dockerode's run(), scripts)
    // must already have every byte of output: hold the status until the attached streams drain.
    return { result: result.then(async (r) => { await this.attachedDrained(rec.id); return r; }) };
  }

  /** Sessions attached to each container, by their `done` promise. */
  private readonly attached = new Map<string, Set<Promise<void>>>();

  private async attachedDrained(id: string): Promise<void> {
    const sessions = this.attached.get(id);
    if (!sessions || sessions.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => { timer = setTimeout(r, ATTACH_DRAIN_LIMIT_MS); });
    await Promise.race([Promise.all([...sessions]), bound]);
    clearTimeout(timer);
  }

  private track(id: string, done: Promise<void>): void {
    let set = this.attached.get(id);
    if (!set) this.attached.set(id, (set = new Set()));
    set.add(done);
    void done.then(() => { set.delete(done); if (set.size === 0 && this.attached.get(id) === set) this.attached.delete(id); });
  }

  async attach(id: string, opts: AttachOptions): Promise<StdioSession> {
    const rec = this.lc.find(id);
    const running = this.lc.isRunning(rec);
    const exit = this.lc.nextExit(rec.id);
    const start = running ? undefined : this.lc.nextStart(rec.id);
    let unregister: (() => void) | undefined;
    const wantStdin = opts.stdin && rec.spec.openStdin;
    const session = await openSession({
      logPath: rec.logPath,
      fromStart: opts.logs,
      stream: opts.stream,
      wantStdout: opts.stdout,
      wantStderr: opts.stderr,
      over: exit.promise,
      started: start?.promise ?? Promise.resolve(),
      resize: (cols, rows) => this.resize(rec.id, cols, rows),
      onClose: () => { exit.cancel(); start?.cancel(); unregister?.(); },
    }, wantStdin && opts.stream ? {
      path: this.lc.paths.attachSocket(rec.id),
      connectNow: running,
      register: (connect) => { unregister = this.lc.onStart(rec.id, async () => { await connect(); unregister?.(); }); },
    } : undefined);
    if (opts.stream) this.track(rec.id, session.done);
    this.lc.publish('attach', rec);
    return session;
  }

  logs(id: string, opts: LogOptions, signal?: AbortSignal): AsyncIterable<LogLine> {
    return containerLogs(this.lc, id, opts, signal);
  }

  private cgroupPath(rec: ContainerRecord): string { return `${this.ctx.cgroupParent}/${rec.id}`; }

  async top(id: string, psArgs?: string): Promise<{ titles: string[]; processes: string[][] }> {
    const rec = this.lc.find(id);
    if (!this.lc.isRunning(rec)) throw conflict(`Container ${rec.id} is not running`);
    return topProcesses(this.cgroupPath(rec), psArgs);
  }

  async stats(id: string): Promise<ContainerStatsSample> {
    const rec = this.lc.find(id);
    return statsSample(this.cgroupPath(rec), this.lc.isRunning(rec) ? rec.state.pid : 0);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    const rec = this.lc.find(id);
    if (!this.lc.isRunning(rec)) throw conflict(`Container ${rec.id} is not running`);
    if (!rec.spec.tty) return;
    await resizeTerminal(this.lc.paths.bundleDir(rec.id), cols, rows);
  }

  /**
   * Mounts a container's rootfs for a reader and returns its release. Holds are counted so that
   * neither the container's exit nor another reader's release unmounts it while one is in use;
   * the last release unmounts it unless the container runs.
   */
  private async holdRootfs(id: string): Promise<{ rootfs: string; release: () => Promise<void> }> {
    const rec = this.lc.find(id);
    const holds = this.lc.rootfsHolds;
    holds.set(rec.id, (holds.get(rec.id) ?? 0) + 1);
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      const left = (holds.get(rec.id) ?? 1) - 1;
      if (left > 0) { holds.set(rec.id, left); return; }
      holds.delete(rec.id);
      if (!this.lc.isRunning(rec) && this.lc.records.has(rec.id)) await this.ctx.rootfs.unmount(rec.id).catch(() => undefined);
    };
    try {
      return { rootfs: await this.ctx.rootfs.mount(rec.id, rec.imageId), release };
    } catch (e) {
      await release();
      throw e;
    }
  }

  /** The rootfs of a container, mounted for the duration of `fn` when it does not run. */
  private async withRootfs<T>(id: string, fn: (rootfs: string) => Promise<T>): Promise<T> {
    const { rootfs, release } = await this.holdRootfs(id);
    try { return await fn(rootfs); } finally { await release(); }
  }

  async getArchive(id: string, path: string): Promise<{ stat: ArchiveStat; tar: Readable }> {
    const { rootfs, release } = await this.holdRootfs(id);
    try {
      const out = await getArchive(rootfs, path, id);
      // The tar streams after we return: the rootfs is released when it is done.
      out.tar.once('close', () => void release());
      return out;
    } catch (e) {
      await release();
      throw e;
    }
  }

  statPath(id: string, path: string): Promise<ArchiveStat> { return this.withRootfs(id, (r) => statPath(r, path, id)); }

  putArchive(id: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void> {
    return this.withRootfs(id, (r) => putArchive(r, path, tar, opts, id));
  }

  async prune(opts: { until?: number; labels?: string[]; labelsNot?: string[] }): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    const deleted: string[] = [];
    let spaceReclaimed = 0;
    for (const rec of [...this.lc.records.values()]) {
      if (this.lc.isRunning(rec)) continue;
      if (opts.until !== undefined && Date.parse(rec.created) / 1000 > opts.until) continue;
      if (opts.labels && !opts.labels.every((l) => matchLabel(rec.effective.labels, l))) continue;
      if (opts.labelsNot?.some((l) => matchLabel(rec.effective.labels, l))) continue;
      spaceReclaimed += await this.ctx.rootfs.size(rec.id).catch(() => 0);
      await this.lc.remove(rec.id, { force: false });
      deleted.push(rec.id);
    }
    return { deleted, spaceReclaimed };
  }

  async update(id: string, changes: { restartPolicy?: ContainerSpec['host']['restartPolicy']; resources?: ContainerSpec['host']['resources'] }): Promise<string[]> {
    const rec = this.lc.find(id);
    if (changes.restartPolicy) {
      if (rec.spec.host.autoRemove && changes.restartPolicy.name !== 'no') throw conflict('Restart policy cannot be updated because AutoRemove is enabled for the container');
      rec.spec.host.restartPolicy = changes.restartPolicy;
    }
    if (changes.resources) {
      rec.spec.host.resources = { ...rec.spec.host.resources, ...changes.resources };
      if (this.lc.isRunning(rec)) await this.ctx.runtime.update(rec.id, JSON.stringify(ociResources(rec.spec.host.resources)), this.lc.paths.bundleDir(rec.id));
    }
    await this.lc.save(rec);
    this.lc.publish('update', rec);
    return [];
  }
}

/** "key" or "key=value" (and the negated "!" forms are the API server's to split). */
function matchLabel(labels: Record<string, string>, filter: string): boolean {
  const neg = filter.startsWith('!');
  const f = neg ? filter.slice(1) : filter;
  const i = f.indexOf('=');
  const hit = i < 0 ? f in labels : labels[f.slice(0, i)] === f.slice(i + 1);
  return neg ? !hit : hit;
}
