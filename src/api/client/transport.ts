// The Engine API over a unix socket or TCP (http1.ts: HTTP/1.1 over node:net): API version
// negotiation through /_ping, JSON requests, raw streaming bodies and hijacked (upgraded)
// connections for attach and exec.
// With `guessVersion` (the CLI) requests go out at our newest version before any /_ping: a daemon
// that speaks it (berthd, any dockerd since 25) would have negotiated that version anyway, and one
// that does not answers 400 "client version ... is too new" before doing anything; then the client
// negotiates and sends the request again. That saves a round trip and ~5 ms of CPU per command.
import type { Duplex, Readable } from 'node:stream';
import { Http1Client, type Headers, type OutgoingRequest, type Response } from './http1.js';
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

export interface TransportOptions {
  /** Pins the version (DOCKER_API_VERSION): no negotiation at all. */
  apiVersion?: string;
  /** Send at CLIENT_MAX_API_VERSION until a daemon says it is too new (see the top of this file). */
  guessVersion?: boolean;
  /**
   * Called once when a request finds no engine listening (nothing was sent: ECONNREFUSED or
   * ENOENT); the request is sent again once it resolves. The CLI starts its embedded berthd here.
   */
  whenUnreachable?: () => Promise<void>;
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

/** Connection failures where the request never reached a listener: safe to send again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOENT']);

export async function readBody(res: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export type { Response } from './http1.js';

export class Transport {
  readonly address: EngineAddress;
  private version: Promise<string> | undefined;
  private readonly http: Http1Client;
  private readonly guessVersion: boolean;
  private whenUnreachable: (() => Promise<void>) | undefined;
  private reached: Promise<void> | undefined;

  constructor(address: EngineAddress, opts: TransportOptions = {}) {
    this.address = address;
    this.http = address.kind === 'unix'
      ? new Http1Client({ socketPath: address.socketPath }, 'localhost')
      : new Http1Client({ host: address.host, port: address.port }, address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`);
    if (opts.apiVersion) this.version = Promise.resolve(opts.apiVersion);
    this.guessVersion = opts.guessVersion === true;
    this.whenUnreachable = opts.whenUnreachable;
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
  async ping(): Promise<Headers> {
    const res = await this.request('GET', '/_ping', { versioned: false });
    await readBody(res);
    return res.headers;
  }

  /**
   * The request's path with its version prefix; `guessed` when the version is our newest, sent
   * before any negotiation (not for streamed bodies: those cannot be sent a second time).
   */
  private async url(path: string, opts: RequestOptions): Promise<{ url: string; guessed: boolean }> {
    const rest = path + encodeQuery(opts.query);
    if (opts.versioned === false) return { url: rest, guessed: false };
    if (this.version === undefined && this.guessVersion && !opts.stream) return { url: `/v${CLIENT_MAX_API_VERSION}${rest}`, guessed: true };
    return { url: `/v${await this.apiVersion()}${rest}`, guessed: false };
  }

  /**
   * Runs `attempt` (one HTTP exchange); sends it again after the engine was started (whenUnreachable)
   * or after negotiating, when a guessed version was refused as too new. `attempt` throws
   * TooNew for the latter.
   */
  private async withRetries<T>(path: string, opts: RequestOptions, attempt: (url: string, guessed: boolean) => Promise<T>): Promise<T> {
    for (let tries = 0; ; tries++) {
      const { url, guessed } = await this.url(path, opts);
      try {
        return await attempt(url, guessed);
      } catch (e) {
        if (tries < 2 && e instanceof TooNew) {
          // Negotiate for real (once; apiVersion() caches); at another version, go again.
          if ((await this.apiVersion()) !== CLIENT_MAX_API_VERSION) continue;
          throw e.error;
        }
        if (tries < 2 && this.whenUnreachable && e instanceof Unreachable && !opts.stream) {
          this.reached ??= this.whenUnreachable();
          this.whenUnreachable = undefined;
          await this.reached;
          continue;
        }
        throw e instanceof Unreachable || e instanceof TooNew ? e.error : e;
      }
    }
  }

  private outgoing(method: string, path: string, opts: RequestOptions, upgrade = false): OutgoingRequest {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    else if (opts.stream) headers['Content-Type'] = opts.contentType ?? 'application/x-tar';
    return { method, path, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), stream: opts.stream, upgrade };
  }

  private connectionError(e: unknown): Error {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
      const error = unavailable(`Cannot connect to the engine at ${this.address.url}. Is berthd (or dockerd) running?`, { code });
      return NOT_SENT.has(code) && this.whenUnreachable ? new Unreachable(error) : error;
    }
    return e as Error;
  }

  /**
   * A >= 400 answer as the error to throw; TooNew for any 400 to a guessed version. dockerd and
   * berthd word a refused version "client version 1.44 is too new. Maximum supported API version
   * is ...", other engines their own way, and an answer to HEAD has no body at all: so any 400
   * makes the client negotiate, and send again if that gives another version.
   */
  private async statusError(res: Response, guessed: boolean): Promise<Error> {
    const status = res.statusCode ?? 500;
    const error = daemonError(status, await readBody(res));
    return guessed && status === 400 ? new TooNew(error) : error;
  }

  /** Sends a request; resolves with the response once its headers arrive; >= 400 throws the daemon's error. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    return this.withRetries(path, opts, async (full, guessed) => {
      const { res } = await this.http.send(this.outgoing(method, full, opts)).catch((e: unknown) => { throw this.connectionError(e); });
      if (res.statusCode >= 400) throw await this.statusError(res, guessed);
      return res;
    });
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
    return this.withRetries(path, opts, async (full, guessed) => {
      const { res, upgraded } = await this.http.send(this.outgoing(method, full, opts, true)).catch((e: unknown) => { throw this.connectionError(e); });
      if (upgraded) return { socket: upgraded, upgraded: true };
      if (res.statusCode >= 400) throw await this.statusError(res, guessed);
      // 200 instead of 101: the answer's body is the (read-only) stream.
      return { socket: res as unknown as Duplex, upgraded: false };
    });
  }

  close(): void {
    this.http.close();
  }
}

/** A guessed version the daemon refused (withRetries negotiates and sends again). */
class TooNew extends Error {
  constructor(readonly error: Error) { super(error.message); }
}

/** No engine listening, with a whenUnreachable hook to call (withRetries calls it and sends again). */
class Unreachable extends Error {
  constructor(readonly error: Error) { super(error.message); }
}
