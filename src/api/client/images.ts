// /images/*: listing, inspect, history, tag, remove, prune, and the tar-stream import/load/save.
import type { Readable } from 'node:stream';
import type { Response, Transport } from './transport.js';
import { jsonLines } from './streams.js';
import type { Filters, ImageDeleteItem, ImageSearchResult, ImageHistoryItem, ImageInspect, ImageSummary, ProgressMessage, PruneImagesResponse } from './types.js';
import { BerthError } from '../../common/errors.js';

const enc = encodeURIComponent;

/** Reads a JSON progress stream, handing each message on; an `error` line becomes a thrown error. */
export async function* progress(res: Response): AsyncGenerator<ProgressMessage> {
  for await (const msg of jsonLines<ProgressMessage>(res)) {
    if (msg.error || msg.errorDetail?.message) {
      // inStream: the request succeeded and the operation failed later (docker prints such build errors bare).
      throw new BerthError('internal', msg.errorDetail?.message ?? msg.error ?? 'unknown error', { fromDaemon: true, inStream: true });
    }
    yield msg;
  }
}

export class Images {
  constructor(private readonly t: Transport) {}

  list(opts: { all?: boolean; filters?: Filters; digests?: boolean } = {}): Promise<ImageSummary[]> {
    const filters = opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined;
    return this.t.json('GET', '/images/json', { query: { all: opts.all, filters, digests: opts.digests } });
  }

  inspect(name: string): Promise<ImageInspect> {
    return this.t.json('GET', `/images/${enc(name)}/json`);
  }

  history(name: string): Promise<ImageHistoryItem[]> {
    return this.t.json('GET', `/images/${enc(name)}/history`);
  }

  tag(name: string, repo: string, tag?: string): Promise<void> {
    return this.t.call('POST', `/images/${enc(name)}/tag`, { query: { repo, tag } });
  }

  remove(name: string, opts: { force?: boolean; noprune?: boolean } = {}): Promise<ImageDeleteItem[]> {
    return this.t.json('DELETE', `/images/${enc(name)}`, { query: { force: opts.force, noprune: opts.noprune } });
  }

  prune(filters?: Filters): Promise<PruneImagesResponse> {
    return this.t.json('POST', '/images/prune', { query: { filters: filters ? JSON.stringify(filters) : undefined } });
  }

  /** POST /images/create?fromSrc=-: a rootfs tar becomes an image; yields progress (the last status is the ID). */
  async *import(tar: Readable | null, opts: { source?: string; repo?: string; tag?: string; message?: string; changes?: string[]; platform?: string }): AsyncGenerator<ProgressMessage> {
    const res = await this.t.request('POST', '/images/create', {
      query: { fromSrc: opts.source ?? '-', repo: opts.repo, tag: opts.tag, message: opts.message, changes: opts.changes, platform: opts.platform },
      stream: tar ?? undefined,
    });
    yield* progress(res);
  }

  /** POST /images/create?fromImage=: a registry pull (no tag: every tag). `auth` is the X-Registry-Auth value. */
  async *pull(image: string, tag?: string, opts: { platform?: string; auth?: string } = {}): AsyncGenerator<ProgressMessage> {
    const res = await this.t.request('POST', '/images/create', {
      query: { fromImage: image, tag, platform: opts.platform }, headers: opts.auth ? { 'X-Registry-Auth': opts.auth } : undefined,
    });
    yield* progress(res);
  }

  /** POST /images/{name}/push (no tag: every tag of the repository). */
  async *push(name: string, opts: { tag?: string; auth?: string } = {}): AsyncGenerator<ProgressMessage> {
    const res = await this.t.request('POST', `/images/${enc(name)}/push`, {
      query: { tag: opts.tag }, headers: { 'X-Registry-Auth': opts.auth ?? Buffer.from('{}').toString('base64url') },
    });
    yield* progress(res);
  }

  /** GET /images/search. */
  search(term: string, opts: { limit?: number; filters?: Filters; auth?: string } = {}): Promise<ImageSearchResult[]> {
    const filters = opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined;
    return this.t.json('GET', '/images/search', { query: { term, limit: opts.limit, filters }, headers: opts.auth ? { 'X-Registry-Auth': opts.auth } : undefined });
  }

  /** POST /images/load: a `docker save` or OCI archive. */
  async *load(tar: Readable, opts: { quiet?: boolean } = {}): AsyncGenerator<ProgressMessage> {
    const res = await this.t.request('POST', '/images/load', { query: { quiet: opts.quiet }, stream: tar });
    yield* progress(res);
  }

  /** GET /images/get: a tar of the named images (docker save format). */
  save(names: string[]): Promise<Response> {
    return this.t.request('GET', '/images/get', { query: { names } });
  }
}
