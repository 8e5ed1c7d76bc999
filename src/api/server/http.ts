// Small request/response helpers over node:http: JSON bodies, query values, Docker's error body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { asBerthError, invalidArgument } from '../../common/errors.js';
import { statusForKind } from './wire/status.js';

const MAX_JSON_BODY = 16 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Docker's error body. Once headers are out, the best we can do is end the stream. */
export function sendError(res: ServerResponse, err: unknown): void {
  const e = asBerthError(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, statusForKind(e.kind), { message: e.message });
}

export async function readBody(req: Readable, limit = MAX_JSON_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw invalidArgument('request body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** A JSON object body; an empty body is {} (clients omit bodies that Docker treats as optional). */
export async function readJson<T = Record<string, unknown>>(req: Readable | Buffer): Promise<T> {
  const buf = Buffer.isBuffer(req) ? req : await readBody(req);
  const text = buf.toString('utf8').trim();
  if (!text) return {} as T;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null) return {} as T;
    return value as T;
  } catch (e) {
    throw invalidArgument(`invalid JSON body: ${(e as Error).message}`);
  }
}

/** Query helpers with Docker's leniency: "1", "true", "True" are true; absent uses the default. */
export class Query {
  constructor(readonly params: URLSearchParams) {}

  str(name: string): string | undefined {
    const v = this.params.get(name);
    return v === null ? undefined : v;
  }

  all(name: string): string[] {
    return this.params.getAll(name);
  }

  bool(name: string, dflt = false): boolean {
    const v = this.params.get(name);
    if (v === null || v === '') return dflt;
    const l = v.toLowerCase();
    if (l === '1' || l === 'true' || l === 't' || l === 'yes') return true;
    if (l === '0' || l === 'false' || l === 'f' || l === 'no') return false;
    throw invalidArgument(`invalid boolean value for ${name}: ${v}`);
  }

  int(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || !Number.isInteger(n)) throw invalidArgument(`invalid value for ${name}: ${v}`);
    return n;
  }
}

export function isHead(req: IncomingMessage): boolean {
  return req.method === 'HEAD';
}
