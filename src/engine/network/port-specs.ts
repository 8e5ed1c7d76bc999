// Published-port requests: Docker's `-p [ip:][host:]container[/proto]` syntax (ranges included) and
// the Engine API's PortBindings map, both turned into one PortRequest per port.
import { invalidArgument } from '../../common/errors.js';
import type { PortBinding } from '../types.js';
import type { PortProto, PortRequest } from './types.js';
import { parseIp } from './ipv4.js';

function parseRange(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  const a = Number(m?.[1]);
  const b = m?.[2] === undefined ? a : Number(m[2]);
  if (!m || a < 0 || b > 65535 || b < a) throw invalidArgument(`invalid ${what} port: ${s}`);
  return [a, b];
}

function parseProto(s: string | undefined): PortProto {
  const p = (s ?? 'tcp').toLowerCase();
  if (p !== 'tcp' && p !== 'udp') throw invalidArgument(`invalid protocol: ${s} (tcp or udp)`);
  return p;
}

/** Expands host and container ranges of equal length; a single host port may serve a range only when it is 0/empty. */
function expand(hostIp: string, host: string, container: string, proto: PortProto): PortRequest[] {
  const [c1, c2] = parseRange(container, 'container');
  if (c1 === 0) throw invalidArgument(`invalid container port: ${container}`);
  const [h1, h2] = host === '' ? [0, 0] : parseRange(host, 'host');
  const n = c2 - c1 + 1;
  if (h1 !== 0 && h2 - h1 + 1 !== n) throw invalidArgument(`host port range ${host} does not match container range ${container}`);
  if (hostIp !== '0.0.0.0') parseIp(hostIp);
  return Array.from({ length: n }, (_, i) => ({ hostIp, hostPort: h1 === 0 ? 0 : h1 + i, containerPort: c1 + i, proto }));
}

/** `-p` value: "80", "8080:80", "127.0.0.1:8080:80/udp", "127.0.0.1::80", "8000-8002:80-82". */
export function parsePublishSpec(spec: string): PortRequest[] {
  const [addr, protoPart, extra] = spec.split('/');
  if (extra !== undefined || !addr) throw invalidArgument(`invalid port spec: ${spec}`);
  const proto = parseProto(protoPart);
  const parts = addr.split(':');
  if (parts.length === 1) return expand('0.0.0.0', '', parts[0]!, proto);
  if (parts.length === 2) return expand('0.0.0.0', parts[0]!, parts[1]!, proto);
  if (parts.length === 3) return expand(parts[0] || '0.0.0.0', parts[1]!, parts[2]!, proto);
  throw invalidArgument(`invalid port spec: ${spec}`);
}

/**
 * The Engine API's form: {"80/tcp": [{HostIp, HostPort}]}; with publishAll, every exposed port not
 * bound gets an ephemeral host port (-P).
 */
export function portRequestsFromBindings(bindings: Record<string, PortBinding[] | null>, exposed: string[] = [], publishAll = false): PortRequest[] {
  const out: PortRequest[] = [];
  const keys = new Set(Object.keys(bindings));
  for (const [key, list] of Object.entries(bindings)) {
    const [port, proto] = key.split('/');
    for (const b of list?.length ? list : [{ hostIp: '', hostPort: '' }]) {
      out.push(...expand(b.hostIp || '0.0.0.0', b.hostPort ?? '', port ?? '', parseProto(proto)));
    }
  }
  if (publishAll) {
    for (const key of exposed) {
      if (keys.has(key)) continue;
      const [port, proto] = key.split('/');
      out.push(...expand('0.0.0.0', '', port ?? '', parseProto(proto)));
    }
  }
  return out;
}
