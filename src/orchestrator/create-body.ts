// A Compose service turned into the Engine API's container create request, as docker compose
// builds it. Pure: the Project in, the request body out. A service attribute berth cannot apply
// yet is refused with a not_implemented error naming it, never dropped silently.
import type { ContainerCreateBody, EndpointSettings, HostConfig, MountSpec, PortBinding } from '../api/client/index.js';
import { parseBytes, parseDuration, type Project, type ServiceConfig, type VolumeMount } from '../compose/index.js';
import { invalidArgument, notImplemented } from '../common/errors.js';
import { COMPOSE_VERSION, LABEL, containerName } from './labels.js';
import { pullPolicyOf } from './pull-policy.js';

export interface CreateRequest {
  name: string;
  body: ContainerCreateBody;
  /** Networks after the first: connected between create and start when API < 1.44 (one at create). */
  extraNetworks: { network: string; endpoint: EndpointSettings }[];
}

export interface CreateContext {
  number: number;
  /** serviceConfigHash() of the service: `com.docker.compose.config-hash`. */
  configHash: string;
  /** The image's id (sha256:...), recorded as `com.docker.compose.image`. */
  imageId?: string;
  /** Anonymous volumes of the container this one replaces: kept at their paths, as Compose keeps them. */
  inheritVolumes?: { name: string; destination: string }[];
  /** The engine takes several networks at create (API >= 1.44): no connect calls afterwards. */
  allNetworksAtCreate?: boolean;
}

/** Attributes the mapping below applies (or that only steer the orchestrator). */
const HANDLED = new Set([
  'name', 'image', 'build', 'command', 'entrypoint', 'container_name', 'depends_on', 'environment', 'env_file', 'label_file',
  'labels', 'ports', 'expose', 'volumes', 'networks', 'network_mode', 'healthcheck', 'restart', 'scale', 'deploy', 'profiles',
  'hostname', 'domainname', 'extra_hosts', 'dns', 'dns_search', 'dns_opt', 'working_dir', 'user', 'stop_signal',
  'stop_grace_period', 'init', 'privileged', 'cap_add', 'cap_drop', 'security_opt', 'tmpfs', 'mem_limit', 'mem_reservation',
  'memswap_limit', 'cpus', 'pids_limit', 'tty', 'stdin_open', 'logging', 'read_only', 'shm_size', 'sysctls', 'ulimits',
  'pull_policy', 'secrets', 'configs', 'devices', 'pid', 'ipc', 'group_add', 'cgroup_parent', 'oom_score_adj', 'oom_kill_disable',
  'cpu_shares', 'cpuset', 'cpu_quota', 'cpu_period', 'userns_mode', 'runtime', 'volumes_from', 'links', 'develop',
  'mac_address', 'uts', 'attach',
]);
/** deploy keys: replicas and resources are applied; the rest are Swarm-only and docker compose ignores them too. */
const DEPLOY_HANDLED = new Set(['replicas', 'resources', 'mode', 'labels', 'placement', 'update_config', 'rollback_config', 'endpoint_mode']);

const refuse = (service: string, key: string, detail = ''): never => {
  throw notImplemented(`service "${service}": "${key}"${detail ? ` ${detail}` : ''} is not supported by berth compose yet`);
};

/** Throws for the first attribute of `s` that berth cannot apply yet. */
export function checkSupported(s: ServiceConfig): void {
  for (const key of Object.keys(s).sort()) {
    if (key.startsWith('x-') || s[key] === undefined) continue;
    if (!HANDLED.has(key)) refuse(s.name, key);
  }
  pullPolicyOf(s);
  const mode = s.network_mode;
  if (mode && !['host', 'none', 'bridge', 'default'].includes(mode) && !/^(service|container):./.test(mode)) refuse(s.name, 'network_mode', `"${mode}"`);
  const deploy = (s.deploy ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(deploy)) if (!DEPLOY_HANDLED.has(key)) refuse(s.name, `deploy.${key}`);
  if (deploy.mode !== undefined && deploy.mode !== 'replicated') refuse(s.name, 'deploy.mode', `"${String(deploy.mode)}"`);
  const resources = (deploy.resources ?? {}) as { limits?: Record<string, unknown>; reservations?: Record<string, unknown> };
  for (const key of Object.keys(resources)) if (key !== 'limits' && key !== 'reservations') refuse(s.name, `deploy.resources.${key}`);
  for (const key of Object.keys(resources.limits ?? {})) if (!['cpus', 'memory', 'pids'].includes(key)) refuse(s.name, `deploy.resources.limits.${key}`);
  for (const key of Object.keys(resources.reservations ?? {})) if (key !== 'memory') refuse(s.name, `deploy.resources.reservations.${key}`);
  for (const v of s.volumes ?? []) {
    if (!['bind', 'volume', 'tmpfs'].includes(v.type)) refuse(s.name, 'volumes', `of type "${v.type}"`);
  }
  for (const [net, cfg] of Object.entries(s.networks ?? {})) {
    for (const key of Object.keys(cfg ?? {})) {
      if (!['aliases', 'ipv4_address', 'ipv6_address', 'priority', 'mac_address'].includes(key)) refuse(s.name, `networks.${net}.${key}`);
    }
  }
}

