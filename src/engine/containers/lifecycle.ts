// The container state machine: created → running ⇄ paused → exited (→ running again), removed.
// Records live on disk (store.ts); the runtime work (bundle, conmon, runc) happens here.
// Exits arrive from the ExitWatcher; every transition is saved before it is announced.
import { mkdir, readdir, rm, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRecord, ContainerSpec, WaitCondition, WaitResult } from '../types.js';
import { conflict, notFound, invalidArgument, isBerthError, asBerthError } from '../../common/errors.js';
import { ContainerStore } from './store.js';
import { newId, randomName, checkName } from './names.js';
import { effectiveConfig } from './effective-config.js';
import { writeHostFiles } from './host-files.js';
import { ExitWatcher } from './exit-watcher.js';
import { conmonLogSizeMax, logPolicy, rotateIfNeeded } from './log-rotation.js';
import { RuntimePaths, type RuntimeContext } from './runtime-context.js';
import { buildOciConfig } from '../runtime/bundle.js';
import { planHostMounts, ensureBindSources } from '../runtime/binds.js';
import { resolveUser } from '../runtime/user.js';
import { launchConmon } from '../runtime/conmon.js';
import { parseSignal } from '../runtime/signals.js';
import { createContainerMounts, containerOciMounts, removeAnonymousVolumes, unmountVolumes } from './volume-mounts.js';
import { attachNetworking, checkNetworks, detachNetworking, environmentWithLinks, mainNetwork } from './networking.js';
import { canPrepareNetns, createNetnsFile, netnsFile, pinNetnsToProcess, releaseNetnsFile, releaseStrayNetnsFiles } from '../runtime/netns-file.js';
import { PhaseTimer } from './phase-timer.js';
import { SeccompBpfCache } from '../runtime/seccomp-cache.js';

type Waiter = { condition: WaitCondition; resolve: (r: WaitResult) => void };
/** Called between `runtime create` and `runtime start`: attach sessions connect stdin here. */
export type StartHook = (rec: ContainerRecord) => Promise<void>;

/** What supervision (src/engine/restart, health) is told of; set once the engine is open. */
export interface SupervisionHooks {
  started(rec: ContainerRecord): void;
  /** The process exited; true when it will be restarted (the record then reads "restarting"). */
  exited(rec: ContainerRecord): boolean;
  /** A user stops or removes it: a pending restart is called off. */
  cancelRestart(rec: ContainerRecord): void;
  removed(id: string): void;
}

export class Lifecycle {
  readonly paths: RuntimePaths;
  readonly store: ContainerStore;
  readonly records = new Map<string, ContainerRecord>();
  /** Readers (cp, export) using a container's rootfs right now: its exit must not unmount it under them. */
  readonly rootfsHolds = new Map<string, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly startHooks = new Map<string, Set<StartHook>>();
  private readonly exitListeners = new Map<string, Set<() => void>>();
  private readonly startListeners = new Map<string, Set<() => void>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly reservedNames = new Set<string>();
  readonly exits: ExitWatcher;
  supervision?: SupervisionHooks;
  /** Resolves when the streams attached to a container have sent all its output (set by the service). */
  outputDrained?: (id: string) => Promise<void>;
  private readonly seccompPrograms: SeccompBpfCache;

  constructor(readonly ctx: RuntimeContext) {
    this.paths = new RuntimePaths(ctx.dataRoot, ctx.execRoot);
    this.store = new ContainerStore(this.paths.containersDir);
    this.seccompPrograms = new SeccompBpfCache(ctx.runtime);
    this.exits = new ExitWatcher(this.paths.exitDir, (id, code) => { void this.handleExit(id, code); }, (id) => this.records.has(id));
  }

  // ---------- lookup ----------

  find(idOrName: string): ContainerRecord {
    const key = idOrName.replace(/^\//, '');
    const exact = this.records.get(key);
    if (exact) return exact;
    for (const r of this.records.values()) if (r.name === key) return r;
    if (/^[0-9a-f]+$/.test(key) && key.length > 0) {
      const matches = [...this.records.values()].filter((r) => r.id.startsWith(key));
      if (matches.length === 1) return matches[0];
      if (matches.length > 1) throw invalidArgument(`Multiple IDs found with provided prefix: ${key}`);
    }
    throw notFound(`No such container: ${idOrName}`);
  }

  isRunning(rec: ContainerRecord): boolean {
    return rec.state.status === 'running' || rec.state.status === 'paused' || rec.state.status === 'restarting';
  }

  private async withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.locks.set(id, next);
    try { return await next; } finally { if (this.locks.get(id) === next) this.locks.delete(id); }
  }

