// An OCI distribution client for one registry: pings /v2/ to learn its auth scheme, answers
// WWW-Authenticate challenges (bearer tokens per scope, or basic), and picks https or — for
// insecure registries only — plain http. Callers speak in paths under /v2/.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { BerthError, unavailable } from '../../common/errors.js';
import { parseChallenges, type Challenge } from './challenge.js';
import { apiHost, isInsecure, type EndpointPolicy } from './endpoint.js';
import { readRegistryError, registryError, verbOf } from './errors.js';
import { discard, httpRequest, readAll } from './http.js';
import type { RegistryAuth } from './types.js';

export interface CallOptions {
  /** Token scopes this call needs: "repository:name:pull" or "repository:name:pull,push". */
  scopes: string[];
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  signal?: AbortSignal;
  /** Statuses handed back instead of thrown (404 for a HEAD probe, for instance). */
  accept?: number[];
  /** Absolute URL (upload locations), instead of base + path. */
  absolute?: boolean;
}

export class RegistryClient {
  readonly host: string;
  private base?: Promise<string>;
  private challenge?: Challenge;
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(readonly domain: string, private readonly auth: RegistryAuth | undefined, private readonly policy: EndpointPolicy) {
    this.host = apiHost(domain);
  }

  get insecure(): boolean { return isInsecure(this.host, this.policy); }

  /** The registry's base URL, found by pinging /v2/ (https, then http for insecure registries). */
  baseUrl(signal?: AbortSignal): Promise<string> {
    this.base ??= this.ping(signal).catch((e: unknown) => { this.base = undefined; throw e; });
    return this.base;
  }

  private async ping(signal?: AbortSignal): Promise<string> {
    const schemes = this.insecure ? ['https', 'http'] : ['https'];
    let lastError: unknown;
    for (const scheme of schemes) {
      const base = `${scheme}://${this.host}`;
      try {
        const res = await httpRequest({ method: 'GET', url: `${base}/v2/`, insecureTls: this.insecure, signal });
        discard(res);
        if (res.statusCode === 401) this.challenge = pickChallenge(res.headers['www-authenticate']);
        else if ((res.statusCode ?? 500) >= 500) throw unavailable(`Get "${base}/v2/": registry answered ${res.statusCode}`);
        return base;
      } catch (e) {
        lastError = e;
        if (!(e instanceof BerthError && e.kind === 'unavailable')) throw e;
      }
    }
    throw lastError;
  }

  /** Checks the credentials against /v2/ (docker login). */
  async login(signal?: AbortSignal): Promise<void> {
    const base = await this.baseUrl(signal);
    if (!this.challenge) return;
    if (this.challenge.scheme === 'basic' && !this.auth?.username) throw registryError({ status: 401, codes: [], text: 'no basic auth credentials' });
    const res = await this.call('GET', '/v2/', { scopes: [], accept: [401] });
    discard(res);
    if (res.statusCode === 401) {
      throw new BerthError('unauthenticated', `login attempt to ${base}/v2/ failed with status: 401 Unauthorized`);
    }
  }

  /** One call, authenticated as the registry asks; non-2xx answers become errors unless accepted. */
  async call(method: string, path: string, opts: CallOptions): Promise<IncomingMessage> {
    const base = await this.baseUrl(opts.signal);
    const url = opts.absolute ? new URL(path, base).href : `${base}${path}`;
    const send = async (fresh: boolean) => httpRequest({
      method, url, body: opts.body, signal: opts.signal, insecureTls: this.insecure,
      headers: { ...(opts.headers ?? {}), ...(await this.authorizationFor(method, url, opts.scopes, fresh)) },
    });
    let res = await send(false);
    // A first 401 on a replayable request: the registry wants (new) credentials; learn and retry once.
    if (res.statusCode === 401 && !isStream(opts.body)) {
      const c = pickChallenge(res.headers['www-authenticate']);
      discard(res);
      if (c) this.challenge = c;
      res = await send(true);
    }
    const status = res.statusCode ?? 0;
    if ((status >= 200 && status < 300) || opts.accept?.includes(status)) return res;
    (res as { method?: string }).method = method;
    const info = await readRegistryError(res);
    if (status === 401 && this.challenge?.scheme === 'basic' && !this.auth?.username) info.text = 'no basic auth credentials';
    // Docker shows a denial bare, other 401s and 5xx with the request that got them.
    const bare = info.codes.includes('DENIED') || !(status === 401 || status >= 500);
    throw registryError(info, bare ? info.text : `${verbOf(method)} "${url}": ${info.text}`);
  }

  async callJson<T>(method: string, path: string, opts: CallOptions): Promise<{ body: T; res: IncomingMessage; bytes: Buffer }> {
    const res = await this.call(method, path, opts);
    const bytes = await readAll(res);
    return { body: JSON.parse(bytes.toString('utf8')) as T, res, bytes };
  }

  /** A token server's refusal is shown as the failure of the registry request it was for, as Docker does. */
  private async authorizationFor(method: string, url: string, scopes: string[], fresh: boolean): Promise<Record<string, string>> {
    try {
      return await this.authorization(scopes, fresh);
    } catch (e) {
      if (e instanceof BerthError && e.details.tokenServer) throw new BerthError(e.kind, `${verbOf(method)} "${url}": ${e.message}`, e.details);
      throw e;
    }
  }

  private async authorization(scopes: string[], fresh: boolean): Promise<Record<string, string>> {
    const c = this.challenge;
    if (!c) return {};
    if (c.scheme === 'basic') {
      if (!this.auth?.username) return {};
      return { Authorization: `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password ?? ''}`).toString('base64')}` };
    }
    if (c.scheme !== 'bearer') return {};
    if (this.auth?.registrytoken) return { Authorization: `Bearer ${this.auth.registrytoken}` };
    const key = scopes.slice().sort().join(' ');
    if (fresh) this.tokens.delete(key);
    let token = this.tokens.get(key);
    if (!token) {
      token = this.fetchToken(c, scopes).catch((e: unknown) => { this.tokens.delete(key); throw e; });
      this.tokens.set(key, token);
    }
    return { Authorization: `Bearer ${await token}` };
  }

  /** The token server's answer for these scopes (Docker's token spec, GET form). */
  private async fetchToken(c: Challenge, scopes: string[]): Promise<string> {
    const realm = c.params.realm;
    if (!realm) throw unavailable(`registry ${this.host} sent a bearer challenge without a realm`);
    const url = new URL(realm);
    if (c.params.service) url.searchParams.set('service', c.params.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    if (this.auth?.username) headers.Authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password ?? this.auth.identitytoken ?? ''}`).toString('base64')}`;
    const res = await httpRequest({ method: 'GET', url: url.href, headers, insecureTls: this.insecure });
    if (res.statusCode !== 200) {
      const info = await readRegistryError(res);
      const err = registryError(info, info.status === 401 ? 'unauthorized: incorrect username or password' : `token server ${url.origin}: ${info.text}`);
      err.details.tokenServer = url.origin;
      throw err;
    }
    const body = JSON.parse((await readAll(res)).toString('utf8')) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw unavailable(`token server ${url.origin} answered without a token`);
    return token;
  }
}

function isStream(body: unknown): boolean {
  return body !== undefined && !Buffer.isBuffer(body);
}

function pickChallenge(header: string | string[] | undefined): Challenge | undefined {
  const cs = parseChallenges(header);
  return cs.find((c) => c.scheme === 'bearer') ?? cs.find((c) => c.scheme === 'basic');
}
