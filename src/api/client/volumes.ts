// /volumes/*: create, list, inspect, remove, prune.
import type { Transport } from './transport.js';
import type { Filters, VolumeCreateBody, VolumeInspect } from './types.js';

const enc = encodeURIComponent;
const filterQuery = (f?: Filters) => (f && Object.keys(f).length ? JSON.stringify(f) : undefined);

export class Volumes {
  constructor(private readonly t: Transport) {}

  async list(filters?: Filters): Promise<VolumeInspect[]> {
    const r = await this.t.json<{ Volumes: VolumeInspect[] | null; Warnings?: string[] | null }>('GET', '/volumes', { query: { filters: filterQuery(filters) } });
    return r.Volumes ?? [];
  }

  inspect(name: string): Promise<VolumeInspect> {
    return this.t.json('GET', `/volumes/${enc(name)}`);
  }

  create(body: VolumeCreateBody): Promise<VolumeInspect> {
    return this.t.json('POST', '/volumes/create', { body });
  }

  remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.t.call('DELETE', `/volumes/${enc(name)}`, { query: { force: opts.force } });
  }

  prune(filters?: Filters): Promise<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.t.json('POST', '/volumes/prune', { query: { filters: filterQuery(filters) } });
  }
}
