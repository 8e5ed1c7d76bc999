// The contract between berthd's API server and its engine. The server holds an `Engine` and
// calls nothing else in src/engine; the engine implements it (src/engine/engine.ts).
// Errors are BerthErrors from src/common/errors.ts (not_found, conflict, ...).
import type { Readable } from 'node:stream';
import type {
  ArchiveStat, AttachOptions, EndpointSpec, ContainerListOptions, ContainerRecord, ContainerSpec, ContainerStatsSample,
  EngineEvent, EngineInfo, ExecRecord, ExecSpec, ImageHistoryEntry, ImageLoadProgress, ImageRecord,
  ImageRemoval, LogLine, LogOptions, MetricsSnapshot, StdioSession, WaitCondition, WaitResult,
} from './types.js';
import type { NetworkService } from './network/service.js';
import type { DistributionInspect, PullResult, PushResult, RegistryAuth, SearchResult, TransferProgress } from './registry/types.js';
import type { VolumeService } from './volumes/service.js';
import type { VolumeRecord } from './volumes/types.js';
import type { BuildOptions, BuildReporter, BuildResult } from './build/types.js';

export interface ImageService {
  list(opts?: { all?: boolean }): Promise<ImageRecord[]>;
  /** By id, id prefix, name[:tag] or name@digest. not_found when absent. */
  get(ref: string): Promise<ImageRecord>;
  /** Import a rootfs tar; `changes` are Dockerfile-like lines (CMD, ENV, WORKDIR, ENTRYPOINT, ...). */
  import(tar: Readable, opts: { ref?: string; changes?: string[]; message?: string; platform?: string }): Promise<ImageRecord>;
  /** Load a docker-save or OCI archive; reports progress; returns the refs (or ids) loaded. */
  load(tar: Readable, onProgress?: (p: ImageLoadProgress) => void): Promise<string[]>;
  /** A docker-save format archive of the given refs (streamed). */
  save(refs: string[]): Promise<Readable>;
  tag(source: string, repo: string, tag: string): Promise<void>;
  remove(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<ImageRemoval>;
  history(ref: string): Promise<(ImageHistoryEntry & { id: string; size: number; tags: string[] })[]>;
  prune(opts: { danglingOnly: boolean; until?: number; labels?: string[] }): Promise<{ deleted: ImageRemoval; spaceReclaimed: number }>;
}

/** Image distribution: registries (OCI distribution spec). Credentials come with each call. */
export interface RegistryService {
  /** Pulls name[:tag|@digest] (platform "os/arch[/variant]", default the host's). */
  pull(ref: string, opts: { platform?: string; auth?: RegistryAuth; signal?: AbortSignal }, progress: (p: TransferProgress) => void): Promise<PullResult>;
  /** Pushes one tag, or every tag of the repository when neither `name` nor `opts.tag` has one. */
  push(name: string, opts: { tag?: string; auth?: RegistryAuth; signal?: AbortSignal }, progress: (p: TransferProgress) => void): Promise<PushResult[]>;
  /** Every tag of a repository in its registry, as full references ("name:tag"). */
  tags(name: string, auth?: RegistryAuth): Promise<string[]>;
  /** Checks credentials against a registry (`docker login`). unauthenticated when refused. */
  login(auth: RegistryAuth, signal?: AbortSignal): Promise<{ status: string; identityToken?: string }>;
  search(term: string, opts: { limit?: number; auth?: RegistryAuth }): Promise<SearchResult[]>;
  /** The manifest a reference names in its registry, and the platforms it offers. */
  inspect(ref: string, auth?: RegistryAuth): Promise<DistributionInspect>;
}

export interface ContainerService {
  create(spec: ContainerSpec): Promise<{ id: string; warnings: string[] }>;
  list(opts?: ContainerListOptions): Promise<ContainerRecord[]>;
  /** By full id, unique id prefix or name (with or without leading "/"). */
  get(idOrName: string): Promise<ContainerRecord>;
  start(id: string): Promise<void>;
  /** timeout in seconds; undefined: the container's stopTimeout or 10. */
  stop(id: string, opts: { timeout?: number; signal?: string }): Promise<void>;
  restart(id: string, opts: { timeout?: number; signal?: string }): Promise<void>;
  kill(id: string, signal?: string): Promise<void>;
  remove(id: string, opts: { force: boolean; volumes: boolean; link?: boolean }): Promise<void>;
  rename(id: string, newName: string): Promise<void>;
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  /** Resolves on the condition; with 'next-exit' registered before returning so a following start cannot be missed. */
  wait(id: string, condition: WaitCondition): Promise<{ result: Promise<WaitResult> }>;
  attach(id: string, opts: AttachOptions): Promise<StdioSession>;
  logs(id: string, opts: LogOptions, signal?: AbortSignal): AsyncIterable<LogLine>;
  top(id: string, psArgs?: string): Promise<{ titles: string[]; processes: string[][] }>;
  stats(id: string): Promise<ContainerStatsSample>;
  resize(id: string, cols: number, rows: number): Promise<void>;
  /** tar of a path inside the container */
  getArchive(id: string, path: string): Promise<{ stat: ArchiveStat; tar: Readable }>;
  statPath(id: string, path: string): Promise<ArchiveStat>;
  putArchive(id: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void>;
  /** `labels`: all must match; `labelsNot`: none may match (Docker's `label!`). */
  prune(opts: { until?: number; labels?: string[]; labelsNot?: string[] }): Promise<{ deleted: string[]; spaceReclaimed: number }>;
  /** `network connect`: recorded; a running container gets the endpoint at once. */
  connectNetwork?(id: string, network: string, endpoint: EndpointSpec): Promise<void>;
  /** `network disconnect`: a running container loses the endpoint at once. */
  disconnectNetwork?(id: string, network: string): Promise<void>;
  update(id: string, changes: { restartPolicy?: ContainerSpec['host']['restartPolicy']; resources?: ContainerSpec['host']['resources'] }): Promise<string[]>;
}

export interface ExecService {
  create(containerId: string, spec: ExecSpec): Promise<string>;
  get(execId: string): Promise<ExecRecord>;
  /** Starts the exec; detached: returns at once with no session. */
  start(execId: string, opts: { detach: boolean; tty: boolean; consoleSize?: [number, number] }): Promise<StdioSession | null>;
  resize(execId: string, cols: number, rows: number): Promise<void>;
  /** Execs of a container not yet ended (created or running): inspect's ExecIDs. */
  activeIdsOf(containerId: string): string[];
}

export interface EventService {
  /** Past events since `since` (ns) then live ones until `until` or the signal aborts. */
  subscribe(opts: { since?: bigint; until?: bigint; signal: AbortSignal }): AsyncIterable<EngineEvent>;
}

export interface MetricsService {
  /** Engine counts and every container's usage now (running ones sampled from their cgroups). */
  snapshot(): Promise<MetricsSnapshot>;
}

/** Networks as the API sees them (records and options in ./network/types.ts). */
export type NetworkServiceContract = Pick<NetworkService, 'list' | 'get' | 'create' | 'remove' | 'prune' | 'endpointsOf' | 'listPorts'>;
/** A volume with its size in bytes and the number of containers using it (`system df`). */
export interface VolumeUsage { volume: VolumeRecord; size: number; refCount: number }
/** Volumes (local driver; ./volumes/types.ts). */
export type VolumeServiceContract = Pick<VolumeService, 'list' | 'get' | 'create' | 'remove' | 'prune' | 'inUseBy'>;

/** The classic Dockerfile builder (src/engine/build, docs/build.md). */
export interface BuildServiceContract {
  /** Builds from a context tar (or a lone Dockerfile); reports as Docker's classic builder does. */
  build(context: Readable, opts: BuildOptions, out: BuildReporter, signal?: AbortSignal): Promise<BuildResult>;
}

export interface Engine {
  images: ImageService;
  builds: BuildServiceContract;
  /** Absent in engines assembled without registry access (some tests): the API answers 501. */
  registry?: RegistryService;
  networks: NetworkServiceContract;
  volumes: VolumeServiceContract;
  containers: ContainerService;
  exec: ExecService;
  events: EventService;
  metrics: MetricsService;
  info(): Promise<EngineInfo>;
  /** Disk usage for `system df`. */
  diskUsage(): Promise<{ layersSize: number; images: ImageRecord[]; containers: ContainerRecord[]; volumes: VolumeUsage[] }>;
  /** Stop serving: containers keep running under their monitors. */
  shutdown(): Promise<void>;
}

/**
 * What the container service needs from the image store: each container's root filesystem,
 * an overlayfs of the image's layers with a writable upper directory of its own.
 */
export interface RootfsService {
  /** Mounts the container's rootfs over the image's layers (idempotent); returns the mount point. */
  mount(containerId: string, imageId: string): Promise<string>;
  unmount(containerId: string): Promise<void>;
  /** Unmounts and deletes the container's writable layer. */
  remove(containerId: string): Promise<void>;
  /** Bytes written in the container's writable layer. */
  size(containerId: string): Promise<number>;
}
