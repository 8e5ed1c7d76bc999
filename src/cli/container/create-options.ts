// The flags `run` and `create` share, and how they become a POST /containers/create body, the
// way the docker CLI fills it (cli/command/container/opts.go is the reference for field choices).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalidArgument } from '../../common/errors.js';
import type { ContainerCreateBody, HostConfig, MountSpec, RestartPolicy } from '../../api/client/index.js';
import { collect } from '../flags.js';
import { parseBytes, parseGoDuration } from '../output/units.js';
import { addProcessFlags } from '../process-flags.js';
import { parsePublish } from './ports.js';

export interface CreateFlags {
  name?: string;
  interactive?: boolean;
  tty?: boolean;
  detach?: boolean;
  rm?: boolean;
  attach?: string[];
  env?: string[];
  envFile?: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  hostname?: string;
  domainname?: string;
  label?: string[];
  labelFile?: string[];
  restart?: string;
  init?: boolean;
  readOnly?: boolean;
  memory?: string;
  memorySwap?: string;
  shmSize?: string;
  cpus?: string;
  cpuShares?: string;
  pidsLimit?: string;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  securityOpt?: string[];
  stopSignal?: string;
  stopTimeout?: string;
  publish?: string[];
  publishAll?: boolean;
  expose?: string[];
  volume?: string[];
  volumesFrom?: string[];
  link?: string[];
  mount?: string[];
  network?: string;
  net?: string;
  networkAlias?: string[];
  ip?: string;
  tmpfs?: string[];
  addHost?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOption?: string[];
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  healthcheck?: boolean; // false with --no-healthcheck
  healthOnFailure?: string;
  logDriver?: string;
  logOpt?: string[];
  sysctl?: string[];
  ulimit?: string[];
  groupAdd?: string[];
  pid?: string;
  ipc?: string;
  uts?: string;
  runtime?: string;
  cgroupParent?: string;
  platform?: string;
  pull?: string;
  cidfile?: string;
  quiet?: boolean;
  detachKeys?: string;
}

export function addCreateOptions(cmd: Command): Command {
  return addProcessFlags(cmd.helpOption('--help', 'Print usage'), ['name', 'interactive', 'tty', 'env', 'envFile', 'workdir', 'user', 'entrypoint', 'privileged'])
    .option('-a, --attach <stream>', 'Attach to STDIN, STDOUT or STDERR', collect)
    .option('-h, --hostname <name>', 'Container host name')
    .option('--domainname <name>', 'Container NIS domain name')
    .option('-l, --label <label>', 'Set meta data on a container', collect)
    .option('--label-file <file>', 'Read in a line delimited file of labels', collect)
    .option('--restart <policy>', 'Restart policy to apply when a container exits', 'no')
    .option('--init', 'Run an init inside the container that forwards signals and reaps processes')
    .option('--read-only', "Mount the container's root filesystem as read only")
    .option('-m, --memory <bytes>', 'Memory limit')
    .option('--memory-swap <bytes>', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
    .option('--shm-size <bytes>', 'Size of /dev/shm')
    .option('--cpus <decimal>', 'Number of CPUs')
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)')
    .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)')
    .option('--cap-add <cap>', 'Add Linux capabilities', collect)
    .option('--cap-drop <cap>', 'Drop Linux capabilities', collect)
    .option('--security-opt <opt>', 'Security Options', collect)
    .option('--stop-signal <signal>', 'Signal to stop the container')
    .option('--stop-timeout <int>', 'Timeout (in seconds) to stop a container')
    .option('-p, --publish <spec>', "Publish a container's port(s) to the host", collect)
    .option('-P, --publish-all', 'Publish all exposed ports to random ports')
    .option('--expose <port>', 'Expose a port or a range of ports', collect)
    .option('-v, --volume <spec>', 'Bind mount a volume', collect)
    .option('--volumes-from <container>', 'Mount volumes from the specified container(s)', collect)
    .option('--mount <mount>', 'Attach a filesystem mount to the container', collect)
    // Two long names in one flag string would make commander take the first as a short flag and
    // store the value as `net`: --net is its own option, read as an alias below.
    .option('--network <network>', 'Connect a container to a network')
    .option('--net <network>', 'Connect a container to a network (alias of --network)')
    .option('--link <container[:alias]>', 'Add link to another container (legacy: an /etc/hosts entry)', collect)
    .option('--network-alias <alias>', 'Add network-scoped alias for the container', collect)
    .option('--ip <address>', 'IPv4 address (e.g., 172.30.100.104)')
    .option('--tmpfs <mount>', 'Mount a tmpfs directory', collect)
    .option('--add-host <host:ip>', 'Add a custom host-to-IP mapping (host:ip)', collect)
    .option('--dns <ip>', 'Set custom DNS servers', collect)
    .option('--dns-search <domain>', 'Set custom DNS search domains', collect)
    .option('--dns-option <opt>', 'Set DNS options', collect)
    .option('--health-cmd <cmd>', 'Command to run to check health')
    .option('--health-interval <duration>', 'Time between running the check (ms|s|m|h)')
    .option('--health-timeout <duration>', 'Maximum time to allow one check to run (ms|s|m|h)')
    .option('--health-retries <int>', 'Consecutive failures needed to report unhealthy')
    .option('--health-start-period <duration>', 'Start period for the container to initialize before counting retries')
    .option('--health-start-interval <duration>', 'Time between running the check during the start period')
    .option('--no-healthcheck', 'Disable any container-specified HEALTHCHECK')
    .option('--health-on-failure <action>', 'Action when the container turns unhealthy: none, kill, restart or stop (berth, as Podman)')
    .option('--log-driver <driver>', 'Logging driver for the container')
    .option('--log-opt <opt>', 'Log driver options', collect)
    .option('--sysctl <k=v>', 'Sysctl options', collect)
    .option('--ulimit <name=soft[:hard]>', 'Ulimit options', collect)
    .option('--group-add <group>', 'Add additional groups to join', collect)
    .option('--pid <mode>', 'PID namespace to use')
    .option('--ipc <mode>', 'IPC mode to use')
    .option('--uts <mode>', 'UTS namespace to use')
    .option('--runtime <runtime>', 'Runtime to use for this container')
    .option('--cgroup-parent <parent>', 'Optional parent cgroup for the container')
    .option('--platform <platform>', 'Set platform if server is multi-platform capable')
    .option('--pull <policy>', 'Pull image before running ("always", "missing", "never")', 'missing')
    .option('--cidfile <file>', 'Write the container ID to the file')
    .option('-q, --quiet', 'Suppress the pull output');
}

function keyValueFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw invalidArgument(`open ${path}: no such file or directory`);
  }
  return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() && !l.trimStart().startsWith('#'));
}

/** -e/--env-file: "K=V" kept; a bare "K" takes this shell's value, or is dropped when unset. */
export function environment(envFiles: string[] = [], env: string[] = []): string[] {
  const out: string[] = [];
  for (const e of [...envFiles.flatMap(keyValueFile), ...env]) {
    if (e.includes('=')) out.push(e);
    else if (process.env[e] !== undefined) out.push(`${e}=${process.env[e]}`);
  }
  return out;
}

function labels(files: string[] = [], list: string[] = []): Record<string, string> | undefined {
  const all = [...files.flatMap(keyValueFile), ...list];
  if (!all.length) return undefined;
  return Object.fromEntries(all.map((l) => { const i = l.indexOf('='); return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)]; }));
}

function healthOnFailure(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!['none', 'kill', 'restart', 'stop'].includes(v)) throw invalidArgument(`invalid argument "${v}" for "--health-on-failure" flag: expected none, kill, restart or stop`);
  return v;
}

export function restartPolicy(spec: string): RestartPolicy {
  const [name, count] = spec.split(':');
  if (name === 'no' || name === 'always' || name === 'unless-stopped') {
    if (count !== undefined) throw invalidArgument(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
    return { Name: name };
  }
  if (name === 'on-failure') {
    if (count !== undefined && !/^\d+$/.test(count)) throw invalidArgument(`invalid restart policy format: maximum retry count must be an integer`);
    return { Name: 'on-failure', MaximumRetryCount: count ? Number(count) : 0 };
  }
  throw invalidArgument(`invalid restart policy format: unknown policy '${name}'`);
}

function bool(v: string | undefined): boolean {
  return v === undefined || v === '' || v === 'true' || v === '1';
}

function splitOnce(s: string): [string, string] {
  const i = s.indexOf('=');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** --mount type=bind,source=/a,target=/b,readonly ... */
export function parseMount(spec: string): MountSpec {
  const m: MountSpec = { Type: 'volume', Target: '' };
  for (const field of spec.split(',')) {
    const i = field.indexOf('=');
    const key = (i < 0 ? field : field.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? undefined : field.slice(i + 1);
    switch (key) {
      case 'type':
        if (val !== 'bind' && val !== 'volume' && val !== 'tmpfs') throw invalidArgument(`invalid argument "${spec}" for "--mount" flag: unknown mount type "${val}"`);
        m.Type = val;
        break;
      case 'source': case 'src': m.Source = val; break;
      case 'target': case 'destination': case 'dst': m.Target = val ?? ''; break;
      case 'readonly': case 'ro': m.ReadOnly = bool(val); break;
      case 'consistency': m.Consistency = val; break;
      case 'bind-propagation': m.BindOptions = { ...m.BindOptions, Propagation: val }; break;
      case 'bind-nonrecursive': m.BindOptions = { ...m.BindOptions, NonRecursive: bool(val) }; break;
      case 'volume-nocopy': m.VolumeOptions = { ...m.VolumeOptions, NoCopy: bool(val) }; break;
      case 'volume-subpath': m.VolumeOptions = { ...m.VolumeOptions, Subpath: val }; break;
      case 'volume-driver': m.VolumeOptions = { ...m.VolumeOptions, DriverConfig: { ...m.VolumeOptions?.DriverConfig, Name: val } }; break;
      case 'volume-label': {
        const [k, v] = splitOnce(val ?? '');
        m.VolumeOptions = { ...m.VolumeOptions, Labels: { ...m.VolumeOptions?.Labels, [k]: v } };
        break;
      }
      case 'volume-opt': {
        const [k, v] = splitOnce(val ?? ''); // o=size=2m: the value keeps its own '='
        const dc = m.VolumeOptions?.DriverConfig ?? {};
        m.VolumeOptions = { ...m.VolumeOptions, DriverConfig: { ...dc, Options: { ...dc.Options, [k]: v } } };
        break;
      }
      case 'tmpfs-size': m.TmpfsOptions = { ...m.TmpfsOptions, SizeBytes: parseBytes(val ?? '') }; break;
      case 'tmpfs-mode': m.TmpfsOptions = { ...m.TmpfsOptions, Mode: parseInt(val ?? '', 8) }; break;
      default: throw invalidArgument(`invalid argument "${spec}" for "--mount" flag: unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Target) throw invalidArgument(`invalid argument "${spec}" for "--mount" flag: target is required`);
  if (m.Type === 'bind' && m.Source && !m.Source.startsWith('/')) m.Source = resolve(m.Source);
  return m;
}

function numberFlag(v: string | undefined, flag: string, parse: (s: string) => number = Number): number | undefined {
  if (v === undefined) return undefined;
  let n: number;
  try {
    n = parse(v);
  } catch (e) {
    throw invalidArgument(`invalid argument "${v}" for "${flag}" flag: ${(e as Error).message}`);
  }
  if (!Number.isFinite(n)) throw invalidArgument(`invalid argument "${v}" for "${flag}" flag: invalid syntax`);
  return n;
}

function durationFlag(v: string | undefined, flag: string): number | undefined {
  return numberFlag(v, flag, parseGoDuration);
}

export function buildCreateBody(image: string, command: string[], flags: CreateFlags): ContainerCreateBody {
  const f: CreateFlags = { ...flags, network: flags.network ?? flags.net };
  if (f.rm && f.restart && f.restart !== 'no') throw invalidArgument('conflicting options: cannot specify both --restart and --rm');
  const attach = f.attach?.map((s) => s.toLowerCase()) ?? [];
  if (f.detach && attach.length) throw invalidArgument('Conflicting options: -a and -d');
  const badStream = attach.find((s) => !['stdin', 'stdout', 'stderr'].includes(s));
  if (badStream) throw invalidArgument(`invalid argument "${badStream}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  const attachStdin = f.detach ? false : attach.length ? attach.includes('stdin') : !!f.interactive;
  const attachStdout = f.detach ? false : attach.length ? attach.includes('stdout') : true;
  const attachStderr = f.detach ? false : attach.length ? attach.includes('stderr') : true;
  const { exposed, bindings } = parsePublish(f.publish ?? [], f.expose ?? []);

  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const v of f.volume ?? []) {
    const parts = v.split(':');
    if (parts.length === 1 || (parts.length === 2 && /^(ro|rw|z|Z)$/.test(parts[1]) && parts[0].startsWith('/'))) {
      volumes[parts[0]] = {};
      continue;
    }
    // Relative host paths mean "from here", as in docker >= 23.
    if (parts[0].startsWith('.')) parts[0] = resolve(parts[0]);
    binds.push(parts.join(':'));
  }

  const tmpfs: Record<string, string> = {};
  for (const t of f.tmpfs ?? []) {
    const i = t.indexOf(':');
    if (i < 0) tmpfs[t] = '';
    else tmpfs[t.slice(0, i)] = t.slice(i + 1);
  }

  const logConfig = f.logDriver || f.logOpt?.length
    ? { Type: f.logDriver ?? '', Config: Object.fromEntries((f.logOpt ?? []).map((o) => { const i = o.indexOf('='); return [o.slice(0, i), o.slice(i + 1)]; })) }
    : undefined;

  let healthcheck: ContainerCreateBody['Healthcheck'];
  if (f.healthcheck === false) {
    if (f.healthCmd) throw invalidArgument('--no-healthcheck conflicts with --health-* options');
    healthcheck = { Test: ['NONE'] };
  } else if (f.healthCmd || f.healthInterval || f.healthTimeout || f.healthRetries || f.healthStartPeriod || f.healthStartInterval) {
    healthcheck = {
      Test: f.healthCmd ? ['CMD-SHELL', f.healthCmd] : undefined,
      Interval: durationFlag(f.healthInterval, '--health-interval'),
      Timeout: durationFlag(f.healthTimeout, '--health-timeout'),
      Retries: numberFlag(f.healthRetries, '--health-retries'),
      StartPeriod: durationFlag(f.healthStartPeriod, '--health-start-period'),
      StartInterval: durationFlag(f.healthStartInterval, '--health-start-interval'),
    };
  }

  const network = f.network ?? 'default';
  const hostConfig: HostConfig = {
    Binds: binds.length ? binds : undefined,
    Mounts: f.mount?.length ? f.mount.map(parseMount) : undefined,
    Tmpfs: Object.keys(tmpfs).length ? tmpfs : undefined,
    NetworkMode: network,
    PortBindings: Object.keys(bindings).length ? bindings : undefined,
    PublishAllPorts: f.publishAll || undefined,
    RestartPolicy: f.restart ? restartPolicy(f.restart) : undefined,
    AutoRemove: f.rm || undefined,
    VolumesFrom: f.volumesFrom,
    Links: f.link?.map((l) => (l.includes(':') ? l : `${l}:${l}`)),
    CapAdd: f.capAdd,
    CapDrop: f.capDrop,
    Privileged: f.privileged || undefined,
    SecurityOpt: f.securityOpt,
    ReadonlyRootfs: f.readOnly || undefined,
    Init: f.init ? true : undefined,
    Dns: f.dns,
    DnsSearch: f.dnsSearch,
    DnsOptions: f.dnsOption,
    ExtraHosts: f.addHost,
    LogConfig: logConfig,
    Memory: numberFlag(f.memory, '-m, --memory', parseBytes),
    MemorySwap: f.memorySwap === '-1' ? -1 : numberFlag(f.memorySwap, '--memory-swap', parseBytes),
    ShmSize: numberFlag(f.shmSize, '--shm-size', parseBytes),
    NanoCpus: f.cpus !== undefined ? Math.round((numberFlag(f.cpus, '--cpus') ?? 0) * 1e9) : undefined,
    CpuShares: numberFlag(f.cpuShares, '-c, --cpu-shares'),
    PidsLimit: numberFlag(f.pidsLimit, '--pids-limit'),
    Sysctls: f.sysctl?.length ? Object.fromEntries(f.sysctl.map((s) => { const i = s.indexOf('='); return [s.slice(0, i), s.slice(i + 1)]; })) : undefined,
    Ulimits: f.ulimit?.map((u) => {
      const [name, vals = ''] = u.split('=');
      const [soft, hard = soft] = vals.split(':');
      return { Name: name, Soft: Number(soft), Hard: Number(hard) };
    }),
    GroupAdd: f.groupAdd,
    PidMode: f.pid,
    IpcMode: f.ipc,
    UTSMode: f.uts,
    Runtime: f.runtime,
    CgroupParent: f.cgroupParent,
  };
  for (const k of Object.keys(hostConfig)) if (hostConfig[k] === undefined) delete hostConfig[k];

  const body: ContainerCreateBody = {
    Hostname: f.hostname,
    Domainname: f.domainname,
    User: f.user,
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Tty: !!f.tty,
    OpenStdin: !!f.interactive,
    StdinOnce: attachStdin,
    Env: environment(f.envFile, f.env),
    Cmd: command.length ? command : undefined,
    Healthcheck: healthcheck,
    HealthOnFailure: healthOnFailure(f.healthOnFailure),
    Image: image,
    Volumes: Object.keys(volumes).length ? volumes : undefined,
    WorkingDir: f.workdir,
    Entrypoint: f.entrypoint !== undefined ? [f.entrypoint] : undefined,
    Labels: labels(f.labelFile, f.label),
    StopSignal: f.stopSignal,
    StopTimeout: numberFlag(f.stopTimeout, '--stop-timeout'),
    HostConfig: hostConfig,
    NetworkingConfig: f.network && !['default', 'bridge', 'host', 'none'].includes(f.network) || f.networkAlias || f.ip
      ? { EndpointsConfig: { [network === 'default' ? 'bridge' : network]: { Aliases: f.networkAlias, IPAMConfig: f.ip ? { IPv4Address: f.ip } : undefined } } }
      : undefined,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}
