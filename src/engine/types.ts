// The engine's own vocabulary: what berthd's API server asks of the engine and what it gets back.
// These are berth's types, not Docker's JSON: src/api/server translates between the two.
// Durations are nanoseconds (as the Engine API and OCI configs carry them), times are ISO strings.
import type { Readable, Writable } from 'node:stream';

// ---------- images ----------

/** The OCI image config's `config` object, as stored on disk (OCI image spec field names). */
export interface OciImageConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** Docker extensions kept in the same object, as Docker writes them. */
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
  Shell?: string[];
  OnBuild?: string[] | null;
  ArgsEscaped?: boolean;
}

export interface ImageHistoryEntry {
  created?: string;
  createdBy?: string;
  comment?: string;
  emptyLayer?: boolean;
  author?: string;
}

export interface ImageRecord {
  /** "sha256:<hex>" of the image config blob. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: string;
  author?: string;
  comment?: string;
  architecture: string;
  os: string;
  variant?: string;
  config: OciImageConfig;
  /** Uncompressed layer digests (diff IDs), bottom first. */
  diffIds: string[];
  history: ImageHistoryEntry[];
  /** Sum of the unpacked layers' sizes in bytes. */
  size: number;
  parent?: string;
}

export interface ImageRemoval { untagged: string[]; deleted: string[] }

export interface ImageLoadProgress { stream?: string; status?: string; id?: string; progress?: string }

// ---------- containers ----------

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';
export interface RestartPolicy { name: RestartPolicyName; maximumRetryCount: number }

export interface HealthcheckSpec {
  /** ["NONE"], ["CMD", ...], ["CMD-SHELL", "..."], or [] to inherit from the image. */
  test?: string[];
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}

export type MountType = 'bind' | 'volume' | 'tmpfs';
export interface MountSpec {
  type: MountType;
  /** host path for bind, volume name for volume (empty: anonymous), unused for tmpfs */
  source: string;
  target: string;
  readOnly: boolean;
  /** bind propagation, tmpfs size/mode, volume nocopy... */
  options: { propagation?: string; tmpfsSize?: number; tmpfsMode?: number; noCopy?: boolean; selinuxRelabel?: string; createHostPath?: boolean; volumeLabels?: Record<string, string>; volumeDriver?: string; volumeDriverOptions?: Record<string, string>; subpath?: string };
}

export interface PortBinding { hostIp: string; hostPort: string }
export interface LogConfig { type: string; config: Record<string, string> }

export interface ResourceLimits {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  pidsLimit?: number;
  shmSize?: number;
  ulimits?: { name: string; soft: number; hard: number }[];
  oomKillDisable?: boolean;
}

export interface EndpointSpec { aliases: string[]; ipv4Address?: string; ipv6Address?: string; links?: string[]; macAddress?: string }

/** Everything a container is created with. The API server fills it from a create request. */
export interface ContainerSpec {
  name?: string;
  image: string;
  cmd?: string[];
  /** undefined: the image's; []/[""] : none */
  entrypoint?: string[];
  env: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  domainname?: string;
  labels: Record<string, string>;
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  exposedPorts: string[];
  volumes: string[];
  stopSignal?: string;
  /** seconds */
  stopTimeout?: number;
  healthcheck?: HealthcheckSpec;
  /** Self-healing action on unhealthy: none|kill|restart|stop (issue 9) */
  healthOnFailure?: 'none' | 'kill' | 'restart' | 'stop';
  networkDisabled?: boolean;
  host: {
    binds: string[];
    mounts: MountSpec[];
    tmpfs: Record<string, string>;
    volumesFrom: string[];
    networkMode: string;
    portBindings: Record<string, PortBinding[]>;
    publishAllPorts: boolean;
    restartPolicy: RestartPolicy;
    autoRemove: boolean;
    init: boolean;
    readonlyRootfs: boolean;
    privileged: boolean;
    capAdd: string[];
    capDrop: string[];
    securityOpt: string[];
    dns: string[];
    dnsSearch: string[];
    dnsOptions: string[];
    extraHosts: string[];
    links: string[];
    logConfig: LogConfig;
    resources: ResourceLimits;
    sysctls: Record<string, string>;
    pidMode?: string;
    ipcMode?: string;
    utsMode?: string;
    groupAdd: string[];
    oomScoreAdj?: number;
    runtime?: string;
    /** Initial tty size [height, width] (Docker's HostConfig.ConsoleSize), applied before the process runs. */
    consoleSize?: [number, number];
  };
  /** network name → endpoint settings, for networks other than networkMode's own */
  endpoints: Record<string, EndpointSpec>;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';
export interface HealthLogEntry { start: string; end: string; exitCode: number; output: string }
export interface HealthState { status: HealthStatus; failingStreak: number; log: HealthLogEntry[] }

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
  health?: HealthState;
}