export function buildCreateRequest(project: Project, s: ServiceConfig, ctx: CreateContext): CreateRequest {
  checkSupported(s);
  if (!s.image) throw invalidArgument(`service "${s.name}" has neither an image nor a build context specified`);
  const name = containerName(project.name, s.name, ctx.number, s.container_name);
  const host: HostConfig = {};
  const body: ContainerCreateBody = {
    Image: s.image,
    Labels: containerLabels(project, s, ctx),
    Env: Object.entries(s.environment ?? {}).map(([k, v]) => (v === null ? k : `${k}=${v}`)),
    HostConfig: host,
  };
  if (s.command !== undefined && s.command !== null) body.Cmd = s.command;
  if (s.entrypoint !== undefined && s.entrypoint !== null) body.Entrypoint = s.entrypoint;
  if (typeof s.hostname === 'string') body.Hostname = s.hostname;
  if (typeof s.domainname === 'string') body.Domainname = s.domainname;
  if (s.working_dir) body.WorkingDir = s.working_dir;
  if (s.user) body.User = s.user;
  if (s.tty) body.Tty = true;
  if (s.stdin_open) body.OpenStdin = true;
  if (typeof s.stop_signal === 'string') body.StopSignal = s.stop_signal;
  if (s.stop_grace_period) body.StopTimeout = Math.trunc(parseDuration(s.stop_grace_period) / 1e9);
  if (s.healthcheck) body.Healthcheck = healthcheck(s);

  applyPorts(s, body, host);
  applyMounts(project, s, host);
  inheritAnonymousVolumes(host, ctx.inheritVolumes ?? []);
  applyHostSettings(s, host);
  applySharing(project, s, host);
  applyResources(s, host);
  const extraNetworks = applyNetworks(project, s, body, host, ctx.allNetworksAtCreate === true);
  return { name, body, extraNetworks };
}

function containerLabels(project: Project, s: ServiceConfig, ctx: CreateContext): Record<string, string> {
  const dependsOn = Object.entries(s.depends_on ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dep, d]) => `${dep}:${d.condition}:${d.restart === true}`)
    .join(',');
  const labels: Record<string, string> = {
    ...(s.labels ?? {}),
    [LABEL.project]: project.name,
    [LABEL.service]: s.name,
    [LABEL.number]: String(ctx.number),
    [LABEL.oneoff]: 'False',
    [LABEL.configHash]: ctx.configHash,
    [LABEL.dependsOn]: dependsOn,
    [LABEL.configFiles]: project.composeFiles.join(','),
    [LABEL.workingDir]: project.workingDir,
    [LABEL.version]: COMPOSE_VERSION,
  };
  if (ctx.imageId) labels[LABEL.image] = ctx.imageId;
  return labels;
}

const seconds = (d: string | undefined) => (d === undefined ? undefined : parseDuration(d));

function healthcheck(s: ServiceConfig): NonNullable<ContainerCreateBody['Healthcheck']> {
  const h = s.healthcheck ?? {};
  if (h.disable) return { Test: ['NONE'] };
  const out: NonNullable<ContainerCreateBody['Healthcheck']> = {};
  if (h.test) out.Test = h.test;
  if (h.interval !== undefined) out.Interval = seconds(h.interval);
  if (h.timeout !== undefined) out.Timeout = seconds(h.timeout);
  if (h.start_period !== undefined) out.StartPeriod = seconds(h.start_period);
  if (h.start_interval !== undefined) out.StartInterval = seconds(h.start_interval);
  if (h.retries !== undefined) out.Retries = h.retries;
  return out;
}

