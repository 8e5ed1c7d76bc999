// The typed Docker Engine API client: one object per resource over one transport. Used by the
// berth CLI and the Compose orchestrator; it works against berthd, dockerd or podman alike.
import { Transport, type TransportOptions } from './transport.js';
import { DEFAULT_HOST, parseHost, type EngineAddress } from './host.js';
import { Containers } from './containers.js';
import { Images } from './images.js';
import { Execs } from './exec.js';
import { System } from './system.js';
import { Networks } from './networks.js';
import { Volumes } from './volumes.js';
import { Builds } from './build.js';
import type { Readable } from 'node:stream';

export class EngineClient {
  readonly transport: Transport;
  readonly containers: Containers;
  readonly images: Images;
  readonly exec: Execs;
  readonly system: System;
  readonly networks: Networks;
  readonly volumes: Volumes;
  readonly builds: Builds;

  constructor(address: EngineAddress, opts: TransportOptions = {}) {
    this.transport = new Transport(address, opts);
    this.containers = new Containers(this.transport);
    this.images = new Images(this.transport);
    this.exec = new Execs(this.transport);
    this.system = new System(this.transport);
    this.networks = new Networks(this.transport);
    this.volumes = new Volumes(this.transport);
    this.builds = new Builds(this.transport);
  }

  /** `host` as -H/DOCKER_HOST give it (unix:///path, tcp://host:port); defaults to berthd's socket. */
  static fromHost(host: string = process.env.DOCKER_HOST || DEFAULT_HOST, opts: TransportOptions = {}): EngineClient {
    return new EngineClient(parseHost(host), opts);
  }

  apiVersion(): Promise<string> {
    return this.transport.apiVersion();
  }

  /** Lets the process exit: drops idle keep-alive connections. */
  close(): void {
    this.transport.close();
  }
}

export { DEFAULT_HOST, parseHost, type EngineAddress } from './host.js';
export { CLIENT_MAX_API_VERSION, compareVersions, type Hijacked, type TransportOptions } from './transport.js';
export { demux, jsonLines, frameHeader, type Frame, type StreamType } from './streams.js';
export { daemonError, isFromDaemon } from './errors.js';
export { progress } from './images.js';
export type * from './types.js';
export type { BuildQuery } from './build.js';
/**
 * A build context directory as a tar stream. Loaded on first use: tar-stream and .dockerignore
 * matching are only for builds, and every `berth` command imports this client (start-up cost).
 */
export async function contextTar(...args: Parameters<typeof import('./build-context.js').contextTar>): Promise<Readable> {
  return (await import('./build-context.js')).contextTar(...args);
}
export type { LogsOptions, AttachOptions, WaitCondition } from './containers.js';
