// Registry endpoints: pull (POST /images/create?fromImage=), push, /auth, /images/search and
// /distribution/{name}/json. Progress streams as Docker's JSON messages; the response starts only
// with the first message, so a failure before it (a missing tag, refused credentials) is a plain
// HTTP error with Docker's status, as Docker answers.
import { asBerthError, invalidArgument, notImplemented } from '../../../common/errors.js';
import type { RegistryService } from '../../../engine/contract.js';
import type { TransferProgress } from '../../../engine/registry/types.js';
import { type Ctx, writeWithBackpressure } from '../context.js';
import { sendJson } from '../http.js';
import { progressJson } from '../translate/progress-json.js';
import { parseFilters } from '../wire/filters.js';
import { authFromJson, decodeRegistryAuth } from '../wire/registry-auth.js';

function registryOf(ctx: Ctx): RegistryService {
  if (!ctx.engine.registry) throw notImplemented('this engine has no registry access');
  return ctx.engine.registry;
}

/** JSON messages, each written in order with backpressure; headers go out with the first one. */
class ProgressStream {
  private started = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: Ctx) {}

  get hasStarted(): boolean { return this.started; }

  send(msg: Record<string, unknown>): void {
    if (!this.started) {
      this.started = true;
      this.ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    }
    const bytes = Buffer.from(JSON.stringify(msg) + '\r\n');
    this.chain = this.chain.then(() => writeWithBackpressure(this.ctx.res, bytes, this.ctx.signal));
  }

  progress = (p: TransferProgress): void => this.send(progressJson(p));

  async finish(e?: unknown): Promise<void> {
    if (e !== undefined) {
      if (!this.started) throw e;
      const message = asBerthError(e).message;
      this.send({ errorDetail: { message }, error: message });
    }
    await this.chain;
    this.ctx.res.end();
  }
}

/** fromImage + tag as Docker combines them: a digest "tag" becomes @digest. */
export function pullReference(fromImage: string, tag: string | undefined): string {
  if (!tag) return fromImage;
  return tag.startsWith('sha256:') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
}

function isNameOnly(name: string): boolean {
  return !name.includes('@') && !name.slice(name.lastIndexOf('/') + 1).includes(':');
}

export async function pullImage(ctx: Ctx): Promise<void> {
  const fromImage = ctx.query.str('fromImage') ?? '';
  const tag = ctx.query.str('tag');
  const registry = registryOf(ctx);
  const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
  const out = new ProgressStream(ctx);
  try {
    // No tag anywhere (docker pull -a): every tag the registry lists, as dockerd does.
    const refs = !tag && isNameOnly(fromImage) ? await registry.tags(fromImage, auth) : [pullReference(fromImage, tag)];
    for (const ref of refs) await registry.pull(ref, { platform: ctx.query.str('platform') || undefined, auth, signal: ctx.signal }, out.progress);
  } catch (e) {
    return out.finish(e);
  }
  return out.finish();
}

export async function pushImage(ctx: Ctx): Promise<void> {
  const registry = registryOf(ctx);
  const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
  const out = new ProgressStream(ctx);
  try {
    const results = await registry.push(ctx.params.name, { tag: ctx.query.str('tag') || undefined, auth, signal: ctx.signal }, out.progress);
    for (const r of results) out.send({ progressDetail: {}, aux: { Tag: r.tag, Digest: r.digest, Size: r.size } });
  } catch (e) {
    return out.finish(e);
  }
  return out.finish();
}

export async function login(ctx: Ctx): Promise<void> {
  const body = await ctx.json<Record<string, unknown>>().catch(() => { throw invalidArgument('invalid JSON body for /auth'); });
  const auth = authFromJson(body ?? {}) ?? {};
  const r = await registryOf(ctx).login(auth, ctx.signal);
  sendJson(ctx.res, 200, { Status: r.status, IdentityToken: r.identityToken ?? '' });
}

export async function searchImages(ctx: Ctx): Promise<void> {
  const term = ctx.query.str('term');
  if (!term) throw invalidArgument('term is required');
  const filters = parseFilters(ctx.query.str('filters'), ['is-official', 'is-automated', 'stars']);
  const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
  const stars = Number(filters.get('stars')?.[0] ?? 0);
  if (Number.isNaN(stars)) throw invalidArgument(`invalid filter 'stars=${filters.get('stars')?.[0]}'`);
  const official = filters.get('is-official')?.[0];
  const results = (await registryOf(ctx).search(term, { limit: ctx.query.int('limit'), auth }))
    .filter((r) => r.star_count >= stars)
    .filter((r) => official === undefined || r.is_official === (official === 'true' || official === '1'));
  sendJson(ctx.res, 200, results);
}

export async function distributionInspect(ctx: Ctx): Promise<void> {
  const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
  const r = await registryOf(ctx).inspect(ctx.params.name, auth);
  sendJson(ctx.res, 200, { Descriptor: r.descriptor, Platforms: r.platforms });
}
