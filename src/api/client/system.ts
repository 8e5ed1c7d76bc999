// Daemon-wide endpoints: ping, version, info, events, disk usage.
import type { Transport } from './transport.js';
import { jsonLines } from './streams.js';
import type { AuthConfig, DiskUsage, EventMessage, Filters, SystemInfo, VersionResponse } from './types.js';

export class System {
  constructor(private readonly t: Transport) {}

  async ping(): Promise<{ apiVersion?: string; osType?: string }> {
    const h = await this.t.ping();
    return { apiVersion: h['api-version'] as string | undefined, osType: h['ostype'] as string | undefined };
  }

  version(): Promise<VersionResponse> {
    return this.t.json('GET', '/version');
  }

  /** POST /auth: checks credentials with the registry (docker login). */
  auth(config: AuthConfig): Promise<{ Status: string; IdentityToken?: string }> {
    return this.t.json('POST', '/auth', { body: config });
  }

  info(): Promise<SystemInfo> {
    return this.t.json('GET', '/info');
  }

  df(): Promise<DiskUsage> {
    return this.t.json('GET', '/system/df');
  }

  /** Streams events until `until` passes or the caller stops iterating (which closes the connection). */
  async *events(opts: { since?: string; until?: string; filters?: Filters } = {}): AsyncGenerator<EventMessage> {
    const filters = opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined;
    const res = await this.t.request('GET', '/events', { query: { since: opts.since, until: opts.until, filters } });
    try {
      yield* jsonLines<EventMessage>(res);
    } finally {
      res.destroy();
    }
  }
}
