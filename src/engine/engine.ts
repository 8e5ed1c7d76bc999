// Assembles berthd's engine: image store, OCI runtime (probed once), container lifecycle, exec
// and events, over one data root and one exec root. The API server holds the returned Engine.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem, release, arch, hostname } from 'node:os';
import type { Engine, ImageService, RegistryService, RootfsService } from './contract.js';
import type { EngineInfo } from './types.js';
import { EventBus } from './events/bus.js';
import { OciRuntime, chooseRuntime } from './runtime/oci-runtime.js';
import { cgroupParent, cgroupVersion, removeCgroupParent } from './runtime/cgroups.js';
import { findConmon } from './runtime/conmon.js';
import { Containers } from './containers/service.js';
import { Execs } from './containers/exec.js';
import { Supervisor } from './restart/supervisor.js';
import type { LogFn } from './containers/runtime-context.js';
import { openImageStore } from './images/index.js';
import { NetworkService } from './network/service.js';
import { VolumeService } from './volumes/service.js';
import { directorySize } from './volumes/size.js';
import { MetricsCollector } from './metrics/collector.js';
import { logEvents } from './events/log-events.js';
import { BuildService } from './build/builder.js';
import type { BuildImageStore } from './images/index.js';
import { notImplemented } from '../common/errors.js';

export const SERVER_VERSION = '0.1.0';

export interface EngineOptions {
  dataRoot: string;
  execRoot: string;
  runtime: 'auto' | 'runc' | 'crun';
  log: LogFn;
  /** --insecure-registry: host[:port] or CIDR reachable over plain http (loopback always is). */
  insecureRegistries?: string[];
}

export type ImageStoreLike = ImageService & RootfsService & Partial<BuildImageStore>;
export type ImageStoreFactory = (opts: { dataRoot: string; events: EventBus; insecureRegistries?: string[]; containersUsing: (imageId: string) => Promise<string[]>; containerRunning?: (containerId: string) => Promise<boolean> }) => Promise<ImageStoreLike>;

const INIT_CANDIDATES = ['/usr/bin/tini-static', '/usr/libexec/podman/catatonit', '/usr/bin/catatonit'];

async function engineId(dataRoot: string): Promise<string> {
  const file = join(dataRoot, 'engine-id');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim()) return existing.trim();
  const id = randomBytes(16).toString('hex');
  await writeFile(file, id);
  return id;
}

async function osName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'Linux';
}

