// HTTP over a unix socket or TCP with node:http: API version negotiation through /_ping, JSON
// requests, raw streaming bodies and hijacked (upgraded) connections for attach and exec.
import http from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { unavailable } from '../../common/errors.js';
import { daemonError } from './errors.js';
import type { EngineAddress } from './host.js';

/** The newest Engine API version this client speaks. */
export const CLIENT_MAX_API_VERSION = '1.44';
/** What Docker assumes when a daemon does not say (no Api-Version header on /_ping). */
const FALLBACK_API_VERSION = '1.24';

export type QueryValue = string | number | boolean | string[] | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as a raw, streamed body (a tar, for instance). */
  stream?: Readable;
  contentType?: string;
  headers?: Record<string, string>;
  /** false for the few unversioned paths (/_ping). */
  versioned?: boolean;
}

/** A hijacked connection: raw bytes both ways once the daemon answered 101 (or 200). */
export interface Hijacked {
  socket: Duplex;
  /** false when the daemon answered 200 instead of 101: the stream is read-only then. */
  upgraded: boolean;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else if (typeof v === 'boolean') params.append(k, v ? '1' : '0');
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export async function readBody(res: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class Transport {
  readonly address: EngineAddress;
  private version: Promise<string> | undefined;
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(address: EngineAddress, pinnedVersion?: string) {
    this.address = address;
    if (pinnedVersion) this.version = Promise.resolve(pinnedVersion);
  }

  /** The negotiated API version: min(daemon's Api-Version, ours), asked once. */
  apiVersion(): Promise<string> {
    this.version ??= this.ping().then((headers) => {
      const server = headers['api-version'];
      if (typeof server !== 'string' || !/^\d+\.\d+$/.test(server)) return FALLBACK_API_VERSION;
      return compareVersions(server, CLIENT_MAX_API_VERSION) < 0 ? server : CLIENT_MAX_API_VERSION;
    });
    // A failed ping (engine not up yet) must not stick: the next call asks again.
    this.version.catch(() => (this.version = undefined));
    return this.version;
  }

  /** GET /_ping; returns the response headers (Api-Version, Ostype...). */
  async ping(): Promise<http.IncomingHttpHeaders> {
    const res = await this.request('GET', '/_ping', { versioned: false });
    await readBody(res);
    return res.headers;
  }

  private async url(path: string, opts: RequestOptions): Promise<string> {
    const prefix = opts.versioned === false ? '' : `/v${await this.apiVersion()}`;
    return prefix + path + encodeQuery(opts.query);
  }

  private baseOptions(method: string, path: string, opts: RequestOptions): http.RequestOptions {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    else if (opts.stream) headers['Content-Type'] = opts.contentType ?? 'application/x-tar';
    const a = this.address;
    const where = a.kind === 'unix' ? { socketPath: a.socketPath, host: 'localhost' } : { host: a.host, port: a.port };
    // servername is for TLS (SNI), which this client does not speak. Left unset, node's http agent
    // works it out for every request with net.isIP(host), whose IPv6 regular expression costs
    // ~10 ms of CPU on its first use and ~1.4 ms on each later one (Node 20): a few requests
    // made that a large share of a `berth run`'s own CPU time.
    const options: http.RequestOptions & { servername: string } = { ...where, method, path, headers, servername: '' };
    return options;
  }

  private connectionError(e: unknown): Error {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
      return unavailable(`Cannot connect to the engine at ${this.address.url}. Is berthd (or dockerd) running?`, { code });
    }
    return e as Error;
  }

  private send(req: http.ClientRequest, opts: RequestOptions): void {
    if (opts.body !== undefined) req.end(JSON.stringify(opts.body));
    else if (opts.stream) pipeline(opts.stream, req).catch((e: unknown) => req.destroy(e as Error));
    else req.end();
  }

  /** Sends a request; resolves with the response once its headers arrive; >= 400 throws the daemon's error. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    const full = await this.url(path, opts);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ ...this.baseOptions(method, full, opts), agent: this.agent }, resolve);
      req.on('error', (e) => reject(this.connectionError(e)));
      this.send(req, opts);
    });
    if ((res.statusCode ?? 500) >= 400) throw daemonError(res.statusCode ?? 500, await readBody(res));
    return res;
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const text = await readBody(res);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** For calls whose answer is only a status (204 No Content and friends). */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<void> {
    const res = await this.request(method, path, opts);
    res.resume();
    await new Promise<void>((resolve) => (res.complete ? resolve() : res.once('end', resolve).once('close', resolve)));
  }

  /** Asks for a connection upgrade (attach, exec start); after 101 the socket carries raw bytes both ways. */
  async hijack(method: string, path: string, opts: RequestOptions = {}): Promise<Hijacked> {
    const full = await this.url(path, opts);
    const base = this.baseOptions(method, full, opts);
    base.headers = { ...(base.headers as Record<string, string>), Connection: 'Upgrade', Upgrade: 'tcp' };
    return new Promise<Hijacked>((resolve, reject) => {
      const req = http.request({ ...base, agent: false });
      req.on('error', (e) => reject(this.connectionError(e)));
      req.on('upgrade', (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve({ socket, upgraded: true });
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 500;
        if (status >= 400) readBody(res).then((b) => reject(daemonError(status, b)), reject);
        else resolve({ socket: res as unknown as Duplex, upgraded: false });
      });
      this.send(req, opts);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
