// Where a daemon keeps each container's runtime files, and the shared pieces every container
// operation needs (runtime driver, rootfs service, events). Paths are kept short: conmon's attach
// socket path must fit in a unix socket address (108 bytes).
import { join } from 'node:path';
import type { ImageService, RootfsService } from '../contract.js';
import type { EventBus } from '../events/bus.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import type { NetworkService } from '../network/service.js';
import type { VolumeService } from '../volumes/service.js';

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface RuntimeContext {
  dataRoot: string;
  execRoot: string;
  runtime: OciRuntime;
  images: Pick<ImageService, 'get'>;
  rootfs: RootfsService;
  events: EventBus;
  log: LogFn;
  cgroupParent: string;
  /** Host path of tini-static for --init, if installed. */
  initBinary?: string;
  /** Set by the engine once open: containers in bridge/user network modes get endpoints from it. */
  networks?: NetworkService;
  /** Set by the engine once open: named and anonymous volumes are created and mounted through it. */
  volumes?: VolumeService;
}

export class RuntimePaths {
  constructor(private readonly dataRoot: string, private readonly execRoot: string) {}
  get containersDir(): string { return join(this.dataRoot, 'containers'); }
  get exitDir(): string { return join(this.execRoot, 'exits'); }
  get socketDir(): string { return join(this.execRoot, 's'); }
  get runtimeRoot(): string { return join(this.execRoot, 'runtime'); }
  bundleDir(id: string): string { return join(this.execRoot, 'c', id); }
  execDir(id: string, execId: string): string { return join(this.bundleDir(id), 'exec', execId.slice(0, 24)); }
  /** conmon's -u: names the socket directory, so it is short. */
  sessionId(id: string): string { return id.slice(0, 24); }
  attachSocket(id: string): string { return join(this.socketDir, this.sessionId(id), 'attach'); }
  dataDir(id: string): string { return join(this.containersDir, id); }
}