  async save(rec: ContainerRecord): Promise<void> {
    await this.store.save(rec);
  }

  /** A container event as Docker's: the action's own attributes, the container's labels, then image and name. */
  publish(action: string, rec: ContainerRecord, extra: Record<string, string> = {}): void {
    this.ctx.events.publish('container', action, rec.id, { ...extra, ...rec.effective.labels, image: rec.imageRef, name: rec.name });
  }

  // ---------- open / reconcile ----------

  async open(): Promise<void> {
    for (const d of [this.paths.exitDir, this.paths.socketDir, this.paths.runtimeRoot, join(this.ctx.execRoot, 'c')]) await mkdir(d, { recursive: true });
    await this.store.init();
    for (const rec of await this.store.loadAll()) this.records.set(rec.id, rec);
    for (const rec of [...this.records.values()]) await this.reconcile(rec);
    await Promise.all(this.exitHandling.values());
    await releaseStrayNetnsFiles(this.ctx.execRoot, (id) => { const r = this.records.get(id); return !!r && this.isRunning(r); });
    this.exits.start();
    await this.exits.scan();
    // Exit files of containers that are gone (a berthd killed between a removal's record and its exit file).
    for (const f of await readdir(this.paths.exitDir).catch(() => [] as string[])) {
      if (/^[0-9a-f]{64}$/.test(f) && !this.records.has(f) && !this.removals.has(f)) await rm(join(this.paths.exitDir, f), { force: true });
    }
    this.rotationTimer = setInterval(() => { void this.rotateLogs(); }, 500);
    this.rotationTimer.unref();
  }

  private rotationTimer?: NodeJS.Timeout;
  private rotating = false;

  /** max-file rotation of running containers' logs (see log-rotation.ts). */
  private async rotateLogs(): Promise<void> {
    if (this.rotating) return;
    this.rotating = true;
    try {
      for (const rec of this.records.values()) {
        if (!this.isRunning(rec)) continue;
        const policy = logPolicy(rec);
        if (policy.maxFile < 2 || !policy.maxSize) continue;
        await rotateIfNeeded(rec.logPath, join(this.paths.bundleDir(rec.id), 'ctl'), policy)
          .catch((e: unknown) => this.ctx.log('warn', 'log rotation failed', { id: rec.id, error: String(e) }));
      }
    } finally {
      this.rotating = false;
    }
  }

  private async conmonAlive(id: string): Promise<boolean> {
    const pid = Number((await readFile(join(this.paths.bundleDir(id), 'conmon.pid'), 'utf8').catch(() => '')).trim());
    if (!pid) return false;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return cmd.includes('conmon') && cmd.includes(id);
  }

  /** Brings one record in line with reality after berthd (re)starts. */
  private async reconcile(rec: ContainerRecord): Promise<void> {
    if (rec.state.status === 'removing') { await this.removeNow(rec); return; }
    // berthd stopped during a restart back-off: the process is gone; supervision decides again.
    if (rec.state.status === 'restarting') { rec.state.status = 'exited'; await this.save(rec); return; }
    if (this.isRunning(rec)) {
      const code = await this.exits.read(rec.id);
      if (code !== undefined) { await this.exits.check(rec.id); return; } // exited while berthd was away
      if (await this.conmonAlive(rec.id)) {
        const st = await this.ctx.runtime.state(rec.id);
        const status = st?.status === 'paused' ? 'paused' : 'running';
        if (rec.state.status !== status) { rec.state.status = status; await this.save(rec); }
        return; // re-adopted: its exit file will come
      }
      // The monitor died with berthd's machine or was killed: no exit code was recorded.
      await this.ctx.runtime.delete(rec.id).catch(() => undefined);
      Object.assign(rec.state, { status: 'exited', pid: 0, exitCode: 255, error: 'container monitor was lost', finishedAt: new Date().toISOString() });
      await this.save(rec);
      return;
    }
    if (rec.state.status === 'created') {
      // A start cut short between `runtime create` and saving "running".
      const st = await this.ctx.runtime.state(rec.id);
      if (st?.status === 'running' && (await this.conmonAlive(rec.id))) {
        Object.assign(rec.state, { status: 'running', pid: st.pid, startedAt: new Date().toISOString() });
        await this.save(rec);
      } else if (st) {
        await this.ctx.runtime.delete(rec.id).catch(() => undefined);
      }
    }
  }

  // ---------- create ----------

