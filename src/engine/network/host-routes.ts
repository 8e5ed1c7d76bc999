// The host's IPv4 routes (every table), so a new network's subnet never shadows one of them.
import { mustRun } from './exec.js';
import { type Cidr, parseCidr } from './ipv4.js';

interface IpRoute { dst: string; type?: string }

export async function hostRouteCidrs(): Promise<Cidr[]> {
  const out = await mustRun('ip', ['-j', '-4', 'route', 'show', 'table', 'all']);
  const routes = JSON.parse(out || '[]') as IpRoute[];
  const cidrs: Cidr[] = [];
  for (const r of routes) {
    if (!r.dst || r.dst === 'default' || r.type === 'broadcast') continue;
    try {
      cidrs.push(parseCidr(r.dst.includes('/') ? r.dst : `${r.dst}/32`));
    } catch { /* not an IPv4 prefix */ }
  }
  return cidrs;
}
