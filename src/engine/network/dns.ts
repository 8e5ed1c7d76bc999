// The embedded DNS resolver: one UDP socket per DNS-enabled network, on the bridge's gateway
// address, port 53. Names of containers (and aliases) on the networks the asker shares are
// answered here with A records, rotated on every answer so clients spread over replicas;
// everything else is relayed unchanged to the host's resolvers.
import { createSocket, type Socket } from 'node:dgram';
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
  /** May a query from this asker leave for the host's resolvers (not from internal-only containers)? */
  mayForward(askerIp: string, serverIp: string): boolean;
}

export async function hostResolvers(path = '/etc/resolv.conf'): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return [...text.matchAll(/^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]!)
    .filter((ip) => !ip.startsWith('127.')); // a loopback resolver of the host is not reachable from our socket's view of it
}

export class EmbeddedDns {
  private readonly sockets = new Map<string, Socket>();
  private rotation = 0;

  /** upstreams: "ip" or "ip:port" */
  constructor(private readonly source: DnsAnswerSource, public upstreams: string[]) {}

  /** Starts answering on ip:port (idempotent). */
  async listen(ip: string, port = 53): Promise<void> {
    if (this.sockets.has(ip)) return;
    const sock = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address: ip, port, exclusive: true }, () => { sock.off('error', reject); resolve(); });
    });
    sock.on('error', () => { /* a bad packet or a send to a vanished client: keep serving */ });
    sock.on('message', (msg, rinfo) => { void this.handle(sock, ip, msg, rinfo.address, rinfo.port); });
    this.sockets.set(ip, sock);
  }

  async close(ip: string): Promise<void> {
    const s = this.sockets.get(ip);
    if (!s) return;
    this.sockets.delete(ip);
    await new Promise<void>((r) => s.close(() => r()));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sockets.keys()].map((ip) => this.close(ip)));
  }

  private async handle(sock: Socket, serverIp: string, msg: Buffer, askerIp: string, askerPort: number): Promise<void> {
    let query: dnsPacket.Packet;
    try { query = dnsPacket.decode(msg); } catch { return; }
    const q = query.questions?.[0];
    if (query.type !== 'query' || !q) return;
    const name = q.name.replace(/\.$/, '').toLowerCase();
    const ips = this.source.lookup(askerIp, serverIp, name);
    let reply: Buffer | undefined;
    if (ips) {
      const rotated = q.type === 'A' ? rotate(ips, this.rotation++) : ips;
      reply = dnsPacket.encode({
        type: 'response', id: query.id, flags: RD | RA | dnsPacket.AUTHORITATIVE_ANSWER, questions: [q],
        answers: q.type === 'A' ? rotated.map((data) => ({ type: 'A' as const, class: 'IN' as const, name: q.name, ttl: TTL, data })) : [],
      });
    } else if (this.upstreams.length > 0 && this.source.mayForward(askerIp, serverIp)) {
      reply = await this.forward(msg);
    }
    reply ??= dnsPacket.encode({ type: 'response', id: query.id, flags: RD | RA | RCODE_SERVFAIL, questions: [q] });
    sock.send(reply, askerPort, askerIp);
  }

  /** Relays the query as it came to each upstream in turn; the first answer wins. */
  private async forward(msg: Buffer): Promise<Buffer | undefined> {
    for (const up of this.upstreams) {
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

function rotate<T>(list: T[], n: number): T[] {
  if (list.length < 2) return list;
  const k = n % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