function applyPorts(s: ServiceConfig, body: ContainerCreateBody, host: HostConfig): void {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const p of s.ports ?? []) {
    const key = `${p.target}/${p.protocol ?? 'tcp'}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  for (const e of (s.expose as string[] | undefined) ?? []) {
    const [range, proto = 'tcp'] = String(e).split('/');
    const [start, end = start] = range.split('-').map(Number);
    if (!Number.isInteger(start) || !Number.isInteger(end)) throw invalidArgument(`service "${s.name}": invalid expose "${e}"`);
    for (let port = start; port <= end; port++) exposed[`${port}/${proto}`] = {};
  }
  if (Object.keys(exposed).length) body.ExposedPorts = exposed;
  if (Object.keys(bindings).length) host.PortBindings = bindings;
}

function applyMounts(project: Project, s: ServiceConfig, host: HostConfig): void {
  const binds: string[] = [];
  const mounts: MountSpec[] = [];
  for (const v of s.volumes ?? []) {
    if (!v.target) throw invalidArgument(`service "${s.name}": a volume has no target`);
    if (v.type === 'bind' && v.bind?.create_host_path) binds.push(legacyBind(v));
    else mounts.push(mountSpec(project, s, v));
  }
  for (const t of (s.tmpfs as string[] | undefined) ?? []) {
    const [path, ...opts] = String(t).split(':');
    (host.Tmpfs ??= {})[path] = opts.join(':');
  }
  mounts.push(...fileMounts(project, s, 'secrets'), ...fileMounts(project, s, 'configs'));
  if (binds.length) host.Binds = binds;
  if (mounts.length) host.Mounts = mounts;
}

/**
 * File-based secrets and configs, bind-mounted read-only as docker compose does without Swarm:
 * secrets under /run/secrets/, configs at /<name> unless a target is given.
 */
function fileMounts(project: Project, s: ServiceConfig, kind: 'secrets' | 'configs'): MountSpec[] {
  return (s[kind] ?? []).map((ref) => {
    const def = project[kind][ref.source];
    if (!def) throw invalidArgument(`service "${s.name}" refers to undefined ${kind === 'secrets' ? 'secret' : 'config'} ${ref.source}`);
    if (!def.file) refuse(s.name, `${kind}.${ref.source}`, '(only file-based ones are)');
    if (ref.uid !== undefined || ref.gid !== undefined || ref.mode !== undefined) refuse(s.name, `${kind}.${ref.source}`, 'with uid/gid/mode');
    const target = ref.target ?? `/${ref.source}`;
    const absolute = target.startsWith('/') ? target : kind === 'secrets' ? `/run/secrets/${target}` : `/${target}`;
    return { Type: 'bind', Source: def.file, Target: absolute, ReadOnly: true };
  });
}

/** A recreated container gets its predecessor's anonymous volumes back, where nothing else is mounted. */
function inheritAnonymousVolumes(host: HostConfig, inherited: { name: string; destination: string }[]): void {
  for (const v of inherited) {
    const mount = host.Mounts?.find((m) => m.Target === v.destination);
    if (mount) {
      if (mount.Type === 'volume' && !mount.Source) mount.Source = v.name;
      continue;
    }
    if ((host.Binds ?? []).some((b) => b.split(':')[1] === v.destination) || host.Tmpfs?.[v.destination] !== undefined) continue;
    (host.Mounts ??= []).push({ Type: 'volume', Source: v.name, Target: v.destination });
  }
}

/** Short-syntax binds go as `Binds` so the engine creates a missing host path, as Compose does. */
function legacyBind(v: VolumeMount): string {
  const opts = [v.read_only ? 'ro' : '', v.bind?.propagation ?? '', v.bind?.selinux ?? ''].filter(Boolean);
  return `${v.source}:${v.target}${opts.length ? `:${opts.join(',')}` : ''}`;
}

function mountSpec(project: Project, s: ServiceConfig, v: VolumeMount): MountSpec {
  const m: MountSpec = { Type: v.type as MountSpec['Type'], Target: v.target ?? '' };
  if (v.read_only) m.ReadOnly = true;
  if (v.type === 'bind') {
    m.Source = v.source;
    if (v.bind?.propagation) m.BindOptions = { Propagation: v.bind.propagation };
  } else if (v.type === 'volume') {
    if (v.source) {
      const vol = project.volumes[v.source];
      if (!vol) throw invalidArgument(`service "${s.name}" refers to undefined volume ${v.source}`);
      m.Source = vol.name;
    }
    if (v.volume?.nocopy || v.volume?.subpath) m.VolumeOptions = { NoCopy: v.volume.nocopy || undefined, Subpath: v.volume.subpath };
  } else if (v.type === 'tmpfs' && v.tmpfs) {
    m.TmpfsOptions = { SizeBytes: v.tmpfs.size === undefined ? undefined : parseBytes(v.tmpfs.size), Mode: v.tmpfs.mode };
  }
  return m;
}

function restartPolicy(s: ServiceConfig): HostConfig['RestartPolicy'] {
  const r = s.restart ?? 'no';
  const [name, count] = r.split(':');
  if (name === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: count ? Number(count) : 0 };
  if (name === 'no' || name === 'always' || name === 'unless-stopped') return { Name: name };
  throw invalidArgument(`service "${s.name}": invalid restart policy "${r}"`);
}

function applyHostSettings(s: ServiceConfig, host: HostConfig): void {
  host.RestartPolicy = restartPolicy(s);
  const extra = s.extra_hosts as Record<string, string[]> | undefined;
  if (extra) host.ExtraHosts = Object.entries(extra).flatMap(([h, ips]) => ips.map((ip) => `${h}:${ip}`));
  if (s.dns) host.Dns = s.dns as string[];
  if (s.dns_search) host.DnsSearch = s.dns_search as string[];
  if (s.dns_opt) host.DnsOptions = s.dns_opt as string[];
  if (s.init !== undefined) host.Init = s.init as boolean;
  if (s.privileged) host.Privileged = true;
  if (s.read_only) host.ReadonlyRootfs = true;
  if (s.cap_add) host.CapAdd = s.cap_add as string[];
  if (s.cap_drop) host.CapDrop = s.cap_drop as string[];
  if (s.security_opt) host.SecurityOpt = s.security_opt as string[];
  if (s.sysctls) host.Sysctls = s.sysctls;
  if (s.ulimits) {
    host.Ulimits = Object.entries(s.ulimits as Record<string, number | { soft?: number; hard?: number; single?: number }>).map(([n, u]) =>
      typeof u === 'number' ? { Name: n, Soft: u, Hard: u } : { Name: n, Soft: u.single ?? u.soft, Hard: u.single ?? u.hard });
  }
  const devices = s.devices as { source: string; target?: string; permissions?: string }[] | undefined;
  if (devices) host.Devices = devices.map((d) => ({ PathOnHost: d.source, PathInContainer: d.target ?? d.source, CgroupPermissions: d.permissions ?? 'rwm' }));
  if (s.group_add) host.GroupAdd = (s.group_add as (string | number)[]).map(String);
  if (typeof s.cgroup_parent === 'string') host.CgroupParent = s.cgroup_parent;
  if (s.oom_score_adj !== undefined) host.OomScoreAdj = s.oom_score_adj;
  if (s.oom_kill_disable !== undefined) host.OomKillDisable = s.oom_kill_disable;
  if (typeof s.userns_mode === 'string') host.UsernsMode = s.userns_mode;
  if (typeof s.uts === 'string') host.UTSMode = s.uts;
  if (typeof s.runtime === 'string') host.Runtime = s.runtime;
  const logging = s.logging as { driver?: string; options?: Record<string, string> } | undefined;
  if (logging) host.LogConfig = { Type: logging.driver ?? '', Config: logging.options };
}

function applyResources(s: ServiceConfig, host: HostConfig): void {
  const res = ((s.deploy ?? {}) as { resources?: { limits?: Record<string, number>; reservations?: Record<string, number> } }).resources ?? {};
  const memory = (s.mem_limit as number | undefined) ?? res.limits?.memory;
  if (memory !== undefined) host.Memory = memory;
  const cpus = (s.cpus as number | undefined) ?? res.limits?.cpus;
  if (cpus !== undefined) host.NanoCpus = Math.round(Number(cpus) * 1e9);
  const pids = (s.pids_limit as number | undefined) ?? res.limits?.pids;
  if (pids !== undefined) host.PidsLimit = pids;
  const reservation = (s.mem_reservation as number | undefined) ?? res.reservations?.memory;
  if (reservation !== undefined) host.MemoryReservation = reservation;
  if (s.memswap_limit !== undefined) host.MemorySwap = s.memswap_limit as number;
  if (s.shm_size !== undefined) host.ShmSize = s.shm_size as number;
  if (s.cpu_shares !== undefined) host.CpuShares = s.cpu_shares as number;
  if (s.cpuset !== undefined) host.CpusetCpus = String(s.cpuset);
  if (s.cpu_quota !== undefined) host.CpuQuota = s.cpu_quota;
  if (s.cpu_period !== undefined) host.CpuPeriod = s.cpu_period;
}

/** The name of a service's first container (`service:x` points there, as in Compose). */
function firstContainerOf(project: Project, s: ServiceConfig, service: string): string {
  const target = project.services[service];
  if (!target) throw invalidArgument(`service "${s.name}" refers to undefined service ${service}`);
  return containerName(project.name, service, 1, target.container_name);
}

/** `service:x` → `container:<x's first container>`; `container:name` and the rest as given. */
function namespaceMode(project: Project, s: ServiceConfig, mode: string): string {
  return mode.startsWith('service:') ? `container:${firstContainerOf(project, s, mode.slice('service:'.length))}` : mode;
}

/** Namespaces, volumes and links shared with other containers (network_mode is in applyNetworks). */
function applySharing(project: Project, s: ServiceConfig, host: HostConfig): void {
  if (typeof s.pid === 'string') host.PidMode = namespaceMode(project, s, s.pid);
  if (typeof s.ipc === 'string') host.IpcMode = namespaceMode(project, s, s.ipc);
  const from = s.volumes_from as string[] | undefined;
  if (from?.length) {
    host.VolumesFrom = from.map((v) => {
      if (v.startsWith('container:')) return v.slice('container:'.length);
      const [service, mode] = v.replace(/^service:/, '').split(':');
      return `${firstContainerOf(project, s, service)}${mode ? `:${mode}` : ''}`;
    });
  }
  const links = s.links as string[] | undefined;
  if (links?.length) {
    host.Links = links.flatMap((l) => {
      const [service, alias = service] = l.split(':');
      const target = project.services[service];
      if (!target) throw invalidArgument(`service "${s.name}" refers to undefined service ${service}`);
      const replicas = target.container_name ? 1 : Number(target.scale ?? target.deploy?.replicas ?? 1);
      return Array.from({ length: replicas }, (_, i) => `${containerName(project.name, service, i + 1, target.container_name)}:${alias}`);
    });
  }
}

/** Services whose containers this one joins or borrows from: recreating them means recreating it. */
export function sharedWith(s: ServiceConfig): string[] {
  const out = new Set<string>();
  for (const mode of [s.network_mode, s.pid, s.ipc]) if (typeof mode === 'string' && mode.startsWith('service:')) out.add(mode.slice('service:'.length));
  for (const v of (s.volumes_from as string[] | undefined) ?? []) if (!v.startsWith('container:')) out.add(v.replace(/^service:/, '').split(':')[0]);
  return [...out];
}

/** Networks by priority (highest first), then by name: the first one is given at create. */
export function serviceNetworks(s: ServiceConfig): string[] {
  const nets = s.networks ?? {};
  return Object.keys(nets).sort((a, b) => (nets[b]?.priority ?? 0) - (nets[a]?.priority ?? 0) || a.localeCompare(b));
}

function applyNetworks(project: Project, s: ServiceConfig, body: ContainerCreateBody, host: HostConfig, allAtCreate: boolean): CreateRequest['extraNetworks'] {
  const mac = typeof s.mac_address === 'string' ? s.mac_address : undefined;
  if (s.network_mode) {
    host.NetworkMode = namespaceMode(project, s, s.network_mode);
    if (mac) body.MacAddress = mac;
    return [];
  }
  const endpoints = serviceNetworks(s).map((key) => {
    const net = project.networks[key];
    if (!net) throw invalidArgument(`service "${s.name}" refers to undefined network ${key}`);
    const cfg = s.networks?.[key] ?? {};
    const endpoint: EndpointSettings = { Aliases: [s.name, ...(cfg.aliases ?? [])] };
    if (cfg.ipv4_address || cfg.ipv6_address) endpoint.IPAMConfig = { IPv4Address: cfg.ipv4_address, IPv6Address: cfg.ipv6_address };
    const netMac = (cfg as { mac_address?: string }).mac_address;
    if (netMac && !allAtCreate) throw invalidArgument(`service "${s.name}": networks.${key}.mac_address needs an engine with API 1.44 or later`);
    if (netMac) endpoint.MacAddress = netMac;
    return { network: net.name, endpoint };
  });
  // The service's mac_address is its primary network's: on the endpoint with API >= 1.44, in the
  // container's config before (where the engine gives it to the primary network), as Compose does.
  if (mac && endpoints.length && allAtCreate) endpoints[0].endpoint.MacAddress ??= mac;
  else if (mac) body.MacAddress = mac;
  if (endpoints.length === 0) return [];
  host.NetworkMode = endpoints[0].network;
  const atCreate = allAtCreate ? endpoints : endpoints.slice(0, 1);
  body.NetworkingConfig = { EndpointsConfig: Object.fromEntries(atCreate.map((e) => [e.network, e.endpoint])) };
  return endpoints.slice(atCreate.length);
}
