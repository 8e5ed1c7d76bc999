// POST /containers/create: Docker's Config + HostConfig + NetworkingConfig → the engine's ContainerSpec.
// Docker's quirks (strings where lists are expected, null meaning "the image's") end here.
import { posix } from 'node:path';
import { invalidArgument } from '../../../common/errors.js';
import type { ContainerSpec, EndpointSpec, HealthcheckSpec, MountSpec, MountType, PortBinding, ResourceLimits, RestartPolicy, RestartPolicyName } from '../../../engine/types.js';

type Json = Record<string, any>;

const RESTART_POLICIES: RestartPolicyName[] = ['no', 'always', 'unless-stopped', 'on-failure'];
const HEALTH_ACTIONS = ['none', 'kill', 'restart', 'stop'] as const;

/** Docker's strslice: a JSON list, a single string, or null. */
export function strList(v: unknown, field: string): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map((x) => String(x));
  throw invalidArgument(`${field}: expected a list of strings`);
}

function obj(v: unknown, field: string): Json {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidArgument(`${field}: expected an object`);
  return v as Json;
}

function strMap(v: unknown, field: string): Record<string, string> {
  const o = obj(v, field);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) out[k] = val === null || val === undefined ? '' : String(val);
  return out;
}

function num(v: unknown, field: string): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw invalidArgument(`${field}: expected a number`);
}

/** Docker sends 0 for "not set" in most resource fields. */
const nonZero = (n: number | undefined) => (n === undefined || n === 0 ? undefined : n);

function portKey(k: string): string {
  return k.includes('/') ? k : `${k}/tcp`;
}

function healthcheck(v: unknown): HealthcheckSpec | undefined {
  if (v === null || v === undefined) return undefined;
  const h = obj(v, 'Healthcheck');
  return {
    test: strList(h.Test, 'Healthcheck.Test'),
    interval: nonZero(num(h.Interval, 'Healthcheck.Interval')),
    timeout: nonZero(num(h.Timeout, 'Healthcheck.Timeout')),
    startPeriod: nonZero(num(h.StartPeriod, 'Healthcheck.StartPeriod')),
    startInterval: nonZero(num(h.StartInterval, 'Healthcheck.StartInterval')),
    retries: nonZero(num(h.Retries, 'Healthcheck.Retries')),
  };
}

function mounts(v: unknown): MountSpec[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw invalidArgument('HostConfig.Mounts: expected a list');
  return v.map((raw, i) => {
    const m = obj(raw, `HostConfig.Mounts[${i}]`);
    const type = String(m.Type ?? 'volume') as MountType;
    if (!['bind', 'volume', 'tmpfs'].includes(type)) throw invalidArgument(`mount type "${type}" is not supported`);
    if (!m.Target) throw invalidArgument('Target must not be empty');
    const bind = obj(m.BindOptions, 'BindOptions');
    const vol = obj(m.VolumeOptions, 'VolumeOptions');
    const tmpfs = obj(m.TmpfsOptions, 'TmpfsOptions');
    const options: MountSpec['options'] = {};
    if (bind.Propagation) options.propagation = String(bind.Propagation);
    if (bind.CreateMountpoint) options.createHostPath = true;
    if (vol.NoCopy) options.noCopy = true;
    if (vol.Subpath) options.subpath = volumeSubpath(String(vol.Subpath));
    if (vol.Labels) options.volumeLabels = strMap(vol.Labels, 'VolumeOptions.Labels');
    const driver = obj(vol.DriverConfig, 'VolumeOptions.DriverConfig');
    if (driver.Name) options.volumeDriver = String(driver.Name);
    if (driver.Options) options.volumeDriverOptions = strMap(driver.Options, 'VolumeOptions.DriverConfig.Options');
    if (tmpfs.SizeBytes) options.tmpfsSize = num(tmpfs.SizeBytes, 'TmpfsOptions.SizeBytes');
    if (tmpfs.Mode) options.tmpfsMode = num(tmpfs.Mode, 'TmpfsOptions.Mode');
    return { type, source: String(m.Source ?? ''), target: String(m.Target), readOnly: Boolean(m.ReadOnly), options };
  });
}

/** Docker 26's VolumeOptions.Subpath: a path inside the volume, relative and never climbing out of it. */
function volumeSubpath(p: string): string {
  const clean = posix.normalize(p).replace(/\/$/, '');
  if (posix.isAbsolute(p) || clean === '..' || clean.startsWith('../')) {
    throw invalidArgument(`invalid mount config for type "volume": subpath must be a relative path within the volume`);
  }
  return clean;
}

