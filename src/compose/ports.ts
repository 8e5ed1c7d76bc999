// Short port syntax → long form, as Docker's nat.ParsePortSpecs reads it:
// [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], with ranges on either side.

export interface PortConfig {
  name?: string;
  mode?: string;
  host_ip?: string;
  target: number;
  published?: string;
  protocol?: string;
  app_protocol?: string;
}

export class PortSyntaxError extends Error {}

function parseRange(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) return undefined;
  return [start, end];
}

export function parsePortSpec(raw: string): PortConfig[] {
  const parts = raw.split(':');
  const n = parts.length;
  let containerPart = parts[n - 1];
  let ip = '';
  let hostPort = '';
  if (n === 2) hostPort = parts[0];
  else if (n === 3) [ip, hostPort] = [parts[0], parts[1]];
  else if (n > 3) [ip, hostPort] = [parts.slice(0, n - 2).join(':'), parts[n - 2]];

  let proto = 'tcp';
  const slash = containerPart.split('/');
  if (slash[0] === '') containerPart = '';
  else if (slash.length > 1) {
    containerPart = slash[0];
    if (slash[1] !== '') proto = slash[1];
  }
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (ip !== '' && !isIPAddress(ip)) throw new PortSyntaxError(`invalid IP address: ${ip}`);
  if (containerPart === '') throw new PortSyntaxError(`no port specified: ${raw}<empty>`);
  const cr = parseRange(containerPart);
  if (!cr) throw new PortSyntaxError(`invalid containerPort: ${containerPart}`);
  let hr: [number, number] = [0, 0];
  if (hostPort !== '') {
    const r = parseRange(hostPort);
    if (!r) throw new PortSyntaxError(`invalid hostPort: ${hostPort}`);
    hr = r;
  }
  if (hostPort !== '' && cr[1] - cr[0] !== hr[1] - hr[0] && cr[1] !== cr[0]) {
    throw new PortSyntaxError(`invalid ranges specified for container and host Ports: ${containerPart} and ${hostPort}`);
  }
  const protocol = proto.toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(protocol)) throw new PortSyntaxError(`invalid proto: ${proto}`);
  const out: Array<{ key: string; port: PortConfig }> = [];
  for (let i = 0; i <= cr[1] - cr[0]; i++) {
    const target = cr[0] + i;
    let published = hostPort === '' ? '' : String(hr[0] + i);
    if (cr[0] === cr[1] && hr[0] !== hr[1]) published = `${published}-${hr[1]}`;
    const port: PortConfig = { mode: 'ingress', target, protocol };
    if (ip !== '') port.host_ip = ip;
    if (published !== '') port.published = published;
    out.push({ key: `${target}/${protocol}`, port });
  }
  // Docker keeps ports in a map and Compose sorts its keys as strings ("100/tcp" < "99/tcp").
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out.map((o) => orderPort(o.port));
}

/** Puts a port's keys in compose-go's field order. */
export function orderPort(p: PortConfig): PortConfig {
  const o: PortConfig = {} as PortConfig;
  for (const k of ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'] as const) {
    if (p[k] !== undefined) (o as unknown as Record<string, unknown>)[k] = p[k];
  }
  return o;
}

/**
 * Go's net.ParseIP accepts dotted IPv4 and IPv6 (with `::` and an embedded IPv4 tail). Checked
 * here rather than with node:net, which would load the socket stack just to start `config`.
 */
export function isIPAddress(s: string): boolean {
  const v4 = (x: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(x) && x.split('.').every((o) => Number(o) <= 255);
  if (v4(s)) return true;
  if (!s.includes(':')) return false;
  let groups = s.split(':');
  const last = groups[groups.length - 1];
  let need = 8;
  if (last.includes('.')) {
    if (!v4(last)) return false;
    groups = groups.slice(0, -1);
    need = 6;
  }
  const text = groups.join(':');
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const parts = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parts(halves[0]);
  const tail = halves.length === 2 ? parts(halves[1]) : [];
  if (![...head, ...tail].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? head.length + tail.length < need : head.length === need;
}
