// Just enough HTTP/1.1 for the Engine API, straight over node:net: requests with a JSON or a
// streamed (chunked) body, responses framed by Content-Length, chunked encoding or the connection's
// end, keep-alive connections reused one request at a time, and upgrades (attach, exec) that hand
// the raw socket over. node:http did the same for the CLI at ~2 ms of CPU per request and ~5 ms
// once per process (its modules, agent and parser machinery), on a CLI whose own work is a few ms
// (docs/cli.md, "Cold start"). The daemon side keeps node:http (src/api/server).
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';

/** Where the engine listens: a unix socket path, or a TCP host and port. */
export type Target = { socketPath: string } | { host: string; port: number };

export type Headers = Record<string, string | string[] | undefined>;

export interface OutgoingRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** A whole body (JSON text): sent with Content-Length. */
  body?: string;
  /** A streamed body: sent with chunked transfer encoding. */
  stream?: Readable;
  /** Ask for an upgrade (Connection: Upgrade, Upgrade: tcp): see Exchange.upgraded. */
  upgrade?: boolean;
}

/** A response: its body is this stream; it ends when the body does. */
export class Response extends Readable {
  statusCode = 0;
  statusMessage = '';
  headers: Headers = {};
  /** The whole body arrived. */
  complete = false;
  /** Set by the connection: resumes reading the socket when the consumer wants more. */
  resumeSource: (() => void) | undefined;
  /** Set by the connection: what to do when the consumer destroys the body early. */
  abortSource: ((e: Error | null) => void) | undefined;

  override _read(): void {
    this.resumeSource?.();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (!this.complete) this.abortSource?.(err);
    cb(err);
  }
}

/** What one exchange gives back: the response, or for an accepted upgrade the raw socket too. */
export interface Exchange {
  res: Response;
  /** After 101 Switching Protocols: the connection, carrying raw bytes both ways. */
  upgraded?: Socket;
}

/** Thrown (as the request's error) when a reused keep-alive connection was closed under us before any answer. */
export class StaleConnection extends Error {}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** No response head is this big; beyond it the stream is not HTTP. */
const MAX_HEAD = 256 << 10;

/** One keep-alive connection pool for one target (the CLI talks to one engine). */
export class Http1Client {
  private readonly idle: Socket[] = [];
  private readonly live = new Set<Socket>();

  constructor(private readonly target: Target, private readonly hostHeader: string) {}

  /** Sends the request; resolves when the response head arrives (the body streams from there). */
  async send(req: OutgoingRequest): Promise<Exchange> {
    // A connection kept from an earlier request may have been closed by the daemon meanwhile; with
    // nothing received yet and a body we still hold, the request goes again on a new connection.
    for (;;) {
      const reused = !req.upgrade ? this.idle.pop() : undefined;
      try {
        return await this.exchange(reused ?? this.open(), req, reused !== undefined);
      } catch (e) {
        if (e instanceof StaleConnection && !req.stream) continue;
        throw e;
      }
    }
  }

  /** Drops idle connections (the process can exit) and any still in use. */
  close(): void {
    for (const s of this.live) s.destroy();
    this.live.clear();
    this.idle.length = 0;
  }

  private open(): Socket {
    const s = 'socketPath' in this.target ? connect({ path: this.target.socketPath }) : connect({ host: this.target.host, port: this.target.port });
    this.live.add(s);
    s.once('close', () => {
      this.live.delete(s);
      const i = this.idle.indexOf(s);
      if (i >= 0) this.idle.splice(i, 1);
    });
    return s;
  }

  private release(s: Socket): void {
    if (s.destroyed) return;
    s.removeAllListeners('data').removeAllListeners('end').removeAllListeners('error');
    // An idle connection must not keep the process alive; its errors only mean it is gone.
    s.on('error', () => s.destroy());
    s.unref();
    this.idle.push(s);
  }

