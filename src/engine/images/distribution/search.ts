// `search`: Docker Hub's (and other indexes') v1 search API; a registry without one (the
// distribution registry has none) is searched through its /v2/_catalog instead, a berth addition.
import { notImplemented } from '../../../common/errors.js';
import { RegistryClient } from '../../registry/client.js';
import type { EndpointPolicy } from '../../registry/endpoint.js';
import { httpRequest, readAll } from '../../registry/http.js';
import type { RegistryAuth, SearchResult } from '../../registry/types.js';
import { DEFAULT_DOMAIN } from '../reference.js';

export async function searchRegistry(policy: EndpointPolicy, term: string, opts: { limit?: number; auth?: RegistryAuth }): Promise<SearchResult[]> {
  const limit = opts.limit && opts.limit > 0 ? Math.min(opts.limit, 100) : 25;
  // "host:port/term" searches that registry; a bare term searches Docker Hub.
  const slash = term.indexOf('/');
  const first = slash === -1 ? '' : term.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const domain = isHost ? first : DEFAULT_DOMAIN;
  const q = isHost ? term.slice(slash + 1) : term;
  const client = new RegistryClient(domain, opts.auth, policy);
  if (domain === DEFAULT_DOMAIN) {
    const res = await httpRequest({ method: 'GET', url: `https://index.docker.io/v1/search?q=${encodeURIComponent(q)}&n=${limit}` });
    if (res.statusCode !== 200) { res.resume(); throw notImplemented(`search of Docker Hub failed with status ${res.statusCode}`); }
    const body = JSON.parse((await readAll(res)).toString('utf8')) as { results?: SearchResult[] };
    return (body.results ?? []).slice(0, limit);
  }
  const base = await client.baseUrl();
  const v1 = await httpRequest({ method: 'GET', url: `${base}/v1/search?q=${encodeURIComponent(q)}&n=${limit}`, insecureTls: client.insecure });
  if (v1.statusCode === 200) {
    const body = JSON.parse((await readAll(v1)).toString('utf8')) as { results?: SearchResult[] };
    return (body.results ?? []).slice(0, limit);
  }
  v1.resume();
  const { body } = await client.callJson<{ repositories?: string[] }>('GET', '/v2/_catalog?n=1000', { scopes: ['registry:catalog:*'] });
  return (body.repositories ?? []).filter((r) => r.includes(q)).slice(0, limit)
    .map((r) => ({ name: `${domain}/${r}`, description: '', star_count: 0, is_official: false, is_automated: false }));
}
