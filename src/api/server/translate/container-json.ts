// The engine's ContainerRecord → Docker's JSON: `GET /containers/{id}/json` (inspect) and the
// summaries of `GET /containers/json` (list).
import type { ContainerRecord, ContainerSpec, ContainerState, EndpointState, HealthcheckSpec } from '../../../engine/types.js';
import { humanDuration, isoOrZero, unixSeconds } from './durations.js';

type Json = Record<string, unknown>;

/** Docker's STATUS column: "Up 3 minutes (healthy)", "Exited (0) 2 seconds ago", "Created". */
export function statusText(state: ContainerState, now = Date.now()): string {
  const since = (iso: string) => humanDuration(Math.max(0, now - Date.parse(iso)));
  switch (state.status) {
    case 'running':
    case 'paused': {
      let s = `Up ${state.startedAt ? since(state.startedAt) : 'Less than a second'}`;
      if (state.status === 'paused') s += ' (Paused)';
      else if (state.health && state.health.status !== 'none') s += state.health.status === 'starting' ? ' (health: starting)' : ` (${state.health.status})`;
      return s;
    }
    case 'restarting':
      return `Restarting (${state.exitCode}) ${state.finishedAt ? since(state.finishedAt) : 'Less than a second'} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'exited':
      if (!state.finishedAt || unixSeconds(state.finishedAt) === 0) return 'Created';
      return `Exited (${state.exitCode}) ${since(state.finishedAt)} ago`;
    default:
      return 'Created';
  }
}

function healthcheckJson(h: HealthcheckSpec | undefined): Json | undefined {
  if (!h) return undefined;
  const out: Json = { Test: h.test ?? [] };
  if (h.interval) out.Interval = h.interval;
  if (h.timeout) out.Timeout = h.timeout;
  if (h.startPeriod) out.StartPeriod = h.startPeriod;
  if (h.startInterval) out.StartInterval = h.startInterval;
  if (h.retries) out.Retries = h.retries;
  return out;
}

export function stateJson(s: ContainerState): Json {
  const out: Json = {
    Status: s.status,
    Running: s.status === 'running' || s.status === 'paused' || s.status === 'restarting',
    Paused: s.status === 'paused',
    Restarting: s.status === 'restarting',
    OOMKilled: s.oomKilled,
    Dead: s.status === 'dead',
    Pid: s.pid,
    ExitCode: s.exitCode,
    Error: s.error,
    StartedAt: isoOrZero(s.startedAt),
    FinishedAt: isoOrZero(s.finishedAt),
  };
  if (s.health) {
    out.Health = {
      Status: s.health.status,
      FailingStreak: s.health.failingStreak,
      Log: s.health.log.map((l) => ({ Start: l.start, End: l.end, ExitCode: l.exitCode, Output: l.output })),
    };
  }
  return out;
}

const nullIfEmpty = <T>(a: T[]) => (a.length ? a : null);
const mapOrNull = <T>(o: Record<string, T>) => (Object.keys(o).length ? o : null);
const setOf = (keys: string[]) => (keys.length ? Object.fromEntries(keys.map((k) => [k, {}])) : null);

export function hostConfigJson(spec: ContainerSpec): Json {
  const h = spec.host;
  const r = h.resources;
  return {
    Binds: nullIfEmpty(h.binds),
    ContainerIDFile: '',
    LogConfig: { Type: h.logConfig.type, Config: h.logConfig.config },
    NetworkMode: h.networkMode,
    PortBindings: Object.fromEntries(Object.entries(h.portBindings).map(([k, v]) => [k, v.map((b) => ({ HostIp: b.hostIp, HostPort: b.hostPort }))])),
    RestartPolicy: { Name: h.restartPolicy.name, MaximumRetryCount: h.restartPolicy.maximumRetryCount },
    AutoRemove: h.autoRemove,
    VolumeDriver: '',
    VolumesFrom: nullIfEmpty(h.volumesFrom),
    ConsoleSize: [0, 0],
    CapAdd: nullIfEmpty(h.capAdd),
    CapDrop: nullIfEmpty(h.capDrop),
    CgroupnsMode: 'host',
    Dns: h.dns,
    DnsOptions: h.dnsOptions,
    DnsSearch: h.dnsSearch,
    ExtraHosts: nullIfEmpty(h.extraHosts),
    GroupAdd: nullIfEmpty(h.groupAdd),
    IpcMode: h.ipcMode ?? 'private',
    Cgroup: '',
    Links: nullIfEmpty(h.links),
    OomScoreAdj: h.oomScoreAdj ?? 0,
    PidMode: h.pidMode ?? '',
    Privileged: h.privileged,
    PublishAllPorts: h.publishAllPorts,
    ReadonlyRootfs: h.readonlyRootfs,
    SecurityOpt: nullIfEmpty(h.securityOpt),
    Tmpfs: mapOrNull(h.tmpfs) ?? undefined,
    UTSMode: h.utsMode ?? '',
    UsernsMode: '',
    ShmSize: r.shmSize ?? 67108864,
    Sysctls: mapOrNull(h.sysctls) ?? undefined,
    Runtime: h.runtime ?? 'runc',
    Isolation: '',
    CpuShares: r.cpuShares ?? 0,
    Memory: r.memory ?? 0,
    NanoCpus: r.nanoCpus ?? 0,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: r.cpuPeriod ?? 0,
    CpuQuota: r.cpuQuota ?? 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: r.cpusetCpus ?? '',
    CpusetMems: '',
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: r.memoryReservation ?? 0,
    MemorySwap: r.memorySwap ?? 0,
    MemorySwappiness: null,
    OomKillDisable: r.oomKillDisable ?? false,
    PidsLimit: r.pidsLimit ?? null,
    Ulimits: r.ulimits?.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })) ?? [],
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    Init: h.init || undefined,
    Mounts: h.mounts.length
      ? h.mounts.map((m) => ({
          Type: m.type,
          Source: m.source,
          Target: m.target,
          ReadOnly: m.readOnly || undefined,
          BindOptions: m.type === 'bind' && m.options.propagation ? { Propagation: m.options.propagation } : undefined,
          VolumeOptions: m.type === 'volume' && (m.options.noCopy || m.options.volumeLabels || m.options.subpath) ? { NoCopy: m.options.noCopy, Labels: m.options.volumeLabels, Subpath: m.options.subpath } : undefined,
          TmpfsOptions: m.type === 'tmpfs' && (m.options.tmpfsSize || m.options.tmpfsMode) ? { SizeBytes: m.options.tmpfsSize, Mode: m.options.tmpfsMode } : undefined,
        }))
      : undefined,
    MaskedPaths: h.privileged ? null : ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'],
    ReadonlyPaths: h.privileged ? null : ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
  };
}

export function configJson(c: ContainerRecord): Json {
  const s = c.spec;
  const e = c.effective;
  const out: Json = {
    Hostname: s.hostname ?? c.id.slice(0, 12),
    Domainname: s.domainname ?? '',
    User: e.user,
    AttachStdin: s.attachStdin,
    AttachStdout: s.attachStdout,
    AttachStderr: s.attachStderr,
    ExposedPorts: setOf(e.exposedPorts) ?? undefined,
    Tty: s.tty,
    OpenStdin: s.openStdin,
    StdinOnce: s.stdinOnce,
    Env: e.env,
    Cmd: e.cmd.length ? e.cmd : null,
    Healthcheck: healthcheckJson(e.healthcheck),
    // berth's self-healing action, under the name Podman's inspect uses (only when asked for).
    HealthcheckOnFailureAction: s.healthOnFailure,
    Image: c.imageRef,
    Volumes: setOf(e.volumes),
    WorkingDir: e.workingDir,
    Entrypoint: e.entrypoint.length ? e.entrypoint : null,
    NetworkDisabled: s.networkDisabled || undefined,
    OnBuild: null,
    Labels: e.labels,
  };
  if (e.stopSignal) out.StopSignal = e.stopSignal;
  if (s.stopTimeout !== undefined) out.StopTimeout = s.stopTimeout;
  return out;
}

/** Docker's own networks: no alias, no short-id alias there. */
const BUILTIN_NETWORKS = new Set(['bridge', 'default', 'host', 'none']);

/**
 * Aliases as Docker (API <= 1.44) reports them: on a user-defined network the container's short
 * id is one of them. docker-compose 1.29 relies on it: without it, it disconnects and reconnects
 * every network of a container before each start.
 */
function aliasesJson(aliases: string[], network: string, id: string): string[] | null {
  const all = BUILTIN_NETWORKS.has(network) || aliases.includes(id.slice(0, 12)) ? aliases : [...aliases, id.slice(0, 12)];
  return all.length ? all : null;
}

function endpointJson(ep: EndpointState, c: ContainerRecord): Json {
  const wanted = c.spec.endpoints[ep.networkName];
  return {
    IPAMConfig: wanted && (wanted.ipv4Address || wanted.ipv6Address) ? { IPv4Address: wanted.ipv4Address, IPv6Address: wanted.ipv6Address } : null,
    Links: wanted?.links?.length ? wanted.links : null,
    Aliases: aliasesJson(ep.aliases, ep.networkName, c.id),
    MacAddress: ep.macAddress,
    NetworkID: ep.networkId,
    EndpointID: ep.endpointId,
    Gateway: ep.gateway,
    IPAddress: ep.ipAddress,
    IPPrefixLen: ep.prefixLen,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DriverOpts: null,
    DNSNames: ep.dnsNames.length ? ep.dnsNames : null,
  };
}

function portsJson(ports: ContainerRecord['network']['ports']): Json {
  return Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, v ? v.map((b) => ({ HostIp: b.hostIp, HostPort: b.hostPort })) : null]));
}

export function networkSettingsJson(c: ContainerRecord): Json {
  const eps = Object.values(c.network.endpoints);
  const primary = eps.find((e) => e.networkName === 'bridge') ?? eps[0];
  return {
    Bridge: '',
    SandboxID: c.network.sandboxKey ? c.id : '',
    SandboxKey: c.network.sandboxKey,
    Ports: portsJson(c.network.ports),
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: primary?.endpointId ?? '',
    Gateway: primary?.gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: primary?.ipAddress ?? '',
    IPPrefixLen: primary?.prefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: primary?.macAddress ?? '',
    Networks: networksJson(c),
  };
}

/**
 * The endpoints a container has; while it is not running, also the user-defined networks its
 * spec names, without addresses, as Docker keeps showing them for created and stopped containers
 * (docker-compose 1.29 reads them to decide what to connect).
 */
function networksJson(c: ContainerRecord): Json {
  const out: Record<string, Json> = {};
  for (const ep of Object.values(c.network.endpoints)) out[ep.networkName] = endpointJson(ep, c);
  if (c.network.sandboxKey) return out;
  const mode = c.spec.host.networkMode || 'default';
  const named = mode.startsWith('container:') ? [] : [mode, ...Object.keys(c.spec.endpoints ?? {})];
  for (const name of named) {
    if (BUILTIN_NETWORKS.has(name) || out[name]) continue;
    const aliases = c.spec.endpoints?.[name]?.aliases ?? [];
    out[name] = endpointJson({ networkId: '', networkName: name, endpointId: '', ipAddress: '', prefixLen: 0, gateway: '', macAddress: '', aliases, dnsNames: [] }, c);
  }
  return out;
}

export function mountsJson(c: ContainerRecord): Json[] {
  return c.mounts.map((m) => {
    const out: Json = { Type: m.type };
    if (m.name) out.Name = m.name;
    out.Source = m.source;
    out.Destination = m.destination;
    if (m.driver) out.Driver = m.driver;
    out.Mode = m.mode;
    out.RW = m.rw;
    out.Propagation = m.propagation;
    return out;
  });
}

export interface SizeOptions { size?: boolean; sizeRw?: number; rootfsSize?: number }
/** Inspect's extras beyond the record: sizes when asked, and the container's live exec ids. */
export interface InspectOptions extends SizeOptions { execIds?: string[] }

export function inspectJson(c: ContainerRecord, opts: InspectOptions = {}): Json {
  const out: Json = {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    State: stateJson(c.state),
    Image: c.imageId,
    ResolvConfPath: c.resolvConfPath,
    HostnamePath: c.hostnamePath,
    HostsPath: c.hostsPath,
    LogPath: c.logPath,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: opts.execIds?.length ? opts.execIds : null,
    HostConfig: hostConfigJson(c.spec),
    GraphDriver: { Name: 'overlay2', Data: { MergedDir: c.rootfsPath } },
  };
  if (opts.size) {
    out.SizeRw = opts.sizeRw ?? c.sizeRw ?? 0;
    out.SizeRootFs = opts.rootfsSize ?? c.sizeRw ?? 0;
  }
  out.Mounts = mountsJson(c);
  out.Config = configJson(c);
  out.NetworkSettings = networkSettingsJson(c);
  return out;
}

/** Docker's COMMAND column: the path and its arguments joined by spaces, unquoted. */
/** Docker's list `Command`: arguments holding a space are wrapped in single quotes (only those). */
function commandLine(c: ContainerRecord): string {
  return [c.path, ...c.args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

export function summaryJson(c: ContainerRecord, opts: SizeOptions = {}): Json {
  const ports: Json[] = [];
  for (const [key, bindings] of Object.entries(c.network.ports)) {
    const [port, proto] = key.split('/');
    if (!bindings || bindings.length === 0) {
      ports.push({ PrivatePort: Number(port), Type: proto ?? 'tcp' });
      continue;
    }
    for (const b of bindings) ports.push({ IP: b.hostIp || '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.hostPort), Type: proto ?? 'tcp' });
  }
  const out: Json = {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.imageRef,
    ImageID: c.imageId,
    Command: commandLine(c),
    Created: unixSeconds(c.created),
    Ports: ports,
    Labels: c.effective.labels,
    State: c.state.status,
    Status: statusText(c.state),
    HostConfig: { NetworkMode: c.spec.host.networkMode },
    NetworkSettings: { Networks: networkSettingsJson(c).Networks },
    Mounts: mountsJson(c),
  };
  if (opts.size) {
    out.SizeRw = opts.sizeRw ?? c.sizeRw ?? 0;
    out.SizeRootFs = opts.rootfsSize ?? c.sizeRw ?? 0;
  }
  return out;
}
