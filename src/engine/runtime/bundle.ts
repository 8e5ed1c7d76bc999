// OCI runtime bundle generation: turns a container record into the config.json runc/crun run.
// Defaults follow Docker's: namespaces, default capabilities, masked /proc paths, cgroup limits.
import type { ContainerRecord } from '../types.js';
import { resolveCapabilities } from './capabilities.js';
import type { ResolvedUser } from './user.js';
import { ociResources } from './resources.js';
import { seccompFor } from './seccomp.js';

export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';

export const MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface BundleInputs {
  record: ContainerRecord;
  rootfs: string;
  user: ResolvedUser;
  cgroupsPath: string;
  /** Host path of a static init (tini-static) for --init. */
  initBinary?: string;
  /** Pid of another running container, for `container:<name|id>` namespace modes. */
  containerPid?: (ref: string) => number;
  /** A network namespace made beforehand (netns-file.ts) for a container that gets a new one. */
  netnsPath?: string;
  /** Extra mounts prepared by other parts of the engine (volumes, binds). */
  extraMounts?: OciMount[];
}

export interface OciMount { destination: string; type?: string; source: string; options?: string[] }

const RLIMIT_NAMES: Record<string, string> = {
  core: 'RLIMIT_CORE', cpu: 'RLIMIT_CPU', data: 'RLIMIT_DATA', fsize: 'RLIMIT_FSIZE', locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK', msgqueue: 'RLIMIT_MSGQUEUE', nice: 'RLIMIT_NICE', nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC', rss: 'RLIMIT_RSS', rtprio: 'RLIMIT_RTPRIO', rttime: 'RLIMIT_RTTIME',
  sigpending: 'RLIMIT_SIGPENDING', stack: 'RLIMIT_STACK', as: 'RLIMIT_AS',
};

function withHome(env: string[], home: string): string[] {
  return env.some((e) => e.startsWith('HOME=')) ? env : [...env, `HOME=${home}`];
}

/** OCI process.consoleSize from Docker's [height, width], when there is a tty and a size. */
export function consoleSize(tty: boolean, size?: [number, number]): { consoleSize?: { height: number; width: number } } {
  if (!tty || !size || !(size[0] > 0) || !(size[1] > 0)) return {};
  return { consoleSize: { height: Math.floor(size[0]), width: Math.floor(size[1]) } };
}

/** The process's argv: entrypoint + cmd, wrapped in the init when asked. */
export function processArgs(record: ContainerRecord, initBinary?: string): string[] {
  const args = [record.path, ...record.args].filter((a, i) => i > 0 || a !== '');
  return record.spec.host.init && initBinary ? [INIT_PATH_IN_CONTAINER, '--', ...args] : args;
}

export function buildOciConfig(inp: BundleInputs): Record<string, unknown> {
  const { record, user } = inp;
  const spec = record.spec;
  const host = spec.host;
  const caps = resolveCapabilities({ privileged: host.privileged, capAdd: host.capAdd, capDrop: host.capDrop });
  const noNewPrivileges = host.securityOpt.some((o) => /^no-new-privileges(?:[=:]true)?$/.test(o));
  const networkMode = host.networkMode || 'default';
  const res = host.resources ?? {};

  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', host.privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', host.privileged ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${res.shmSize ?? 64 * 1024 * 1024}`] },
    { destination: '/etc/resolv.conf', type: 'bind', source: record.resolvConfPath, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hostname', type: 'bind', source: record.hostnamePath, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hosts', type: 'bind', source: record.hostsPath, options: ['rbind', 'rprivate'] },
  ];
  if (host.init && inp.initBinary) mounts.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: inp.initBinary, options: ['bind', 'ro'] });
  for (const [dest, opts] of Object.entries(host.tmpfs ?? {})) {
    mounts.push({ destination: dest, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(opts ? opts.split(',') : [])] });
  }
  mounts.push(...(inp.extraMounts ?? []));

  // Docker's namespace modes: "host" shares the host's, "container:<id>" joins another container's.
  const namespaces: { type: string; path?: string }[] = [{ type: 'mount' }];
  const join = (type: string, nsFile: string, mode: string | undefined) => {
    if (mode === 'host') return;
    if (mode?.startsWith('container:')) {
      const pid = inp.containerPid?.(mode.slice('container:'.length)) ?? 0;
      namespaces.push({ type, path: `/proc/${pid}/ns/${nsFile}` });
      return;
    }
    namespaces.push({ type });
  };
  join('pid', 'pid', host.pidMode);
  join('ipc', 'ipc', host.ipcMode);
  join('uts', 'uts', host.utsMode ?? (networkMode === 'host' ? 'host' : undefined));
  join('network', 'net', networkMode === 'default' || networkMode === 'bridge' || networkMode === 'none' ? undefined : networkMode);
  const ownNetns = namespaces.find((n) => n.type === 'network' && !n.path);
  if (ownNetns && inp.netnsPath) ownNetns.path = inp.netnsPath;

  const resources: Record<string, unknown> = { devices: [{ allow: host.privileged, access: 'rwm' }], ...ociResources(res) };

  const rlimits = (res.ulimits ?? []).map((u) => ({ type: RLIMIT_NAMES[u.name] ?? `RLIMIT_${u.name.toUpperCase()}`, soft: u.soft, hard: u.hard }));
  const sysctl = { ...(host.sysctls ?? {}) };
  const seccomp = seccompFor({ privileged: host.privileged, securityOpt: host.securityOpt, caps });

  return {
    ociVersion: '1.0.2',
    process: {
      terminal: spec.tty,
      ...consoleSize(spec.tty, host.consoleSize),
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      args: processArgs(record, inp.initBinary),
      env: withHome(record.effective.env, user.home),
      cwd: record.effective.workingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [] },
      rlimits,
      noNewPrivileges,
      ...(host.oomScoreAdj !== undefined ? { oomScoreAdj: host.oomScoreAdj } : {}),
    },
    root: { path: inp.rootfs, readonly: host.readonlyRootfs },
    hostname: namespaces.some((n) => n.type === 'uts' && !n.path) ? (spec.hostname || record.id.slice(0, 12)) : undefined,
    mounts,
    linux: {
      namespaces,
      cgroupsPath: inp.cgroupsPath,
      resources,
      sysctl,
      ...(seccomp ? { seccomp } : {}),
      ...(host.privileged ? {} : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
    },
  };
}
