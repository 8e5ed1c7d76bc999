// What every handler receives: the engine, the decoded request, and a way to take over the
// connection (hijack) for attach and exec, whether the client asked for an upgrade or not.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Engine } from '../../engine/contract.js';
import type { Query } from './http.js';

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** A taken-over connection: raw bytes out, the client's bytes (stdin) in. */
export interface Hijacked {
  /** Writes with backpressure; resolves false when the client has gone. */
  write(chunk: Buffer): Promise<boolean>;
  /** What the client sends after the request; ends on its half-close (FIN). */
  input: Readable;
  /** Ends our side of the connection once all output is written. */
  end(): void;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface Ctx {
  engine: Engine;
  log: LogFn;
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: Query;
  apiVersion: string;
  /** The request was `Connection: Upgrade` + `Upgrade: tcp`. */
  upgraded: boolean;
  /** Aborted when the client disconnects before the response is over. */
  signal: AbortSignal;
  body(): Promise<Buffer>;
  json<T = Record<string, unknown>>(): Promise<T>;
  /** The request body as a stream (image import/load, archive upload). */
  bodyStream(): Readable;
  hijack(contentType: string): Hijacked;
}

export type Handler = (ctx: Ctx) => Promise<void>;

/** Writes one chunk to a stream and waits for drain when its buffer is full. */
export function writeWithBackpressure(out: NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean }, chunk: Buffer, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted || out.destroyed || out.writableEnded) return Promise.resolve(false);
  if (out.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      out.removeListener('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onAbort = () => done(false);
    out.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function hijackUpgraded(socket: Socket, contentType: string, signal: AbortSignal): Hijacked {
  socket.setNoDelay(true);
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  return {
    write: (chunk) => writeWithBackpressure(socket, chunk, signal),
    input: socket,
    end: () => { if (!socket.destroyed) socket.end(); },
    signal,
  };
}

export function hijackPlain(req: IncomingMessage, res: ServerResponse, contentType: string, signal: AbortSignal): Hijacked {
  res.writeHead(200, { 'Content-Type': contentType });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  return {
    write: (chunk) => writeWithBackpressure(res, chunk, signal),
    input: req,
    end: () => { if (!res.writableEnded) res.end(); },
    signal,
  };
}

