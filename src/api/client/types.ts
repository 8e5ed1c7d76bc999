// The Engine API's JSON shapes (v1.44 field names), the subset berth's CLI and orchestrator read
// and write. Fields a daemon may omit are optional; unknown fields pass through untouched.

export interface PortBinding { HostIp?: string; HostPort?: string }
export type PortMap = Record<string, PortBinding[] | null>;

export interface RestartPolicy { Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount?: number }

export interface MountSpec {
  Type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> }; Subpath?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

export interface HostConfig {
  Binds?: string[];
  ContainerIDFile?: string;
  LogConfig?: { Type: string; Config?: Record<string, string> };
  NetworkMode?: string;
  PortBindings?: PortMap;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  VolumesFrom?: string[];
  Links?: string[];
  Mounts?: MountSpec[];
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Dns?: string[];
  DnsOptions?: string[];
  DnsSearch?: string[];
  ExtraHosts?: string[];
  Init?: boolean | null;
  Privileged?: boolean;
  PublishAllPorts?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[];
  Tmpfs?: Record<string, string>;
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  PidsLimit?: number | null;
  ShmSize?: number;
  [key: string]: unknown;
}

export interface EndpointSettings {
  Aliases?: string[] | null;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  MacAddress?: string;
  [key: string]: unknown;
}

export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[];
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  NetworkDisabled?: boolean;
  Labels?: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[];
  [key: string]: unknown;
}

export interface ContainerCreateBody extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointSettings> };
}

export interface ContainerCreateResponse { Id: string; Warnings?: string[] | null }

export interface PortSummary { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }

export interface MountPoint {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination: string;
  Driver?: string;
  Mode?: string;
  RW?: boolean;
  Propagation?: string;
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: PortSummary[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string> | null;
  State: string;
  Status: string;
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, EndpointSettings> };
  Mounts?: MountPoint[];
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: { Status: string; FailingStreak: number; Log?: unknown[] };
}

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string;
  Name: string;
  RestartCount: number;
  HostConfig: HostConfig;
  Config: ContainerConfig;
  Mounts: MountPoint[];
  NetworkSettings: { Ports?: PortMap; Networks?: Record<string, EndpointSettings>; IPAddress?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface WaitResponse { StatusCode: number; Error?: { Message?: string } | null }

export interface TopResponse { Titles: string[]; Processes: string[][] }

export interface PruneContainersResponse { ContainersDeleted: string[] | null; SpaceReclaimed: number }

export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

export interface ContainerStats {
  read: string;
  preread?: string;
  id?: string;
  name?: string;
  pids_stats?: { current?: number; limit?: number };
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number>; max_usage?: number };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number; [key: string]: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { major: number; minor: number; op: string; value: number }[] | null };
}
export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[] | null; usage_in_kernelmode?: number; usage_in_usermode?: number };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface ExecCreateBody {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  ConsoleSize?: [number, number] | null;
  Tty?: boolean;
  Env?: string[];
  Cmd: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig?: { tty?: boolean; entrypoint?: string; arguments?: string[]; user?: string; privileged?: boolean };
  OpenStdin?: boolean;
  ContainerID: string;
  Pid?: number;
  [key: string]: unknown;
}

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent?: string;
  Comment?: string;
  Created: string;
  Author?: string;
  Config?: ContainerConfig | null;
  Architecture?: string;
  Os?: string;
  Size: number;
  RootFS?: { Type: string; Layers?: string[] };
  /** When the image was last tagged (Docker's zero time when never, e.g. a pulled image). */
  Metadata?: { LastTagTime?: string };
  [key: string]: unknown;
}

export interface ImageHistoryItem { Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }

export interface ImageDeleteItem { Untagged?: string; Deleted?: string }

export interface PruneImagesResponse { ImagesDeleted: ImageDeleteItem[] | null; SpaceReclaimed: number }

/** One line of a JSON progress stream (import, load, pull). */
export interface ImageSearchResult { name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }

export interface AuthConfig { username?: string; password?: string; serveraddress?: string; identitytoken?: string; registrytoken?: string }

export interface ProgressMessage {
  status?: string;
  stream?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: unknown;
}

export interface VersionResponse {
  Platform?: { Name: string };
  Components?: { Name: string; Version: string; Details?: Record<string, string> }[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Experimental?: boolean;
  BuildTime?: string;
}

export interface SystemInfo {
  ID?: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver?: string;
  DriverStatus?: [string, string][] | null;
  Name?: string;
  ServerVersion?: string;
  OperatingSystem?: string;
  OSType?: string;
  Architecture?: string;
  NCPU?: number;
  MemTotal?: number;
  KernelVersion?: string;
  DockerRootDir?: string;
  CgroupDriver?: string;
  CgroupVersion?: string;
  LoggingDriver?: string;
  DefaultRuntime?: string;
  Runtimes?: Record<string, { path?: string }>;
  SecurityOptions?: string[];
  Plugins?: { Volume?: string[]; Network?: string[]; Log?: string[] };
  Labels?: string[];
  Debug?: boolean;
  Experimental?: boolean;
  LiveRestoreEnabled?: boolean;
  [key: string]: unknown;
}

export interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  scope?: string;
  time: number;
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}

export interface DiskUsage {
  LayersSize?: number;
  Images?: ImageSummary[] | null;
  Containers?: ContainerSummary[] | null;
  Volumes?: { Name: string; UsageData?: { Size: number; RefCount: number } | null; [key: string]: unknown }[] | null;
  BuildCache?: { Size: number; InUse: boolean; Shared: boolean; [key: string]: unknown }[] | null;
}

/** Filters as the API takes them: {"status": ["running"], "label": ["a=b"]}. */
export type Filters = Record<string, string[]>;

export interface IPAMConfig { Subnet?: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses?: Record<string, string> }

export interface NetworkCreateBody {
  Name: string;
  CheckDuplicate?: boolean;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: IPAMConfig[]; Options?: Record<string, string> };
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
}

export interface NetworkInspect {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options?: Record<string, string> | null; Config: IPAMConfig[] | null };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  Containers?: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string> | null;
  Labels: Record<string, string> | null;
  [key: string]: unknown;
}

export interface VolumeInspect {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Status?: Record<string, unknown>;
  Labels: Record<string, string> | null;
  Scope: string;
  Options: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface VolumeCreateBody { Name?: string; Driver?: string; DriverOpts?: Record<string, string>; Labels?: Record<string, string> }
