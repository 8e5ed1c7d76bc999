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
import { statusForKind } from './wire/status.js';

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

/** Reads an upgraded request's body (its Content-Length) from `head` and the socket; the rest is stdin. */
async function upgradedBody(req: IncomingMessage, socket: Socket, head: Buffer): Promise<Buffer> {
  const len = Number(req.headers['content-length'] ?? 0) || 0;
  let buf = head;
  while (buf.length < len) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (d: Buffer) => { cleanup(); socket.pause(); resolve(d); };
      const onEnd = () => { cleanup(); resolve(null); };
      const cleanup = () => { socket.off('data', onData); socket.off('end', onEnd); socket.off('close', onEnd); };
      socket.on('data', onData);
      socket.once('end', onEnd);
      socket.once('close', onEnd);
      socket.resume();
    });
    if (!chunk) break;
    buf = Buffer.concat([buf, chunk]);
  }
  const rest = buf.subarray(len);
  if (rest.length) socket.unshift(rest);
  return buf.subarray(0, len);
}

export function createApiServer(engine: Engine, log: LogFn): ApiServer {
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
    try {
      const { version, path } = splitVersion(url.pathname);
      const match = router.match(req.method ?? 'GET', path);
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
        bodyStream: () => (upgrade ? Readable.from([upgrade.head]) : req),
        hijack: (contentType) => {
          hijacked = upgrade ? hijackUpgraded(upgrade.socket, contentType, abort.signal) : hijackPlain(req, res, contentType, abort.signal);
          return hijacked;
        },
      };
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
      log('debug', 'request', { method: req.method, path: url.pathname, status: upgrade && hijacked ? 101 : res.statusCode, ms: Math.round(ms * 10) / 10 });
      if (upgrade && !hijacked) {
        // The connection left the HTTP parser: once our answer is written, it is done.
        if (res.writableFinished) upgrade.socket.end();
        else res.once('finish', () => upgrade.socket.end());
      }
    }
  }

  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => { void dispatch(req, res); });
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
