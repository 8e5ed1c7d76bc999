// -p/--publish specs ("8080:80", "127.0.0.1:8080:80/udp", "8000-8001:80-81", "80") into the API's
// ExposedPorts and PortBindings, and the reverse: a container's ports as `ps` shows them.
import { invalidArgument } from '../../common/errors.js';
import type { PortMap, PortSummary } from '../../api/client/index.js';

function range(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw invalidArgument(`invalid ${what}: ${s}`);
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  if (lo > 65535 || hi > 65535 || hi < lo) throw invalidArgument(`invalid ${what}: ${s}`);
  return [lo, hi];
}

export function parsePublish(specs: string[], expose: string[] = []): { exposed: Record<string, object>; bindings: PortMap } {
  const exposed: Record<string, object> = {};
  const bindings: PortMap = {};
  for (const e of expose) {
    const [p, proto = 'tcp'] = e.split('/');
    const [lo, hi] = range(p, 'port');
    for (let port = lo; port <= hi; port++) exposed[`${port}/${proto.toLowerCase()}`] = {};
  }
  for (const spec of specs) {
    const [addr, proto = 'tcp'] = spec.split('/');
    let ip = '';
    let hostPart = '';
    let containerPart: string;
    const v6 = /^\[([^\]]+)\]:(.*)$/.exec(addr);
    const rest = v6 ? v6[2] : addr;
    if (v6) ip = v6[1];
    const parts = rest.split(':');
    if (v6) [hostPart, containerPart] = parts.length === 2 ? [parts[0], parts[1]] : ['', parts[0]];
    else if (parts.length === 1) containerPart = parts[0];
    else if (parts.length === 2) [hostPart, containerPart] = parts;
    else if (parts.length === 3) [ip, hostPart, containerPart] = parts;
    else throw invalidArgument(`invalid port specification: "${spec}"`);
    const [clo, chi] = range(containerPart, 'containerPort');
    const [hlo, hhi] = hostPart ? range(hostPart, 'hostPort') : [0, 0];
    const hostRange = hostPart ? hhi - hlo : 0;
    if (hostPart && hostRange !== chi - clo && hostRange !== 0 && chi !== clo) {
      throw invalidArgument(`invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`);
    }
    for (let port = clo; port <= chi; port++) {
      const key = `${port}/${proto.toLowerCase()}`;
      exposed[key] = {};
      let hostPort = '';
      if (hostPart) hostPort = chi === clo && hhi !== hlo ? `${hlo}-${hhi}` : String(hlo + (port - clo));
      (bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort });
    }
  }
  return { exposed, bindings };
}

/** "0.0.0.0:8080->80/tcp, 443/tcp", consecutive ports folded into ranges, as docker ps prints them. */
export function displayPorts(ports: PortSummary[] | null | undefined): string {
  if (!ports?.length) return '';
  const sorted = [...ports].sort((a, b) => a.Type.localeCompare(b.Type) || (a.IP ?? '').localeCompare(b.IP ?? '') || a.PrivatePort - b.PrivatePort);
  const groups: { ip: string; type: string; pub?: [number, number]; priv: [number, number] }[] = [];
  for (const p of sorted) {
    const ip = p.PublicPort ? (p.IP?.includes(':') ? `[${p.IP}]` : p.IP ?? '') : '';
    const last = groups[groups.length - 1];
    if (last && last.ip === ip && last.type === p.Type && last.priv[1] + 1 === p.PrivatePort && (p.PublicPort ? last.pub && last.pub[1] + 1 === p.PublicPort : !last.pub)) {
      last.priv[1] = p.PrivatePort;
      if (last.pub && p.PublicPort) last.pub[1] = p.PublicPort;
      continue;
    }
    groups.push({ ip, type: p.Type, pub: p.PublicPort ? [p.PublicPort, p.PublicPort] : undefined, priv: [p.PrivatePort, p.PrivatePort] });
  }
  const r = ([a, b]: [number, number]) => (a === b ? String(a) : `${a}-${b}`);
  return groups.map((g) => (g.pub ? `${g.ip}:${r(g.pub)}->${r(g.priv)}/${g.type}` : `${r(g.priv)}/${g.type}`)).join(', ');
}