  async create(spec: ContainerSpec): Promise<{ id: string; warnings: string[] }> {
    const image = await this.ctx.images.get(spec.image);
    let name: string;
    if (spec.name) {
      name = checkName(spec.name);
      const taken = [...this.records.values()].find((r) => r.name === name);
      if (taken || this.reservedNames.has(name)) {
        const by = taken?.id ?? '';
        throw conflict(`Conflict. The container name "/${name}" is already in use by container "${by}". You have to remove (or rename) that container to be able to reuse that name.`);
      }
    } else {
      let i = 0;
      do name = randomName(i++); while ([...this.records.values()].some((r) => r.name === name) || this.reservedNames.has(name));
    }
    this.reservedNames.add(name);
    try {
      const id = newId();
      const hostname = spec.hostname || id.slice(0, 12);
      const { effective, path, args } = effectiveConfig(spec, image, hostname);
      const warnings: string[] = [];
      const dir = this.paths.dataDir(id);
      await mkdir(dir, { recursive: true });
      const rec: ContainerRecord = {
        id, name, created: new Date().toISOString(), imageId: image.id, imageRef: spec.image, path, args, spec, effective,
        state: { status: 'created', pid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: '0001-01-01T00:00:00Z', finishedAt: '0001-01-01T00:00:00Z' },
        restartCount: 0, manuallyStopped: false,
        logPath: join(dir, 'container.log'), rootfsPath: '', hostnamePath: join(dir, 'hostname'), hostsPath: join(dir, 'hosts'), resolvConfPath: join(dir, 'resolv.conf'),
        mounts: [], network: { sandboxKey: '', ports: {}, endpoints: {} },
      };
      if (this.ctx.networks) checkNetworks(this.ctx.networks, rec);
      logPolicy(rec); // bad max-size/max-file fail the create, as Docker's do
      ensureBindSources(spec.host);
      this.premountRootfs(rec);
      try {
        rec.mounts = this.ctx.volumes ? await createContainerMounts(this.ctx.volumes, spec, effective.volumes, (ref) => this.find(ref)) : planHostMounts(spec.host).mounts;
        await writeHostFiles(rec, hostname, spec.host.extraHosts ?? [], spec.host.dns ?? [], spec.host.dnsSearch ?? [], spec.host.dnsOptions ?? []);
        await this.save(rec);
      } catch (e) {
        await this.premounts.get(id);
        await this.ctx.rootfs.remove(id).catch(() => undefined);
        throw e;
      }
      this.records.set(id, rec);
      this.publish('create', rec);
      return { id, warnings };
    } finally {
      this.reservedNames.delete(name);
    }
  }

  /**
   * Mounts the rootfs during create, not awaited: it goes on while create writes its files and
   * answers, and while `docker run` sends attach and wait before start, which finds the mount made
   * (mounts of one container are serialized: start and removal wait for it). A failure here is left
   * to start, which mounts again and reports it.
   */
  private premountRootfs(rec: ContainerRecord): void {
    const done = this.ctx.rootfs.mount(rec.id, rec.imageId).then(() => undefined, () => undefined)
      .finally(() => { if (this.premounts.get(rec.id) === done) this.premounts.delete(rec.id); });
    this.premounts.set(rec.id, done);
  }

  /** Mounts started at create and not over yet (start and removal wait for them). */
  private readonly premounts = new Map<string, Promise<void>>();

  // ---------- start ----------

  onStart(id: string, hook: StartHook): () => void {
    let set = this.startHooks.get(id);
    if (!set) this.startHooks.set(id, (set = new Set()));
    set.add(hook);
    return () => set?.delete(hook);
  }

  /** Resolves at the container's next start (used by attach sessions waiting on a created container). */
  nextStart(id: string): { promise: Promise<void>; cancel: () => void } {
    let set = this.startListeners.get(id);
    if (!set) this.startListeners.set(id, (set = new Set()));
    let fn!: () => void;
    const promise = new Promise<void>((r) => { fn = r; });
    set.add(fn);
    return { promise, cancel: () => { set?.delete(fn); fn(); } };
  }

  /** Resolves at the container's next exit (or removal). */
  nextExit(id: string): { promise: Promise<void>; cancel: () => void } {
    let set = this.exitListeners.get(id);
    if (!set) this.exitListeners.set(id, (set = new Set()));
    let fn!: () => void;
    const promise = new Promise<void>((r) => { fn = r; });
    set.add(fn);
    return { promise, cancel: () => { set?.delete(fn); fn(); } };
  }

  private fire(map: Map<string, Set<() => void>>, id: string): void {
    const set = map.get(id);
    map.delete(id);
    for (const fn of set ?? []) fn();
  }