  private exchange(s: Socket, req: OutgoingRequest, reused: boolean): Promise<Exchange> {
    s.ref();
    s.removeAllListeners('error');
    s.setNoDelay?.(true);
    return new Promise<Exchange>((resolve, reject) => {
      const res = new Response();
      let head: Buffer | undefined = Buffer.alloc(0) as Buffer;
      let answered = false;
      let body: BodyReader | undefined;

      const fail = (e: Error) => {
        if (!answered) {
          answered = true;
          reject(reused && head !== undefined && head.length === 0 ? new StaleConnection(e.message) : e);
        } else if (!res.complete) res.destroy(e);
        s.destroy();
      };
      const finish = (reusable: boolean) => {
        res.complete = true;
        res.resumeSource = undefined;
        res.push(null);
        if (reusable) this.release(s);
        else s.destroy();
      };
      const onData = (chunk: Buffer) => {
        if (head !== undefined) {
          head = head.length ? Buffer.concat([head, chunk]) : chunk;
          const end = head.indexOf(HEAD_END);
          if (end < 0) {
            if (head.length > MAX_HEAD) fail(new Error('the engine sent a response head that is too big'));
            return;
          }
          const rest = head.subarray(end + 4);
          const parsed = parseHead(head.subarray(0, end).toString('latin1'));
          head = undefined;
          if (!parsed) return fail(new Error('the engine sent a malformed HTTP response'));
          res.statusCode = parsed.status;
          res.statusMessage = parsed.message;
          res.headers = parsed.headers;
          answered = true;
          if (req.upgrade && parsed.status === 101) {
            // The connection is the caller's now: no more parsing, what came after the head is theirs.
            s.off('data', onData).off('end', onEnd).off('error', fail);
            s.pause();
            if (rest.length) s.unshift(rest);
            res.complete = true;
            res.push(null);
            this.live.delete(s);
            resolve({ res, upgraded: s });
            return;
          }
          body = bodyReader(req.method, parsed, !!req.upgrade || !!req.stream);
          res.resumeSource = () => s.resume();
          res.abortSource = () => s.destroy();
          resolve({ res });
          if (body.done) return finish(body.reusable);
          if (rest.length) feed(rest);
          return;
        }
        feed(chunk);
      };
      const feed = (chunk: Buffer) => {
        if (!body || res.destroyed) return;
        try {
          const r = body.feed(chunk);
          for (const part of r.parts) if (!res.push(part)) s.pause();
          if (r.done) finish(body.reusable);
        } catch (e) {
          fail(e as Error);
        }
      };
      const onEnd = () => {
        if (head !== undefined) return fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        if (body?.untilClose) finish(false);
        else if (!res.complete) fail(Object.assign(new Error('the engine closed the connection in the middle of a response'), { code: 'ECONNRESET' }));
      };
      s.on('data', onData);
      s.on('end', onEnd);
      s.on('error', fail);
      s.resume();
      writeRequest(s, req, this.hostHeader, fail);
    });
  }
}