/** Opens the engine with a given image store (tests pass their own; berthd uses openEngine). */
export async function openEngineWith(opts: EngineOptions, makeImages: ImageStoreFactory): Promise<Engine & { containers: Containers; exec: Execs; networks: NetworkService; volumes: VolumeService }> {
  await mkdir(opts.dataRoot, { recursive: true });
  await mkdir(opts.execRoot, { recursive: true });
  findConmon();
  const events = new EventBus();
  logEvents(events, opts.log);
  const chosen = await chooseRuntime(opts.runtime, join(opts.execRoot, 'probe'));
  opts.log('info', 'OCI runtime chosen', { runtime: chosen.name, binary: chosen.binary, plainBinary: chosen.plainBinary ?? chosen.binary, fifoStart: !!chosen.fifoStart, ...(chosen.note ? { note: chosen.note } : {}) });
  if (chosen.note) chosen.warnings.push(chosen.note);
  const runtime = new OciRuntime(chosen.name, chosen.binary, join(opts.execRoot, 'runtime'), chosen.plainBinary, chosen.fifoStart);
  const ref: { containers?: Containers } = {};
  const images = await makeImages({
    dataRoot: opts.dataRoot,
    events,
    insecureRegistries: opts.insecureRegistries ?? [],
    containersUsing: async (imageId) => {
      // A removed container's rootfs may still be coming down (off the path of `run --rm`'s answer): its layers are in use until then.
      await ref.containers?.lc.removalsSettled((r) => r.imageId === imageId);
      return [...(ref.containers?.lc.records.values() ?? [])].filter((r) => r.imageId === imageId).map((r) => r.id);
    },
    containerRunning: async (id) => { const r = ref.containers?.lc.records.get(id); return !!r && ref.containers!.lc.isRunning(r); },
  });
  const containers = new Containers({
    dataRoot: opts.dataRoot, execRoot: opts.execRoot, runtime, images, rootfs: images, events, log: opts.log,
    cgroupParent: cgroupParent(opts.dataRoot), initBinary: INIT_CANDIDATES.find((p) => existsSync(p)),
  });
  ref.containers = containers;
  await containers.open();
  // Networks after the containers are reconciled: endpoints of containers that are gone are dropped.
  const running = (cid: string) => { const r = containers.lc.records.get(cid); return !!r && containers.lc.isRunning(r); };
  const networks = await NetworkService.open({ dataRoot: opts.dataRoot, events, log: (level, msg, fields) => opts.log(level, msg, fields) }, running);
  await networks.ensureDefaultNetwork();
  containers.ctx.networks = networks;
  const volumes = await VolumeService.open({
    dataRoot: opts.dataRoot, events,
    containersUsing: (name) => [...containers.lc.records.values()].filter((r) => r.mounts.some((m) => m.type === 'volume' && m.name === name)).map((r) => r.id),
  });
  containers.ctx.volumes = volumes;
  const exec = new Execs(containers.lc);
  const withBuild = images as ImageStoreLike;
  const builds = withBuild.commitBuild
    ? new BuildService({
      images: withBuild as ImageService & RootfsService & BuildImageStore, containers, events, dataRoot: opts.dataRoot,
      registry: (images as { registry?: RegistryService }).registry,
    })
    : { build: () => Promise.reject(notImplemented('this image store cannot build')) };
  // Supervision last: restarts at boot need networks and volumes in place.
  const supervisor = new Supervisor(containers.lc, (cid, cmd, timeoutMs, maxOutput) => exec.runToEnd(cid, cmd, timeoutMs, maxOutput), opts.log);
  containers.supervisor = supervisor;
  supervisor.attach();
  const id = await engineId(opts.dataRoot);
  const c = containers;
  const metrics = new MetricsCollector({
    bus: events,
    records: () => c.lc.records.values(),
    isRunning: (r) => c.lc.isRunning(r),
    cgroupPath: (r) => `${c.ctx.cgroupParent}/${r.id}`,
    imageCount: async () => (await images.list().catch(() => [])).length,
  });

  const info = async (): Promise<EngineInfo> => {
    const recs = [...c.lc.records.values()];
    const count = (s: string) => recs.filter((r) => r.state.status === s).length;
    return {
      id, name: hostname(), runtime: chosen.name, runtimes: chosen.available, dataRoot: opts.dataRoot, execRoot: opts.execRoot,
      kernelVersion: release(), operatingSystem: await osName(), osType: 'linux', architecture: arch() === 'x64' ? 'x86_64' : arch(),
      ncpu: cpus().length, memTotal: totalmem(), cgroupVersion: cgroupVersion(), cgroupDriver: 'cgroupfs', storageDriver: 'overlay2',
      serverVersion: SERVER_VERSION,
      containers: { total: recs.length, running: count('running') + count('restarting'), paused: count('paused'), stopped: recs.length - count('running') - count('restarting') - count('paused') },
      images: (await images.list().catch(() => [])).length,
      warnings: chosen.warnings,
    };
  };

  return {
    images,
    builds,
    registry: (images as { registry?: RegistryService }).registry,
    networks,
    volumes,
    containers: c,
    exec,
    events: { subscribe: (o) => events.subscribe(o) },
    metrics,
    info,
    async diskUsage() {
      const imgs = await images.list({ all: true });
      const ctrs = await c.list({ all: true });
      for (const r of ctrs) r.sizeRw = await images.size(r.id).catch(() => 0);
      const vols = [];
      for (const v of volumes.list()) vols.push({ volume: v, size: await directorySize(v.mountpoint), refCount: (await volumes.inUseBy(v.name)).length });
      return { layersSize: imgs.reduce((a, i) => a + i.size, 0), images: imgs, containers: ctrs, volumes: vols };
    },
    async shutdown() {
      supervisor.shutdown();
      await c.shutdown();
      await networks.shutdown();
      // Containers keep running under their monitors; with none left, the daemon's cgroup parent goes.
      if (![...c.lc.records.values()].some((r) => c.lc.isRunning(r))) removeCgroupParent(opts.dataRoot);
    },
  };
}

/** berthd's engine over the real image store (src/engine/images). */
export async function openEngine(opts: EngineOptions): Promise<Engine> {
  return openEngineWith(opts, openImageStore);
}
