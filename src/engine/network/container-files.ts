// The network part of a container's /etc/resolv.conf and /etc/hosts, as Docker writes them: on a
// network with embedded DNS, resolv.conf names 127.0.0.11 with ndots:0 and keeps the host's search
// domains; /etc/hosts maps the container's own addresses to its hostname.
import type { EndpointState } from '../types.js';

export interface ResolvConfInput {
  /** NetworkService.resolvConfNameserver(id); undefined: no embedded DNS for this container */
  embedded?: string;
  /** the host's /etc/resolv.conf text */
  hostResolvConf: string;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
}

export function renderResolvConf(i: ResolvConfInput): string {
  const lines = i.hostResolvConf.split('\n');
  const hostSearch = lines.filter((l) => /^\s*(search|domain)\s/.test(l)).map((l) => l.trim().split(/\s+/).slice(1)).flat();
  const hostOptions = lines.filter((l) => /^\s*options\s/.test(l)).map((l) => l.trim().split(/\s+/).slice(1)).flat();
  const hostServers = lines.map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((x): x is string => !!x);
  // With the embedded resolver, --dns servers become its upstreams (ConnectOptions.dns), not lines here.
  const servers = i.embedded ? [i.embedded] : i.dns.length ? i.dns : hostServers.filter((s) => !s.startsWith('127.'));
  const search = i.dnsSearch.length ? i.dnsSearch : hostSearch;
  const options = i.dnsOptions.length ? i.dnsOptions : i.embedded ? ['ndots:0', ...hostOptions.filter((o) => !o.startsWith('ndots:'))] : hostOptions;
  return [
    ...servers.map((s) => `nameserver ${s}`),
    ...(search.length && !(search.length === 1 && search[0] === '.') ? [`search ${search.join(' ')}`] : []),
    ...(options.length ? [`options ${options.join(' ')}`] : []),
  ].join('\n') + '\n';
}

/** /etc/hosts lines for the container's own addresses ("<ip>\t<hostname>"), first network first. */
export function ownHostsLines(endpoints: EndpointState[], hostname: string, domainname?: string): string[] {
  const names = domainname ? `${hostname}.${domainname} ${hostname}` : hostname;
  return endpoints.map((e) => `${e.ipAddress}\t${names}`);
}