function writeRequest(s: Socket, req: OutgoingRequest, host: string, fail: (e: Error) => void): void {
  let text = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of Object.entries(req.headers)) text += `${k}: ${v}\r\n`;
  if (req.upgrade) text += 'Connection: Upgrade\r\nUpgrade: tcp\r\n';
  if (req.stream) {
    s.write(`${text}Transfer-Encoding: chunked\r\n\r\n`);
    void pumpChunked(req.stream, s).catch((e: unknown) => fail(e as Error));
    return;
  }
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  if (body) s.write(Buffer.concat([Buffer.from(`${text}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]));
  else s.write(`${text}${req.method === 'GET' || req.method === 'HEAD' ? '' : 'Content-Length: 0\r\n'}\r\n`);
}

/** A streamed body in chunked encoding, respecting the socket's backpressure. */
async function pumpChunked(source: Readable, s: Socket): Promise<void> {
  for await (const c of source) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    if (chunk.length === 0) continue;
    if (s.destroyed) return;
    const ok = s.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, CRLF]));
    if (!ok) await new Promise<void>((r) => { s.once('drain', r); s.once('close', r); });
  }
  if (!s.destroyed) s.write('0\r\n\r\n');
}

interface Head { status: number; message: string; headers: Headers; http10: boolean }

/** The status line and headers (names lower-cased; repeats joined with ", ", set-cookie kept as a list). */
export function parseHead(text: string): Head | undefined {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) return undefined;
  const headers: Headers = {};
  for (let i = 1; i < lines.length; i++) {
    const c = lines[i].indexOf(':');
    if (c <= 0) continue;
    const name = lines[i].slice(0, c).trim().toLowerCase();
    const value = lines[i].slice(c + 1).trim();
    const prev = headers[name];
    if (name === 'set-cookie') headers[name] = [...((prev as string[] | undefined) ?? []), value];
    else headers[name] = prev === undefined ? value : `${prev as string}, ${value}`;
  }
  return { status: Number(m[2]), message: m[3] ?? '', headers, http10: m[1] === '0' };
}

interface BodyReader {
  /** No body at all (HEAD, 204, 304...). */
  done: boolean;
  /** The body runs until the daemon closes the connection. */
  untilClose: boolean;
  /** The connection can carry another request once the body is complete. */
  reusable: boolean;
  feed(chunk: Buffer): { parts: Buffer[]; done: boolean };
}

/** `oneShot`: an upgrade was asked for, or a streamed body may still be going out: no reuse. */
function bodyReader(method: string, head: Head, oneShot: boolean): BodyReader {
  const h = head.headers;
  const connection = String(h.connection ?? '').toLowerCase();
  const keepAlive = !head.http10 ? !connection.includes('close') : connection.includes('keep-alive');
  const reusable = keepAlive && !oneShot;
  if (method === 'HEAD' || head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200)) {
    return { done: true, untilClose: false, reusable, feed: () => ({ parts: [], done: true }) };
  }
  if (String(h['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) return chunkedReader(reusable);
  const length = h['content-length'] === undefined ? undefined : Number(h['content-length']);
  if (length !== undefined && Number.isFinite(length) && length >= 0) {
    if (length === 0) return { done: true, untilClose: false, reusable, feed: () => ({ parts: [], done: true }) };
    let left = length;
    return {
      done: false, untilClose: false, reusable,
      feed(chunk) {
        const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= part.length;
        return { parts: [part], done: left === 0 };
      },
    };
  }
  return { done: false, untilClose: true, reusable: false, feed: (chunk) => ({ parts: [chunk], done: false }) };
}

/** Chunked transfer encoding: "<hex size>[;ext]\r\n<data>\r\n" ... "0\r\n[trailers]\r\n". */
function chunkedReader(reusable: boolean): BodyReader {
  let buf: Buffer = Buffer.alloc(0);
  let state: 'size' | 'data' | 'data-end' | 'trailer' = 'size';
  let left = 0;
  return {
    done: false, untilClose: false, reusable,
    feed(chunk) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const parts: Buffer[] = [];
      for (;;) {
        if (state === 'data') {
          if (buf.length === 0) return { parts, done: false };
          const part = buf.length > left ? buf.subarray(0, left) : buf;
          parts.push(part);
          left -= part.length;
          buf = buf.subarray(part.length);
          if (left === 0) state = 'data-end';
          continue;
        }
        const nl = buf.indexOf(CRLF);
        if (nl < 0) {
          if (buf.length > 4096) throw new Error('the engine sent a malformed chunked response');
          return { parts, done: false };
        }
        const line = buf.subarray(0, nl).toString('latin1');
        buf = buf.subarray(nl + 2);
        if (state === 'data-end') {
          if (line !== '') throw new Error('the engine sent a malformed chunked response');
          state = 'size';
        } else if (state === 'size') {
          const size = Number.parseInt(line.split(';')[0].trim(), 16);
          if (!Number.isFinite(size) || size < 0) throw new Error('the engine sent a malformed chunked response');
          if (size === 0) state = 'trailer';
          else { left = size; state = 'data'; }
        } else if (line === '') {
          return { parts, done: true }; // the empty line after the (usually absent) trailers
        }
      }
    },
  };
}