function portBindings(v: unknown): Record<string, PortBinding[]> {
  const out: Record<string, PortBinding[]> = {};
  for (const [k, list] of Object.entries(obj(v, 'HostConfig.PortBindings'))) {
    const arr = Array.isArray(list) ? list : [];
    out[portKey(k)] = arr.map((b: Json) => ({ hostIp: String(b?.HostIp ?? ''), hostPort: String(b?.HostPort ?? '') }));
  }
  return out;
}

function resources(h: Json): ResourceLimits {
  const ulimits = Array.isArray(h.Ulimits)
    ? h.Ulimits.map((u: Json) => ({ name: String(u.Name), soft: Number(u.Soft), hard: Number(u.Hard) }))
    : undefined;
  const r: ResourceLimits = {
    memory: nonZero(num(h.Memory, 'Memory')),
    memorySwap: nonZero(num(h.MemorySwap, 'MemorySwap')),
    memoryReservation: nonZero(num(h.MemoryReservation, 'MemoryReservation')),
    nanoCpus: nonZero(num(h.NanoCpus, 'NanoCpus')),
    cpuShares: nonZero(num(h.CpuShares, 'CpuShares')),
    cpuQuota: nonZero(num(h.CpuQuota, 'CpuQuota')),
    cpuPeriod: nonZero(num(h.CpuPeriod, 'CpuPeriod')),
    cpusetCpus: h.CpusetCpus ? String(h.CpusetCpus) : undefined,
    pidsLimit: nonZero(num(h.PidsLimit, 'PidsLimit')),
    shmSize: nonZero(num(h.ShmSize, 'ShmSize')),
    ulimits: ulimits?.length ? ulimits : undefined,
    oomKillDisable: h.OomKillDisable === true ? true : undefined,
  };
  if (r.nanoCpus !== undefined && (r.cpuQuota !== undefined || r.cpuPeriod !== undefined)) {
    throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  for (const k of Object.keys(r) as (keyof ResourceLimits)[]) if (r[k] === undefined) delete r[k];
  return r;
}

function endpoints(v: unknown): Record<string, EndpointSpec> {
  const nc = obj(v, 'NetworkingConfig');
  const out: Record<string, EndpointSpec> = {};
  for (const [name, raw] of Object.entries(obj(nc.EndpointsConfig, 'NetworkingConfig.EndpointsConfig'))) {
    const e = obj(raw, `EndpointsConfig.${name}`);
    const ipam = obj(e.IPAMConfig, 'IPAMConfig');
    const spec: EndpointSpec = { aliases: strList(e.Aliases, 'Aliases') ?? [] };
    if (ipam.IPv4Address) spec.ipv4Address = String(ipam.IPv4Address);
    if (ipam.IPv6Address) spec.ipv6Address = String(ipam.IPv6Address);
    const links = strList(e.Links, 'Links');
    if (links?.length) spec.links = links;
    if (e.MacAddress) spec.macAddress = String(e.MacAddress);
    out[name] = spec;
  }
  return out;
}

/** HostConfig.RestartPolicy (create and update), checked as Docker checks it. */
export function restartPolicyOf(v: unknown): RestartPolicy {
  const rp = obj(v, 'RestartPolicy');
  const name = (rp.Name ? String(rp.Name) : 'no') as RestartPolicyName;
  if (!RESTART_POLICIES.includes(name)) throw invalidArgument(`invalid restart policy '${name}'`);
  const maximumRetryCount = num(rp.MaximumRetryCount, 'MaximumRetryCount') ?? 0;
  if (maximumRetryCount < 0) throw invalidArgument('invalid restart policy: maximum retry count cannot be negative');
  if (maximumRetryCount > 0 && name !== 'on-failure') throw invalidArgument(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  return { name, maximumRetryCount };
}

export function createBodyToSpec(body: Json, name?: string): ContainerSpec {
  if (!body || typeof body !== 'object') throw invalidArgument('config cannot be empty in order to create a container');
  const image = body.Image;
  if (typeof image !== 'string' || image === '') throw invalidArgument('Config.Image: no image specified');
  const h = obj(body.HostConfig, 'HostConfig');
  const { name: rpName, maximumRetryCount: maxRetry } = restartPolicyOf(h.RestartPolicy);
  if (h.AutoRemove === true && rpName !== 'no') throw invalidArgument("Conflicting options: --restart and --rm");

  let healthOnFailure: ContainerSpec['healthOnFailure'];
  const hof = body.HealthOnFailure ?? body.Healthcheck?.OnFailure;
  if (hof !== undefined && hof !== null && hof !== '') {
    if (!(HEALTH_ACTIONS as readonly string[]).includes(String(hof))) throw invalidArgument(`invalid health on-failure action '${String(hof)}'`);
    healthOnFailure = String(hof) as ContainerSpec['healthOnFailure'];
  }

  const cmd = strList(body.Cmd, 'Cmd');
  // Docker checks this at create (400) rather than letting the runtime fail at start.
  if (body.WorkingDir && !posix.isAbsolute(String(body.WorkingDir))) {
    throw invalidArgument(`the working directory '${String(body.WorkingDir)}' is invalid, it needs to be an absolute path`);
  }
  const stopTimeout = num(body.StopTimeout, 'StopTimeout');
  const spec: ContainerSpec = {
    name: name || undefined,
    image,
    cmd: cmd && cmd.length ? cmd : undefined,
    entrypoint: strList(body.Entrypoint, 'Entrypoint'),
    env: strList(body.Env, 'Env') ?? [],
    workingDir: body.WorkingDir ? String(body.WorkingDir) : undefined,
    user: body.User ? String(body.User) : undefined,
    hostname: body.Hostname ? String(body.Hostname) : undefined,
    domainname: body.Domainname ? String(body.Domainname) : undefined,
    labels: strMap(body.Labels, 'Labels'),
    tty: Boolean(body.Tty),
    openStdin: Boolean(body.OpenStdin),
    stdinOnce: Boolean(body.StdinOnce),
    attachStdin: Boolean(body.AttachStdin),
    attachStdout: Boolean(body.AttachStdout),
    attachStderr: Boolean(body.AttachStderr),
    exposedPorts: Object.keys(obj(body.ExposedPorts, 'ExposedPorts')).map(portKey),
    volumes: Object.keys(obj(body.Volumes, 'Volumes')),
    stopSignal: body.StopSignal ? String(body.StopSignal) : undefined,
    stopTimeout: stopTimeout === null ? undefined : stopTimeout,
    healthcheck: healthcheck(body.Healthcheck),
    healthOnFailure,
    networkDisabled: body.NetworkDisabled === true ? true : undefined,
    host: {
      binds: strList(h.Binds, 'Binds') ?? [],
      mounts: mounts(h.Mounts),
      tmpfs: strMap(h.Tmpfs, 'Tmpfs'),
      volumesFrom: strList(h.VolumesFrom, 'VolumesFrom') ?? [],
      networkMode: h.NetworkMode ? String(h.NetworkMode) : 'default',
      portBindings: portBindings(h.PortBindings),
      publishAllPorts: Boolean(h.PublishAllPorts),
      restartPolicy: { name: rpName, maximumRetryCount: maxRetry },
      autoRemove: Boolean(h.AutoRemove),
      init: Boolean(h.Init),
      readonlyRootfs: Boolean(h.ReadonlyRootfs),
      privileged: Boolean(h.Privileged),
      capAdd: strList(h.CapAdd, 'CapAdd') ?? [],
      capDrop: strList(h.CapDrop, 'CapDrop') ?? [],
      securityOpt: strList(h.SecurityOpt, 'SecurityOpt') ?? [],
      dns: strList(h.Dns, 'Dns') ?? [],
      dnsSearch: strList(h.DnsSearch, 'DnsSearch') ?? [],
      dnsOptions: strList(h.DnsOptions, 'DnsOptions') ?? [],
      extraHosts: strList(h.ExtraHosts, 'ExtraHosts') ?? [],
      links: strList(h.Links, 'Links') ?? [],
      logConfig: { type: h.LogConfig?.Type ? String(h.LogConfig.Type) : 'json-file', config: strMap(h.LogConfig?.Config, 'LogConfig.Config') },
      resources: resources(h),
      sysctls: strMap(h.Sysctls, 'Sysctls'),
      pidMode: h.PidMode ? String(h.PidMode) : undefined,
      ipcMode: h.IpcMode ? String(h.IpcMode) : undefined,
      utsMode: h.UTSMode ? String(h.UTSMode) : undefined,
      groupAdd: strList(h.GroupAdd, 'GroupAdd') ?? [],
      oomScoreAdj: nonZero(num(h.OomScoreAdj, 'OomScoreAdj')),
      runtime: h.Runtime ? String(h.Runtime) : undefined,
    },
    endpoints: endpoints(body.NetworkingConfig),
  };
  // Docker's MacAddress on Config (before 1.44) belongs to the primary endpoint.
  if (body.MacAddress && spec.host.networkMode !== 'default' && spec.endpoints[spec.host.networkMode]) {
    spec.endpoints[spec.host.networkMode].macAddress ??= String(body.MacAddress);
  }
  return spec;
}

/** Validates a container name as Docker does: [a-zA-Z0-9][a-zA-Z0-9_.-]+ with an optional leading "/". */
export function checkContainerName(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return undefined;
  const n = name.startsWith('/') ? name.slice(1) : name;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(n)) throw invalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return n;
}