  async start(idOrName: string): Promise<void> {
    const rec0 = this.find(idOrName);
    await this.withLock(rec0.id, async () => {
      const rec = this.find(rec0.id);
      if (rec.state.status === 'running') return;
      if (rec.state.status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
      if (rec.state.status === 'restarting') this.supervision?.cancelRestart(rec);
      try {
        await this.startNow(rec);
      } catch (e) {
        const err = asBerthError(e);
        rec.state.error = err.message;
        rec.state.exitCode = /no such file|not found/i.test(err.message) ? 127 : 126;
        await this.save(rec);
        await this.cleanupRuntime(rec.id);
        await this.releaseHostResources(rec);
        await releaseNetnsFile(netnsFile(this.ctx.execRoot, rec.id)); // one made before a failed step
        throw err;
      }
    });
  }

  private async startNow(rec: ContainerRecord): Promise<void> {
    const id = rec.id;
    const t = new PhaseTimer();
    // The network namespace is made now, beside the steps below, so that the network attach can
    // run while conmon and the runtime create the container (see attachAlongside).
    const netnsPath = this.ctx.networks && mainNetwork(rec) && canPrepareNetns() ? netnsFile(this.ctx.execRoot, id) : undefined;
    const netnsMade = netnsPath ? createNetnsFile(netnsPath) : undefined;
    netnsMade?.catch(() => undefined); // awaited below
    try {
      await this.startSteps(rec, t, netnsPath, netnsMade);
    } catch (e) {
      await netnsMade?.catch(() => undefined); // the failed start's clean-up releases it: not before it exists
      throw e;
    }
  }

  private async startSteps(rec: ContainerRecord, t: PhaseTimer, netnsPath: string | undefined, netnsMade: Promise<void> | undefined): Promise<void> {
    const id = rec.id;
    const bundle = this.paths.bundleDir(id);
    await this.cleanupRuntime(id);
    await mkdir(join(bundle, 'persist'), { recursive: true });
    t.mark('cleanup');
    await this.premounts.get(id);
    const rootfs = await this.ctx.rootfs.mount(id, rec.imageId);
    rec.rootfsPath = rootfs;
    t.mark('rootfs');
    const user = await resolveUser(rootfs, rec.effective.user, rec.spec.host.groupAdd ?? []);
    const workdir = join(rootfs, rec.effective.workingDir);
    await mkdir(workdir, { recursive: true }).catch(() => undefined);
    const containerPid = (ref: string) => {
      const other = this.find(ref);
      if (!this.isRunning(other)) throw conflict(`cannot join the namespaces of container ${other.id}: it is not running`);
      return other.state.pid;
    };
    const env = environmentWithLinks(rec, (name) => {
      try { const other = this.find(name); return this.isRunning(other) ? other : undefined; } catch { return undefined; }
    });
    if (netnsMade) await netnsMade;
    const config = buildOciConfig({
      record: env === rec.effective.env ? rec : { ...rec, effective: { ...rec.effective, env } }, rootfs, user, cgroupsPath: `${this.ctx.cgroupParent}/${id}`, initBinary: this.ctx.initBinary, containerPid,
      extraMounts: this.ctx.volumes ? await containerOciMounts(this.ctx.volumes, rec, rootfs) : planHostMounts(rec.spec.host).oci,
      netnsPath,
    });
    const seccompKey = this.seccompPrograms.apply(config);
    await writeFile(join(bundle, 'config.json'), JSON.stringify(config));
    this.exits.reset(id);
    t.mark('bundle');
    const logSizeMax = conmonLogSizeMax(logPolicy(rec));
    const created = launchConmon({
      runtime: this.ctx.runtime, containerId: id, sessionId: this.paths.sessionId(id), name: rec.name, bundleDir: bundle,
      pidFile: join(bundle, 'pidfile'), conmonPidFile: join(bundle, 'conmon.pid'), exitDir: this.paths.exitDir,
      persistDir: join(bundle, 'persist'), socketDir: this.paths.socketDir, logPath: rec.logPath, logSizeMax,
      terminal: rec.spec.tty, stdin: rec.spec.openStdin, leaveStdinOpen: rec.spec.openStdin && !rec.spec.stdinOnce, command: rec.path,
    });
    const { pid } = await this.attachAlongside(rec, created, netnsPath, t);
    t.mark(netnsPath ? 'conmon+create || network' : 'conmon+create');
    await this.seccompPrograms.learn(seccompKey, id);
    // The netns exists now and the process has not run yet: its network is ready before it starts.
    if (this.ctx.networks && !netnsPath) await attachNetworking(this.ctx.networks, rec, pid);
    t.mark('network');
    for (const hook of this.startHooks.get(id) ?? []) {
      await hook(rec).catch((e: unknown) => this.ctx.log('warn', 'attach before start failed', { id, error: String(e) }));
    }
    t.mark('hooks');
    await this.ctx.runtime.start(id);
    t.mark('runtime start');
    Object.assign(rec.state, { status: 'running', pid, exitCode: 0, error: '', oomKilled: false, startedAt: new Date().toISOString() });
    rec.manuallyStopped = false;
    await Promise.all([this.save(rec), netnsPath ? pinNetnsToProcess(netnsPath, pid) : undefined]);
    this.publish('start', rec);
    this.supervision?.started(rec);
    this.fire(this.startListeners, id);
    void this.exits.check(id);
    t.mark('save');
    this.ctx.log('debug', 'phases', { op: 'start', id, ...t.fields() });
  }

  /**
   * With a namespace made beforehand, the network attach runs while conmon and the runtime create
   * the container; both are over when this returns (a failure of either throws once both ended,
   * so the start's clean-up never races an attach still under way). The attach's error comes
   * first, as Docker's, which sets up the network before it creates the container (a taken port).
   */
  private async attachAlongside(rec: ContainerRecord, created: Promise<{ pid: number }>, netnsPath: string | undefined, t: PhaseTimer): Promise<{ pid: number }> {
    if (!netnsPath || !this.ctx.networks) return created;
    const since = performance.now();
    const attached = attachNetworking(this.ctx.networks, rec, netnsPath);
    // Which of the two is the longer (logged as their own phases, "... alone").
    void created.then(() => t.side('conmon+create alone', since), () => undefined);
    void attached.then(() => t.side('network alone', since), () => undefined);
    const [c, a] = await Promise.allSettled([created, attached]);
    if (a.status === 'rejected') throw a.reason;
    if (c.status === 'rejected') throw c.reason;
    return c.value;
  }

  /** Removes the runtime's leftovers of a previous run (state, exit file, sockets). */
  private async cleanupRuntime(id: string): Promise<void> {
    // Spawning the runtime costs ~10 ms: only when it has state for this id.
    if (existsSync(join(this.ctx.runtime.root, id))) await this.ctx.runtime.delete(id).catch(() => undefined);
    const bundle = this.paths.bundleDir(id);
    await Promise.all([join(this.paths.exitDir, id), ...['attach', 'ctl', 'winsz', 'pidfile', 'persist/exit', 'persist/oom'].map((f) => join(bundle, f))]
      .map((f) => rm(f, { force: true })));
  }

  // ---------- exit ----------

  /** The pending exit handling of each container, so reconcile can wait for it. */
  private readonly exitHandling = new Map<string, Promise<void>>();

  private handleExit(id: string, code: number): Promise<void> {
    const p = this.handleExitNow(id, code).finally(() => this.exitHandling.delete(id));
    this.exitHandling.set(id, p);
    return p;
  }

  private async handleExitNow(id: string, code: number): Promise<void> {
    const t = new PhaseTimer();
    await this.withLock(id, async () => {
      t.mark('lock');
      const rec = this.records.get(id);
      if (!rec || !this.isRunning(rec)) return;
      const oom = existsSync(join(this.paths.bundleDir(id), 'persist', 'oom')); // one cached lookup: sync
      const ranSeconds = Math.max(0, Math.round((Date.now() - Date.parse(rec.state.startedAt)) / 1000));
      Object.assign(rec.state, { status: 'exited', pid: 0, exitCode: code, oomKilled: oom, finishedAt: new Date().toISOString() });
      if (this.supervision?.exited(rec)) rec.state.status = 'restarting';
      // --rm (unless a restart policy restarts it): the container is gone for clients once its host
      // resources are (see autoRemoveNow).
      if (rec.spec.host.autoRemove && rec.state.status === 'exited') {
        await this.autoRemoveNow(rec, t, () => {
          if (oom) this.publish('oom', rec);
          this.publish('die', rec, { exitCode: String(code), execDuration: String(ranSeconds) });
        });
        return;
      }
      // Before the news: whoever waited for the exit may publish the same port again at once.
      await this.releaseHostResources(rec, false);
      t.mark('release');
      await this.save(rec);
      t.mark('save');
      if (oom) this.publish('oom', rec);
      this.publish('die', rec, { exitCode: String(code), execDuration: String(ranSeconds) });
      this.fire(this.exitListeners, id);
      this.resolveWaiters(id, ['next-exit', 'not-running'], { exitCode: code });
      // Cleanup after the news: still under the lock, so a following start waits for it.
      // Independent of each other (runtime state and cgroup vs the overlay mount): side by side.
      // A reader that mounted the rootfs (export right after `run`) unmounts it when it is done.
      await Promise.all([
        this.ctx.runtime.delete(id).catch((e: unknown) => this.ctx.log('warn', 'runtime delete failed', { id, error: String(e) })),
        this.rootfsHolds.get(id) ? undefined
          : this.ctx.rootfs.unmount(id).catch((e: unknown) => this.ctx.log('warn', 'rootfs unmount failed', { id, error: String(e) })),
      ]);
      t.mark('runtime delete+unmount');
    });
    this.ctx.log('debug', 'phases', { op: 'exit', id, ...t.fields() });
  }

  /**
   * Docker's AutoRemove, right at the exit (under the container's lock). On the path of the
   * `wait?condition=removed` answer (what `docker run --rm` waits for) is only what a client can
   * see: the host resources (ports, addresses, DNS names, volume references: a client may take them
   * again at once). Then die, the container leaves the API's view (retire) and the heavy clean-up
   * runs after the answer (finishRemoval). No record write: until the clean-up is over, the record
   * on disk still says running and the exit file is still there, so a berthd killed at any point
   * handles the exit again at start-up, which removes the container again (nothing comes back).
   * --rm takes the anonymous volumes too, as Docker's does.
   */
  private async autoRemoveNow(rec: ContainerRecord, t: PhaseTimer, announceDie: () => void): Promise<void> {
    try {
      const exitCode = rec.state.exitCode;
      rec.state.status = 'removing';
      await this.releaseHostResources(rec, false);
      t.mark('release');
      announceDie();
      this.fire(this.exitListeners, rec.id);
      this.resolveWaiters(rec.id, ['next-exit', 'not-running'], { exitCode });
      await this.retire(rec, true);
      t.mark('retire');
    } catch (e) {
      this.ctx.log('warn', 'auto-remove failed', { id: rec.id, error: String(e) });
    }
  }

  private resolveWaiters(id: string, conditions: WaitCondition[], result: WaitResult): void {
    const set = this.waiters.get(id);
    if (!set) return;
    for (const w of [...set]) if (conditions.includes(w.condition)) { set.delete(w); w.resolve(result); }
  }

  wait(idOrName: string, condition: WaitCondition): { result: Promise<WaitResult> } {
    const rec = this.find(idOrName);
    if (condition === 'not-running' && !this.isRunning(rec)) return { result: Promise.resolve({ exitCode: rec.state.exitCode }) };
    let set = this.waiters.get(rec.id);
    if (!set) this.waiters.set(rec.id, (set = new Set()));
    let resolve!: (r: WaitResult) => void;
    const result = new Promise<WaitResult>((r) => { resolve = r; });
    set.add({ condition, resolve });
    return { result };
  }

  // ---------- signals ----------

  async kill(idOrName: string, signal?: string): Promise<void> {
    const rec = this.find(idOrName);
    const sig = parseSignal(signal, 'SIGKILL');
    if (!this.isRunning(rec)) throw conflict(`Container ${rec.id} is not running`);
    // Docker's kill with SIGKILL returns once the container is down (what `compose kill` and
    // scripts rely on); other signals are only sent.
    const exited = sig === 'SIGKILL' ? this.nextExit(rec.id) : undefined;
    try {
      await this.ctx.runtime.kill(rec.id, sig);
      this.publish('kill', rec, { signal: sig.replace(/^SIG/, '') });
      if (exited && this.isRunning(rec)) await raceTimeout(exited.promise, 10_000);
    } finally {
      exited?.cancel();
    }
  }

  /** Signal, wait up to `timeout` s, then SIGKILL. */
  async stop(idOrName: string, opts: { timeout?: number; signal?: string }): Promise<void> {
    const rec = this.find(idOrName);
    if (rec.state.status === 'restarting') {
      // Between two runs: the pending restart is called off and it stays stopped.
      this.supervision?.cancelRestart(rec);
      rec.manuallyStopped = true;
      rec.state.status = 'exited';
      await this.save(rec);
      this.publish('stop', rec);
      return;
    }
    if (!this.isRunning(rec)) return;
    // Listen for the exit before anything awaits, so an exit in between is not missed.
    const exited = this.nextExit(rec.id);
    rec.manuallyStopped = true;
    await this.save(rec);
    const timeout = opts.timeout ?? rec.spec.stopTimeout ?? 10;
    const sig = parseSignal(opts.signal ?? rec.effective.stopSignal);
    try {
      if (rec.state.status === 'paused') await this.unpause(rec.id);
      await this.ctx.runtime.kill(rec.id, sig).catch(() => undefined);
      this.publish('kill', rec, { signal: sig.replace(/^SIG/, '') });
      const graceful = !this.isRunning(rec) || (timeout < 0 ? await exited.promise.then(() => true) : await raceTimeout(exited.promise, timeout * 1000));
      if (!graceful && this.isRunning(rec)) {
        await this.ctx.runtime.kill(rec.id, 'SIGKILL').catch(() => undefined);
        this.publish('kill', rec, { signal: 'KILL' });
        await raceTimeout(exited.promise, 30000);
      }
    } finally {
      exited.cancel();
    }
    this.publish('stop', rec);
  }

  async pause(idOrName: string): Promise<void> {
    const rec = this.find(idOrName);
    if (rec.state.status === 'paused') throw conflict(`Container ${rec.id} is already paused`);
    if (rec.state.status !== 'running') throw conflict(`Container ${rec.id} is not running`);
    await this.ctx.runtime.pause(rec.id);
    rec.state.status = 'paused';
    await this.save(rec);
    this.publish('pause', rec);
  }

  async unpause(idOrName: string): Promise<void> {
    const rec = this.find(idOrName);
    if (rec.state.status !== 'paused') throw conflict(`Container ${rec.id} is not paused`);
    await this.ctx.runtime.resume(rec.id);
    rec.state.status = 'running';
    await this.save(rec);
    this.publish('unpause', rec);
  }

  // ---------- remove / rename ----------

  async remove(idOrName: string, opts: { force: boolean; volumes?: boolean }): Promise<void> {
    const rec = this.find(idOrName);
    await this.premounts.get(rec.id);
    if (rec.state.status === 'restarting' && opts.force) {
      this.supervision?.cancelRestart(rec);
      rec.state.status = 'exited';
    }
    if (this.isRunning(rec)) {
      // Docker 25's texts (older engines said "You cannot remove a running container <id>...").
      if (!opts.force && rec.state.status === 'paused') throw conflict(`cannot remove container "/${rec.name}": container is paused and must be unpaused first`);
      if (!opts.force) throw conflict(`cannot remove container "/${rec.name}": container is ${rec.state.status}: stop the container before removing or force remove`);
      const exited = this.nextExit(rec.id);
      if (rec.state.status === 'paused') await this.ctx.runtime.resume(rec.id).catch(() => undefined);
      await this.ctx.runtime.kill(rec.id, 'SIGKILL').catch(() => undefined);
      this.publish('kill', rec, { signal: 'KILL' });
      const done = await raceTimeout(exited.promise, 15000);
      exited.cancel();
      if (!done) await this.handleExit(rec.id, 137);
    }
    await this.withLock(rec.id, async () => {
      if (!this.records.has(rec.id)) return;
      const t = new PhaseTimer();
      // The record says "removing" before anything goes: a berthd killed from here on finishes it at start-up.
      rec.state.status = 'removing';
      await Promise.all([this.save(rec), this.releaseHostResources(rec, false)]);
      t.mark('release+save');
      await this.retire(rec, !!opts.volumes);
      t.mark('retire');
      this.ctx.log('debug', 'phases', { op: 'remove', id: rec.id, ...t.fields() });
    });
  }

  /** Volumes are unmounted, endpoints and ports released with the process (Docker frees ports when a container stops). */
  private async releaseHostResources(rec: ContainerRecord, persist = true): Promise<void> {
    if (this.ctx.volumes) await unmountVolumes(this.ctx.volumes, rec).catch((e: unknown) => this.ctx.log('warn', 'volume unmount failed', { id: rec.id, error: String(e) }));
    if (!this.ctx.networks) return;
    await detachNetworking(this.ctx.networks, rec).catch((e: unknown) => this.ctx.log('warn', 'network release failed', { id: rec.id, error: String(e) }));
    // `persist: false` when the caller saves the record next (or removes it): one fsync less.
    if (persist) await this.save(rec).catch(() => undefined);
  }

  /** A whole removal, clean-up included (start-up finishing one a killed berthd left "removing"). */
  private async removeNow(rec: ContainerRecord): Promise<void> {
    await this.releaseHostResources(rec, false);
    await this.retire(rec, false);
    await this.removals.get(rec.id)?.done;
  }

  /** Removals whose clean-up (finishRemoval) still runs after the container left the API's view. */
  private readonly removals = new Map<string, { rec: ContainerRecord; done: Promise<void> }>();

  /**
   * The container leaves the API's view (its record still says "removing" on disk): name free,
   * not listed, not found, `destroy`, the waiters answered. Its anonymous volumes go first when asked
   * (Docker answers `removed` after them). The rest is finishRemoval's, after the answers.
   */
  private async retire(rec: ContainerRecord, anonymousVolumes: boolean): Promise<void> {
    this.records.delete(rec.id);
    // The volumes' own check (containersUsing) must not see this container any more: after the delete.
    if (anonymousVolumes && this.ctx.volumes) await removeAnonymousVolumes(this.ctx.volumes, rec).catch((e: unknown) => this.ctx.log('warn', 'anonymous volumes not removed', { id: rec.id, error: String(e) }));
    this.supervision?.removed(rec.id);
    this.publish('destroy', rec);
    this.resolveWaiters(rec.id, ['removed', 'next-exit', 'not-running'], { exitCode: rec.state.exitCode });
    this.waiters.delete(rec.id);
    this.fire(this.exitListeners, rec.id);
    this.fire(this.startListeners, rec.id);
    this.finishRemoval(rec);
  }

  /**
   * What nobody can see any more: the runtime's state and cgroup, the rootfs (unmount + delete), the
   * bundle, then the record and the exit file (last, so that a berthd killed before finishes the
   * removal at start-up: a `removing` record, or with --rm the exit file, says so). It waits until the answers are out: the attached streams drained (the wait
   * answer waits for them too) and one more turn of the event loop (setImmediate), because its
   * process spawns block the loop for milliseconds. Nothing can race with it: the id is out of view
   * and never comes back; a new container with the same name has its own id, directories and
   * runtime state. Image removal waits for it (removalsSettled).
   */
  private finishRemoval(rec: ContainerRecord): void {
    const done = (async () => {
      await this.outputDrained?.(rec.id);
      await new Promise<void>((r) => setImmediate(r));
      const t = new PhaseTimer();
      await this.removeRuntimeLeftovers(rec);
      t.mark('runtime delete+files');
      // The record, then the exit file: while the record loads, the exit file makes start-up finish the removal.
      await this.store.remove(rec.id);
      await rm(join(this.paths.exitDir, rec.id), { force: true });
      t.mark('record');
      this.ctx.log('debug', 'phases', { op: 'removal clean-up', id: rec.id, ...t.fields() });
    })().catch((e: unknown) => {
      // The record stays "removing" on disk: the next start-up tries again.
      this.ctx.log('warn', 'removal clean-up failed', { id: rec.id, error: String(e) });
    }).finally(() => this.removals.delete(rec.id));
    this.removals.set(rec.id, { rec, done });
  }

  /**
   * Waits for the clean-up of removed containers that `match` (e.g. those on an image about to be
   * deleted), at most `timeoutMs`: a clean-up stuck on a hung runtime must not hang its callers.
   */
  async removalsSettled(match: (rec: ContainerRecord) => boolean = () => true, timeoutMs = 10_000): Promise<void> {
    await raceTimeout(Promise.all([...this.removals.values()].filter((r) => match(r.rec)).map((r) => r.done)), timeoutMs);
  }

  /** The runtime's state and cgroup, the root filesystem (unmount + delete), the bundle: independent. */
  private async removeRuntimeLeftovers(rec: ContainerRecord): Promise<void> {
    await Promise.all([
      existsSync(join(this.ctx.runtime.root, rec.id)) ? this.ctx.runtime.delete(rec.id).catch(() => undefined) : undefined,
      this.ctx.rootfs.remove(rec.id).catch((e: unknown) => { if (!isBerthError(e, 'not_found')) throw e; }),
      rm(this.paths.bundleDir(rec.id), { recursive: true, force: true }),
    ]);
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const rec = this.find(idOrName);
    const name = checkName(newName);
    if (name === rec.name) throw invalidArgument(`Renaming a container with the same name as its current name`);
    const taken = [...this.records.values()].find((r) => r.name === name);
    if (taken || this.reservedNames.has(name)) throw conflict(`Conflict. The container name "/${name}" is already in use by container "${taken?.id ?? ''}". You have to remove (or rename) that container to be able to reuse that name.`);
    const oldName = rec.name;
    rec.name = name;
    await this.save(rec);
    this.publish('rename', rec, { oldName: `/${oldName}` });
  }

  async shutdown(): Promise<void> {
    this.exits.stop();
    if (this.rotationTimer) clearInterval(this.rotationTimer);
    // Clean-ups under way finish (a few ms each); one cut short is finished at the next start-up.
    await this.removalsSettled();
  }
}

function raceTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then(() => { clearTimeout(t); resolve(true); });
  });
}
