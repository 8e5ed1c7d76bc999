// /networks/*: create, list, inspect, remove, connect/disconnect containers, prune.
import type { Transport } from './transport.js';
import type { EndpointSettings, Filters, NetworkCreateBody, NetworkInspect } from './types.js';

const enc = encodeURIComponent;
const filterQuery = (f?: Filters) => (f && Object.keys(f).length ? JSON.stringify(f) : undefined);

export class Networks {
  constructor(private readonly t: Transport) {}

  list(filters?: Filters): Promise<NetworkInspect[]> {
    return this.t.json('GET', '/networks', { query: { filters: filterQuery(filters) } });
  }

  inspect(id: string, opts: { verbose?: boolean } = {}): Promise<NetworkInspect> {
    return this.t.json('GET', `/networks/${enc(id)}`, { query: { verbose: opts.verbose } });
  }

  create(body: NetworkCreateBody): Promise<{ Id: string; Warning?: string }> {
    return this.t.json('POST', '/networks/create', { body });
  }

  remove(id: string): Promise<void> {
    return this.t.call('DELETE', `/networks/${enc(id)}`);
  }

  connect(id: string, container: string, endpoint?: EndpointSettings): Promise<void> {
    return this.t.call('POST', `/networks/${enc(id)}/connect`, { body: { Container: container, EndpointConfig: endpoint } });
  }

  disconnect(id: string, container: string, force = false): Promise<void> {
    return this.t.call('POST', `/networks/${enc(id)}/disconnect`, { body: { Container: container, Force: force } });
  }

  prune(filters?: Filters): Promise<{ NetworksDeleted: string[] | null }> {
    return this.t.json('POST', '/networks/prune', { query: { filters: filterQuery(filters) } });
  }
}
