// berthd's front door: an HTTP server speaking the Docker Engine API over the engine contract.
// Plain requests and upgraded (hijacked) ones take the same route through the router.
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { asBerthError } from '../../common/errors.js';
import type { Engine } from '../../engine/contract.js';
import { type Ctx, type Hijacked, hijackPlain, hijackUpgraded, type LogFn } from './context.js';
import { Query, readBody, readJson, sendError, sendJson } from './http.js';
import { buildRouter } from './routes.js';
import { BERTH_VERSION } from './handlers/system.js';
import { API_VERSION, splitVersion } from './wire/api-version.js';
import { decodeChunked } from './wire/chunked.js';
import { statusForKind } from './wire/status.js';
import type { RequestMetrics } from './metrics/request-metrics.js';

export interface ApiServer {
  server: Server;
  /** Stops accepting and cuts open streams (events, logs -f, attach): containers are untouched. */
  close(): Promise<void>;
}

const router = buildRouter();

function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('Api-Version', API_VERSION);
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('Ostype', 'linux');
  res.setHeader('Server', `berth/${BERTH_VERSION} (linux)`);
}

/** The next chunk the socket gives, or null when it ends first. */
function nextChunk(socket: Socket): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const onData = (d: Buffer) => { cleanup(); socket.pause(); resolve(d); };
    const onEnd = () => { cleanup(); resolve(null); };
    const cleanup = () => { socket.off('data', onData); socket.off('end', onEnd); socket.off('close', onEnd); };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}

/**
 * Reads an upgraded request's body (Content-Length or chunked) from `head` and the socket; what
 * follows it is the client's stdin and goes back into the socket.
 */
const isChunked = (req: IncomingMessage) => /chunked/i.test(String(req.headers['transfer-encoding'] ?? ''));

async function upgradedBody(req: IncomingMessage, socket: Socket, head: Buffer): Promise<Buffer> {
  const chunked = isChunked(req);
  const len = Number(req.headers['content-length'] ?? 0) || 0;
  let buf = head;
  for (;;) {
    if (chunked) {
      const r = decodeChunked(buf);
      if (r) {
        if (buf.length > r.consumed) socket.unshift(buf.subarray(r.consumed));
        return r.body;
      }
    } else if (buf.length >= len) {
      if (buf.length > len) socket.unshift(buf.subarray(len));
      return buf.subarray(0, len);
    }
    const chunk = await nextChunk(socket);
    if (!chunk) return chunked ? Buffer.alloc(0) : buf;
    buf = Buffer.concat([buf, chunk]);
  }
}

export function createApiServer(engine: Engine, log: LogFn, opts: { requests?: RequestMetrics } = {}): ApiServer {
  const open = new Set<Socket>();
  const aborts = new Set<AbortController>();

  async function dispatch(req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Socket; head: Buffer }): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://berthd');
    setCommonHeaders(res);
    const abort = new AbortController();
    aborts.add(abort);
    const onGone = () => { if (!res.writableFinished || upgrade) abort.abort(); };
    (upgrade ? upgrade.socket : res).once('close', onGone);
    let hijacked: Hijacked | null = null;
    let route = 'unmatched';
    try {
      const { version, path } = splitVersion(url.pathname);
      const match = router.match(req.method ?? 'GET', path);
      if (match) route = match.pattern;
      if (!match) {
        sendJson(res, 404, { message: 'page not found' });
        return;
      }
      let bodyBuf: Buffer | undefined;
      const ctx: Ctx = {
        engine,
        log,
        req,
        res,
        params: match.params,
        query: new Query(url.searchParams),
        apiVersion: version,
        upgraded: Boolean(upgrade),
        signal: abort.signal,
        body: async () => (bodyBuf ??= upgrade ? await upgradedBody(req, upgrade.socket, upgrade.head) : await readBody(req)),
        json: async <T>() => readJson<T>(await ctx.body()),
        bodyStream: () => (upgrade ? Readable.from([bodyBuf ?? Buffer.alloc(0)]) : req),
        hijack: (contentType) => {
          if (upgrade && bodyBuf === undefined) {
            // The handler never read a body: whatever came after the headers is the client's stdin
            // (minus a complete chunked body, if the client sent one).
            const r = isChunked(req) ? decodeChunked(upgrade.head) : null;
            const rest = r ? upgrade.head.subarray(r.consumed) : upgrade.head;
            if (rest.length) upgrade.socket.unshift(rest);
          }
          hijacked = upgrade ? hijackUpgraded(upgrade.socket, contentType, abort.signal) : hijackPlain(req, res, contentType, abort.signal);
          return hijacked;
        },
      };
      // A sized body on an upgraded request is read first, so stdin starts right after it.
      if (upgrade && !isChunked(req) && Number(req.headers['content-length'] ?? 0) > 0) await ctx.body();
      await match.handler(ctx);
    } catch (e) {
      const err = asBerthError(e);
      const status = statusForKind(err.kind);
      log(status >= 500 ? 'error' : 'debug', 'request failed', { method: req.method, path: url.pathname, status, error: err.message });
      if (hijacked) (hijacked as Hijacked).end();
      else sendError(res, err);
    } finally {
      aborts.delete(abort);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = upgrade && hijacked ? 101 : res.statusCode;
      log('debug', 'request', { method: req.method, path: url.pathname, status, ms: Math.round(ms * 10) / 10 });
      opts.requests?.observe(req.method ?? 'GET', route, status, ms / 1000);
      if (upgrade && !hijacked) {
        // The connection left the HTTP parser: once our answer is written, it is done.
        if (res.writableFinished) upgrade.socket.end();
        else res.once('finish', () => upgrade.socket.end());
      }
    }
  }

  const server = createServer({ keepAliveTimeout: 5000, requestTimeout: 0 }, (req, res) => { void dispatch(req, res); });
  server.on('connection', (s: Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', (e) => log('debug', 'hijacked connection error', { error: e.message }));
    // A response object bound to the raw socket, so errors before the hijack are ordinary HTTP answers.
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    void dispatch(req, res, { socket, head });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const a of aborts) a.abort();
        server.closeIdleConnections();
        // Streams that do not end on abort within a moment are cut.
        setTimeout(() => { for (const s of open) s.destroy(); }, 500).unref();
      }),
  };
}
