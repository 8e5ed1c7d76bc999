// /containers/*: lifecycle, listing, logs, attach, stats and the archive (cp) endpoints.
import type { Readable } from 'node:stream';
import { readBody, type Hijacked, type Response, type Transport } from './transport.js';
import { jsonLines } from './streams.js';
import type {
  ContainerCreateBody, ContainerCreateResponse, ContainerInspect, ContainerStats, ContainerSummary, Filters,
  PathStat, PruneContainersResponse, TopResponse, WaitResponse,
} from './types.js';

const enc = encodeURIComponent;

export interface LogsOptions {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  tail?: string;
}

export interface AttachOptions {
  stream?: boolean;
  logs?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  detachKeys?: string;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export class Containers {
  constructor(private readonly t: Transport) {}

  list(opts: { all?: boolean; limit?: number; size?: boolean; filters?: Filters } = {}): Promise<ContainerSummary[]> {
    const filters = opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined;
    return this.t.json('GET', '/containers/json', { query: { all: opts.all, limit: opts.limit, size: opts.size, filters } });
  }

  create(body: ContainerCreateBody, opts: { name?: string; platform?: string } = {}): Promise<ContainerCreateResponse> {
    return this.t.json('POST', '/containers/create', { query: { name: opts.name || undefined, platform: opts.platform }, body });
  }

  inspect(id: string, opts: { size?: boolean } = {}): Promise<ContainerInspect> {
    return this.t.json('GET', `/containers/${enc(id)}/json`, { query: { size: opts.size } });
  }

  start(id: string, opts: { detachKeys?: string } = {}): Promise<void> {
    return this.t.call('POST', `/containers/${enc(id)}/start`, { query: { detachKeys: opts.detachKeys } });
  }

  stop(id: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    return this.t.call('POST', `/containers/${enc(id)}/stop`, { query: { t: opts.timeout, signal: opts.signal } });
  }

  restart(id: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    return this.t.call('POST', `/containers/${enc(id)}/restart`, { query: { t: opts.timeout, signal: opts.signal } });
  }

  kill(id: string, opts: { signal?: string } = {}): Promise<void> {
    return this.t.call('POST', `/containers/${enc(id)}/kill`, { query: { signal: opts.signal } });
  }

  remove(id: string, opts: { force?: boolean; volumes?: boolean; link?: boolean } = {}): Promise<void> {
    return this.t.call('DELETE', `/containers/${enc(id)}`, { query: { force: opts.force, v: opts.volumes, link: opts.link } });
  }

  rename(id: string, name: string): Promise<void> {
    return this.t.call('POST', `/containers/${enc(id)}/rename`, { query: { name } });
  }

  /** POST /containers/{id}/update: restart policy and resources of an existing container. */
  update(id: string, body: Record<string, unknown>): Promise<{ Warnings?: string[] | null }> {
    return this.t.json('POST', `/containers/${enc(id)}/update`, { body });
  }

  pause(id: string): Promise<void> {
    return this.t.call('POST', `/containers/${enc(id)}/pause`);
  }

  unpause(id: string): Promise<void> {
    return this.t.call('POST', `/containers/${enc(id)}/unpause`);
  }

  /**
   * Starts waiting: resolves once the daemon has accepted the wait (headers received), with a
   * promise of the exit status. `docker run` relies on this order: wait is registered before start.
   */
  async waitHandle(id: string, condition?: WaitCondition): Promise<{ result: Promise<WaitResponse> }> {
    const res = await this.t.request('POST', `/containers/${enc(id)}/wait`, { query: { condition } });
    const result = readBody(res).then((text) => JSON.parse(text) as WaitResponse);
    result.catch(() => undefined); // observed by the caller; never an unhandled rejection meanwhile
    return { result };
  }

  async wait(id: string, condition?: WaitCondition): Promise<WaitResponse> {
    return (await this.waitHandle(id, condition)).result;
  }

  top(id: string, psArgs?: string): Promise<TopResponse> {
    return this.t.json('GET', `/containers/${enc(id)}/top`, { query: { ps_args: psArgs } });
  }

  /** The raw log stream: multiplexed frames unless the container has a TTY. */
  logs(id: string, opts: LogsOptions): Promise<Response> {
    return this.t.request('GET', `/containers/${enc(id)}/logs`, {
      query: {
        follow: opts.follow, stdout: opts.stdout ?? true, stderr: opts.stderr ?? true, since: opts.since, until: opts.until,
        timestamps: opts.timestamps, tail: opts.tail,
      },
    });
  }

  attach(id: string, opts: AttachOptions): Promise<Hijacked> {
    return this.t.hijack('POST', `/containers/${enc(id)}/attach`, {
      query: { stream: opts.stream ?? true, logs: opts.logs, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, detachKeys: opts.detachKeys },
    });
  }

  resize(id: string, height: number, width: number): Promise<void> {
    return this.t.call('POST', `/containers/${enc(id)}/resize`, { query: { h: height, w: width } });
  }

  /** One stats sample (stream=false: the daemon fills precpu_stats so CPU % can be computed). */
  stats(id: string, opts: { oneShot?: boolean } = {}): Promise<ContainerStats> {
    return this.t.json('GET', `/containers/${enc(id)}/stats`, { query: { stream: false, 'one-shot': opts.oneShot } });
  }

  async *statsStream(id: string): AsyncGenerator<ContainerStats> {
    const res = await this.t.request('GET', `/containers/${enc(id)}/stats`, { query: { stream: true } });
    try {
      yield* jsonLines<ContainerStats>(res);
    } finally {
      res.destroy();
    }
  }

  prune(filters?: Filters): Promise<PruneContainersResponse> {
    return this.t.json('POST', '/containers/prune', { query: { filters: filters ? JSON.stringify(filters) : undefined } });
  }

  /** HEAD archive: the stat of a path inside the container (X-Docker-Container-Path-Stat). */
  async statPath(id: string, path: string): Promise<PathStat> {
    const res = await this.t.request('HEAD', `/containers/${enc(id)}/archive`, { query: { path } });
    res.resume();
    return decodePathStat(res.headers['x-docker-container-path-stat']);
  }

  /** GET archive: a tar of `path`, and its stat. */
  async getArchive(id: string, path: string): Promise<{ stat: PathStat; tar: Response }> {
    const res = await this.t.request('GET', `/containers/${enc(id)}/archive`, { query: { path } });
    return { stat: decodePathStat(res.headers['x-docker-container-path-stat']), tar: res };
  }

  /** PUT archive: unpacks a tar into directory `path` of the container. */
  putArchive(id: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
    return this.t.call('PUT', `/containers/${enc(id)}/archive`, {
      query: { path, noOverwriteDirNonDir: opts.noOverwriteDirNonDir, copyUIDGID: opts.copyUIDGID }, stream: tar,
    });
  }

  /** GET export: the container's filesystem as a tar stream. */
  export(id: string): Promise<Response> {
    return this.t.request('GET', `/containers/${enc(id)}/export`);
  }
}

function decodePathStat(header: string | string[] | undefined): PathStat {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return { name: '', size: 0, mode: 0, mtime: '', linkTarget: '' };
  return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as PathStat;
}
