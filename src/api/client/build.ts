// POST /build: a build context (tar stream) in, the classic builder's JSON messages out.
import type { Readable } from 'node:stream';
import type { Transport } from './transport.js';
import { progress } from './images.js';
import type { ProgressMessage } from './types.js';

export interface BuildQuery {
  tags?: string[];
  dockerfile?: string;
  buildArgs?: Record<string, string | null>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  labels?: Record<string, string>;
  networkMode?: string;
  quiet?: boolean;
  rm?: boolean;
  forceRm?: boolean;
  /** X-Registry-Config: credentials by registry for pulling FROM images. */
  registryConfig?: string;
}

export class Builds {
  constructor(private readonly t: Transport) {}

  /** Yields the build's messages; an errorDetail line becomes a thrown error. */
  async *build(context: Readable, q: BuildQuery): AsyncGenerator<ProgressMessage> {
    const has = (o?: object) => (o && Object.keys(o).length ? JSON.stringify(o) : undefined);
    const res = await this.t.request('POST', '/build', {
      query: {
        t: q.tags, dockerfile: q.dockerfile, buildargs: has(q.buildArgs), target: q.target, nocache: q.noCache, pull: q.pull,
        labels: has(q.labels), networkmode: q.networkMode, q: q.quiet, rm: q.rm ?? true, forcerm: q.forceRm,
      },
      stream: context,
      headers: q.registryConfig ? { 'X-Registry-Config': q.registryConfig } : undefined,
    });
    yield* progress(res);
  }
}