export interface EndpointState {
  networkId: string;
  networkName: string;
  endpointId: string;
  ipAddress: string;
  prefixLen: number;
  gateway: string;
  macAddress: string;
  aliases: string[];
  dnsNames: string[];
}

export interface ContainerRecord {
  id: string;
  name: string;
  created: string;
  /** image id (sha256:...) and the reference the user gave */
  imageId: string;
  imageRef: string;
  /** the resolved process: entrypoint + cmd split as Docker shows Path/Args */
  path: string;
  args: string[];
  spec: ContainerSpec;
  /** image config merged with the spec: what actually runs */
  effective: { env: string[]; workingDir: string; user: string; cmd: string[]; entrypoint: string[]; labels: Record<string, string>; exposedPorts: string[]; volumes: string[]; stopSignal: string; healthcheck?: HealthcheckSpec };
  state: ContainerState;
  restartCount: number;
  /** Set when a user stopped it: restart policies must not undo a manual stop. */
  manuallyStopped: boolean;
  logPath: string;
  rootfsPath: string;
  hostnamePath: string;
  hostsPath: string;
  resolvConfPath: string;
  mounts: { type: MountType; name?: string; source: string; destination: string; mode: string; rw: boolean; propagation: string; driver?: string; /** `volume-subpath`: the directory inside the volume that is mounted */ subpath?: string }[];
  network: { sandboxKey: string; ports: Record<string, PortBinding[] | null>; endpoints: Record<string, EndpointState> };
  sizeRw?: number;
}

export interface ContainerListOptions { all?: boolean }

export interface WaitResult { exitCode: number; error?: string }
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** A live connection to a container's or exec's stdio. */
export interface StdioSession {
  /** With a tty, everything comes on stdout. */
  stdout: Readable;
  stderr: Readable;
  /** null when stdin was not asked for or is not open. End it to send EOF. */
  stdin: Writable | null;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves when the process's output is over (it exited or the session was closed). */
  done: Promise<void>;
  close(): void;
}

export interface AttachOptions { stdin: boolean; stdout: boolean; stderr: boolean; logs: boolean; stream: boolean; detachKeys?: string }

export interface LogOptions { follow: boolean; stdout: boolean; stderr: boolean; since?: number; until?: number; timestamps: boolean; tail?: number }
export interface LogLine { stream: 'stdout' | 'stderr'; time: string; data: Buffer }

export interface ExecSpec {
  cmd: string[];
  env: string[];
  workingDir?: string;
  user?: string;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  privileged: boolean;
  detachKeys?: string;
  /** Initial tty size [height, width] (Docker's ConsoleSize on exec create or start). */
  consoleSize?: [number, number];
}
export interface ExecRecord {
  id: string;
  containerId: string;
  spec: ExecSpec;
  running: boolean;
  exitCode: number | null;
  pid: number;
}

export interface ContainerStatsSample {
  read: string;
  cpu: { totalUsage: number; perCpu: number[]; system: number; onlineCpus: number; userMode: number; kernelMode: number };
  memory: { usage: number; limit: number; cache: number; stats: Record<string, number> };
  pids: { current: number; limit?: number };
  networks: Record<string, { rxBytes: number; rxPackets: number; txBytes: number; txPackets: number; rxErrors: number; txErrors: number; rxDropped: number; txDropped: number }>;
  blkio: { op: string; major: number; minor: number; value: number }[];
}

export interface ArchiveStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

// ---------- events ----------

export interface EngineEvent {
  type: 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'builder';
  action: string;
  id: string;
  attributes: Record<string, string>;
  /** nanoseconds since the epoch */
  timeNano: bigint;
}

// ---------- info ----------

export interface EngineInfo {
  id: string;
  name: string;
  runtime: string;
  runtimes: string[];
  dataRoot: string;
  execRoot: string;
  kernelVersion: string;
  operatingSystem: string;
  osType: string;
  architecture: string;
  ncpu: number;
  memTotal: number;
  cgroupVersion: '1' | '2';
  cgroupDriver: string;
  storageDriver: string;
  serverVersion: string;
  containers: { total: number; running: number; paused: number; stopped: number };
  images: number;
  warnings: string[];
}

// ---------- metrics ----------

/** One container as the metrics scrape sees it; `usage` only while it runs. */
export interface ContainerMetrics {
  id: string;
  name: string;
  image: string;
  /** com.docker.compose.project / .service labels, '' when absent */
  project: string;
  service: string;
  status: ContainerStatus;
  health: HealthStatus;
  restartCount: number;
  /** seconds since the current run started; 0 when not running */
  uptimeSeconds: number;
  usage?: ContainerStatsSample;
}

/** Everything /metrics reports about the engine at one instant. */
export interface MetricsSnapshot {
  containers: ContainerMetrics[];
  images: number;
  /** events published since berthd started, by type and action (exec_start: ... counted as exec_start) */
  events: { type: EngineEvent['type']; action: string; count: number }[];
}
