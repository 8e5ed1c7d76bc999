// The embedded DNS resolver: one UDP socket and one TCP listener per DNS-enabled network, on the
// bridge's gateway address, port 53. Names of containers (and aliases) on the networks the asker shares are
// answered here with A records, rotated on every answer so clients spread over replicas, and their
// addresses with PTR records (`<container>.<network>`, as Docker); everything else is relayed
// unchanged to the host's resolvers.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, connect, type Server, type Socket as TcpSocket } from 'node:net';
import { readFile } from 'node:fs/promises';
import * as dnsPacket from 'dns-packet';

const RD = 1 << 8;
const RA = 1 << 7;
const RCODE_SERVFAIL = 2;
const TTL = 600;
const UPSTREAM_TIMEOUT_MS = 4000;

export interface DnsAnswerSource {
  /**
   * The addresses `name` has for a query from `askerIp` that arrived on the network whose gateway
   * is `serverIp`; undefined when the name is not ours.
   */
  lookup(askerIp: string, serverIp: string, name: string): string[] | undefined;
  /** The name (`<container>.<network>`) of address `ip` for this asker; undefined when the address is not ours. */
  reverse(askerIp: string, serverIp: string, ip: string): string | undefined;
  /** May a query from this asker leave for the host's resolvers (not from internal-only containers)? */
  mayForward(askerIp: string, serverIp: string): boolean;
  /** The asker's own upstreams (`--dns`), if it has any. */
  upstreamsFor(askerIp: string, serverIp: string): string[] | undefined;
}

export async function hostResolvers(path = '/etc/resolv.conf'): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return [...text.matchAll(/^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]!)
    .filter((ip) => !ip.startsWith('127.')); // a loopback resolver of the host is not reachable from our socket's view of it
}

export class EmbeddedDns {
  private readonly sockets = new Map<string, Socket>();
  private readonly servers = new Map<string, Server>();
  private rotation = 0;

  /** upstreams: "ip" or "ip:port" */
  constructor(private readonly source: DnsAnswerSource, public upstreams: string[]) {}

  /** Starts answering on ip:port, UDP and TCP (idempotent). */
  async listen(ip: string, port = 53): Promise<void> {
    if (this.sockets.has(ip)) return;
    const sock = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address: ip, port, exclusive: true }, () => { sock.off('error', reject); resolve(); });
    });
    sock.on('error', () => { /* a bad packet or a send to a vanished client: keep serving */ });
    sock.on('message', (msg, rinfo) => {
      void this.answer(ip, msg, rinfo.address, 'udp').then((reply) => { if (reply) sock.send(reply, rinfo.port, rinfo.address); });
    });
    this.sockets.set(ip, sock);
    const server = createServer((c) => this.serveTcp(ip, c));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ip, port, exclusive: true }, () => { server.off('error', reject); resolve(); });
    });
    server.on('error', () => undefined);
    this.servers.set(ip, server);
  }

  async close(ip: string): Promise<void> {
    const s = this.sockets.get(ip);
    const srv = this.servers.get(ip);
    this.sockets.delete(ip);
    this.servers.delete(ip);
    if (s) await new Promise<void>((r) => s.close(() => r()));
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sockets.keys()].map((ip) => this.close(ip)));
  }

  /** DNS over TCP: messages framed by a 2-byte length, several per connection. */
  private serveTcp(serverIp: string, c: TcpSocket): void {
    let buf = Buffer.alloc(0);
    c.on('error', () => undefined);
    c.setTimeout(10_000, () => c.destroy());
    c.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void this.answer(serverIp, msg, c.remoteAddress ?? '', 'tcp').then((reply) => {
          if (reply && !c.destroyed) c.write(Buffer.concat([lengthPrefix(reply.length), reply]));
        });
      }
    });
  }

  private async answer(serverIp: string, msg: Buffer, askerIp: string, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: dnsPacket.Packet;
    try { query = dnsPacket.decode(msg); } catch { return undefined; }
    const q = query.questions?.[0];
    if (query.type !== 'query' || !q) return undefined;
    const name = q.name.replace(/\.$/, '').toLowerCase();
    const reverseOf = q.type === 'PTR' ? addressOfReverseName(name) : undefined;
    const ptr = reverseOf ? this.source.reverse(askerIp, serverIp, reverseOf) : undefined;
    const ips = reverseOf ? undefined : this.source.lookup(askerIp, serverIp, name);
    let reply: Buffer | undefined;
    if (ptr) {
      reply = dnsPacket.encode({
        type: 'response', id: query.id, flags: RD | RA | dnsPacket.AUTHORITATIVE_ANSWER, questions: [q],
        answers: [{ type: 'PTR', class: 'IN', name: q.name, ttl: TTL, data: ptr }],
      });
    } else if (ips) {
      const rotated = q.type === 'A' ? rotate(ips, this.rotation++) : ips;
      reply = dnsPacket.encode({
        type: 'response', id: query.id, flags: RD | RA | dnsPacket.AUTHORITATIVE_ANSWER, questions: [q],
        answers: q.type === 'A' ? rotated.map((data) => ({ type: 'A' as const, class: 'IN' as const, name: q.name, ttl: TTL, data })) : [],
      });
    } else if (this.source.mayForward(askerIp, serverIp)) {
      const ups = this.source.upstreamsFor(askerIp, serverIp) ?? this.upstreams;
      if (ups.length > 0) reply = transport === 'udp' ? await this.forward(msg, ups) : await this.forwardTcp(msg, ups);
    }
    return reply ?? dnsPacket.encode({ type: 'response', id: query.id, flags: RD | RA | RCODE_SERVFAIL, questions: [q] });
  }

  /** The same over TCP, for clients retrying a truncated answer. */
  private async forwardTcp(msg: Buffer, upstreams: string[]): Promise<Buffer | undefined> {
    for (const up of upstreams) {
      const [host, port] = up.split(':');
      const answer = await new Promise<Buffer | undefined>((resolve) => {
        const c = connect(Number(port ?? 53), host!);
        let buf = Buffer.alloc(0);
        const done = (b?: Buffer) => { clearTimeout(timer); c.destroy(); resolve(b); };
        const timer = setTimeout(() => done(), UPSTREAM_TIMEOUT_MS);
        c.on('error', () => done());
        c.on('connect', () => c.write(Buffer.concat([lengthPrefix(msg.length), msg])));
        c.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        });
        c.on('end', () => done());
      });
      if (answer) return answer;
    }
    return undefined;
  }

  /** Relays the query as it came to each upstream in turn; the first answer wins. */
  private async forward(msg: Buffer, upstreams: string[]): Promise<Buffer | undefined> {
    for (const up of upstreams) {
      const answer = await new Promise<Buffer | undefined>((resolve) => {
        const s = createSocket('udp4');
        const done = (b?: Buffer) => { clearTimeout(timer); s.close(); resolve(b); };
        const timer = setTimeout(() => done(), UPSTREAM_TIMEOUT_MS);
        s.on('error', () => done());
        s.on('message', (b) => done(b));
        const [host, port] = up.split(':');
        s.send(msg, Number(port ?? 53), host);
      });
      if (answer) return answer;
    }
    return undefined;
  }
}

/** "4.3.2.1.in-addr.arpa" → "1.2.3.4"; undefined for any other name (a partial zone, IPv6). */
export function addressOfReverseName(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(name.toLowerCase().replace(/\.$/, ''));
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return undefined;
  return [m[4], m[3], m[2], m[1]].map(Number).join('.');
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function rotate<T>(list: T[], n: number): T[] {
  if (list.length < 2) return list;
  const k = n % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
