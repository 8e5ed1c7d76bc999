// Address management for one network (state persisted with the network record) and the choice of
// a subnet for a new network from the daemon's pool, avoiding the host's routes and other networks.
import { conflict, invalidArgument, failedPrecondition } from '../../common/errors.js';
import type { NetworkIpamState } from './types.js';
import { type Cidr, cidrLast, cidrSize, contains, formatCidr, formatIp, overlaps, parseCidr, parseIp } from './ipv4.js';

export const DEFAULT_POOL = { base: '172.20.0.0/14', size: 24 };

/**
 * Picks a free subnet of `size` bits inside `pool`. The scan starts at an offset derived from the
 * daemon's hash so that daemons side by side start far apart; `taken` holds the host's routes and
 * every subnet this daemon already uses.
 */
export function chooseSubnet(pool: { base: string; size: number }, taken: Cidr[], startHash: number): Cidr {
  const p = parseCidr(pool.base);
  if (pool.size < p.len || pool.size > 30) throw invalidArgument(`invalid pool size /${pool.size} for ${pool.base}`);
  const count = 2 ** (pool.size - p.len);
  const step = 2 ** (32 - pool.size);
  for (let i = 0; i < count; i++) {
    const idx = (startHash + i) % count;
    const c: Cidr = { base: (p.base + idx * step) >>> 0, len: pool.size };
    if (!taken.some((t) => overlaps(t, c))) return c;
  }
  throw failedPrecondition(`no free subnet left in the address pool ${pool.base}`);
}

/** IPAM state for a new network from the user's --subnet/--gateway/--ip-range (already chosen subnet). */
export function newIpam(subnet: Cidr, gateway?: string, ipRange?: string): NetworkIpamState {
  if (subnet.len > 30) throw invalidArgument(`subnet ${formatCidr(subnet)} is too small (at most /30)`);
  const gw = gateway ? parseIp(gateway) : subnet.base + 1;
  if (!contains(subnet, gw) || gw === subnet.base || gw === cidrLast(subnet)) {
    throw invalidArgument(`gateway ${formatIp(gw)} is not a usable address of subnet ${formatCidr(subnet)}`);
  }
  let range: Cidr | undefined;
  if (ipRange) {
    range = parseCidr(ipRange);
    if (!contains(subnet, range.base) || !contains(subnet, cidrLast(range))) {
      throw invalidArgument(`ip-range ${ipRange} is not inside subnet ${formatCidr(subnet)}`);
    }
  }
  const gwStr = formatIp(gw);
  return {
    subnet: formatCidr(subnet), gateway: gwStr, ...(range ? { ipRange: formatCidr(range) } : {}),
    allocated: { [gwStr]: 'reserved:gateway' }, last: gwStr,
  };
}

function usable(state: NetworkIpamState, ip: number): boolean {
  const s = parseCidr(state.subnet);
  return contains(s, ip) && ip !== s.base && ip !== cidrLast(s);
}

/**
 * Hands out an address to `owner`: the requested one (conflict if taken), else the next free
 * one after the last handed out (wrapping). Mutates `state`; the caller persists it.
 */
export function allocate(state: NetworkIpamState, owner: string, requested?: string): string {
  if (requested) {
    const ip = parseIp(requested);
    if (!usable(state, ip)) throw invalidArgument(`address ${requested} is not usable in subnet ${state.subnet}`);
    const s = formatIp(ip);
    if (state.allocated[s]) throw conflict(`address ${s} is already in use on this network`);
    state.allocated[s] = owner;
    return s;
  }
  const range = state.ipRange ? parseCidr(state.ipRange) : parseCidr(state.subnet);
  const size = cidrSize(range);
  const last = parseIp(state.last);
  const start = contains(range, last) ? last - range.base + 1 : 0;
  for (let i = 0; i < size; i++) {
    const ip = (range.base + ((start + i) % size)) >>> 0;
    const s = formatIp(ip);
    if (!usable(state, ip) || state.allocated[s]) continue;
    state.allocated[s] = owner;
    state.last = s;
    return s;
  }
  throw failedPrecondition(`no free address left in ${state.ipRange ?? state.subnet}`);
}

export function release(state: NetworkIpamState, ip: string): void {
  if (!state.allocated[ip]?.startsWith('reserved:')) delete state.allocated[ip];
}
