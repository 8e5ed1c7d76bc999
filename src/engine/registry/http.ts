// One HTTP(S) exchange with a registry over node:http/https: streamed bodies both ways, redirects
// followed for reads (blob storage often answers with a redirect to another host, which must not
// see the registry's credentials), and TLS verification switchable for --insecure-registry hosts.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { unavailable } from '../../common/errors.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  /** Skip TLS certificate checks (only for hosts named insecure). */
  insecureTls?: boolean;
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 5;
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 16 }), https: new https.Agent({ keepAlive: true, maxSockets: 16 }) };
const insecureAgent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });

/** Sends a request; the response body is left to the caller (read it or call `discard`). */
export async function httpRequest(req: HttpRequest): Promise<IncomingMessage> {
  let url = new URL(req.url);
  let headers = { ...(req.headers ?? {}) };
  for (let hop = 0; ; hop++) {
    const res = await once(url, req, headers);
    const location = res.headers.location;
    const redirect = res.statusCode !== undefined && [301, 302, 303, 307, 308].includes(res.statusCode) && location;
    if (!redirect || (req.method !== 'GET' && req.method !== 'HEAD') || hop >= MAX_REDIRECTS) return res;
    discard(res);
    const next = new URL(location, url);
    // Credentials belong to the registry, not to the storage it redirects to.
    if (next.host !== url.host) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
    }
    url = next;
  }
}

function once(url: URL, req: HttpRequest, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const mod = secure ? https : http;
    const agent = secure ? (req.insecureTls ? insecureAgent : agents.https) : agents.http;
    const r = mod.request(url, { method: req.method, headers: { 'User-Agent': 'berth/0.1', ...headers }, agent, signal: req.signal }, resolve);
    r.on('error', (e) => reject(connectionError(url, req.method, e)));
    if (req.body === undefined) r.end();
    else if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      req.body.on('error', (e) => r.destroy(e));
      req.body.pipe(r);
    }
  });
}

/** Docker's wording for a registry that cannot be reached. */
function connectionError(url: URL, method: string, e: Error): Error {
  if ((e as { name?: string }).name === 'AbortError') return e;
  const err = unavailable(`${method === 'HEAD' ? 'Head' : method === 'GET' ? 'Get' : method[0] + method.slice(1).toLowerCase()} "${url.href}": ${e.message}`);
  (err as { cause?: unknown }).cause = e;
  return err;
}

export function discard(res: IncomingMessage): void {
  res.resume();
}

export async function readAll(res: IncomingMessage, limit = 16 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) { res.destroy(); throw unavailable(`response from ${res.url ?? 'registry'} is larger than ${limit} bytes`); }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}
