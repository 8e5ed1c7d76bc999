// System endpoints: /_ping, /version, /info, /system/df.
import { arch, release } from 'node:os';
import type { Ctx } from '../context.js';
import { sendJson, sendText } from '../http.js';
import { imageSummary } from '../translate/image-json.js';
import { summaryJson } from '../translate/container-json.js';
import { volumeJson } from './volumes.js';
import { API_VERSION, MIN_API_VERSION } from '../wire/api-version.js';

export const BERTH_VERSION = '0.1.0';
const BUILD_TIME = new Date().toISOString();

/** Node's arch names → Go's, which clients compare against. */
export function goArch(a = arch()): string {
  return ({ x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[a] ?? a;
}

export async function ping(ctx: Ctx): Promise<void> {
  ctx.res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
  ctx.res.setHeader('Pragma', 'no-cache');
  ctx.res.setHeader('Builder-Version', '1');
  ctx.res.setHeader('Swarm', 'inactive');
  if (ctx.req.method === 'HEAD') {
    ctx.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 0 });
    ctx.res.end();
    return;
  }
  sendText(ctx.res, 200, 'OK');
}

export async function version(ctx: Ctx): Promise<void> {
  const details = {
    ApiVersion: API_VERSION,
    Arch: goArch(),
    BuildTime: BUILD_TIME,
    Experimental: 'false',
    GitCommit: '',
    GoVersion: `node${process.versions.node}`,
    KernelVersion: release(),
    MinAPIVersion: MIN_API_VERSION,
    Os: 'linux',
  };
  sendJson(ctx.res, 200, {
    Platform: { Name: 'berth' },
    Components: [{ Name: 'Engine', Version: BERTH_VERSION, Details: details }],
    Version: BERTH_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    GoVersion: details.GoVersion,
    Os: 'linux',
    Arch: goArch(),
    KernelVersion: release(),
    BuildTime: BUILD_TIME,
  });
}

export async function info(ctx: Ctx): Promise<void> {
  const i = await ctx.engine.info();
  sendJson(ctx.res, 200, {
    ID: i.id,
    Containers: i.containers.total,
    ContainersRunning: i.containers.running,
    ContainersPaused: i.containers.paused,
    ContainersStopped: i.containers.stopped,
    Images: i.images,
    Driver: i.storageDriver,
    DriverStatus: [['Backing Filesystem', 'overlayfs']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['json-file'] },
    MemoryLimit: true,
    SwapLimit: i.cgroupVersion === '2',
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: true,
    BridgeNfIptables: false,
    BridgeNfIp6tables: false,
    Debug: false,
    NFd: 0,
    OomKillDisable: i.cgroupVersion === '1',
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: i.cgroupDriver,
    CgroupVersion: i.cgroupVersion,
    NEventsListener: 0,
    KernelVersion: i.kernelVersion,
    OperatingSystem: i.operatingSystem,
    OSVersion: '',
    OSType: i.osType,
    Architecture: i.architecture,
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: { AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {}, Mirrors: null },
    NCPU: i.ncpu,
    MemTotal: i.memTotal,
    GenericResources: null,
    DockerRootDir: i.dataRoot,
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
    Name: i.name,
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: i.serverVersion,
    Runtimes: Object.fromEntries(i.runtimes.map((r) => [r, { path: r }])),
    DefaultRuntime: i.runtime,
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: true,
    Isolation: '',
    InitBinary: '',
    ContainerdCommit: { ID: '' },
    RuncCommit: { ID: '' },
    InitCommit: { ID: '' },
    SecurityOptions: ['name=seccomp,profile=builtin'],
    Warnings: i.warnings,
  });
}

export async function diskUsage(ctx: Ctx): Promise<void> {
  const du = await ctx.engine.diskUsage();
  const users = new Map<string, number>();
  for (const c of du.containers) users.set(c.imageId, (users.get(c.imageId) ?? 0) + 1);
  const imageSize = new Map(du.images.map((i) => [i.id, i.size]));
  sendJson(ctx.res, 200, {
    LayersSize: du.layersSize,
    Images: du.images.map((img) => ({ ...imageSummary(img, ctx.apiVersion, users.get(img.id) ?? 0), SharedSize: 0 })),
    Containers: du.containers.map((c) => summaryJson(c, { size: true, sizeRw: c.sizeRw ?? 0, rootfsSize: (c.sizeRw ?? 0) + (imageSize.get(c.imageId) ?? 0) })),
    Volumes: du.volumes.map((v) => ({ ...volumeJson(v.volume), UsageData: { Size: v.size, RefCount: v.refCount } })),
    BuildCache: [],
  });
}
