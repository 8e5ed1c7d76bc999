// Image endpoints: list, inspect, history, tag, remove, import (create fromSrc), load, save, prune.
import { pipeline } from 'node:stream/promises';
import { asBerthError, invalidArgument, notImplemented } from '../../../common/errors.js';
import type { ImageRecord, ImageRemoval } from '../../../engine/types.js';
import { type Ctx, writeWithBackpressure } from '../context.js';
import { sendJson } from '../http.js';
import { pullImage } from './distribution.js';
import { normalizeRef } from '../translate/container-filters.js';
import { imageInspect, imageSummary } from '../translate/image-json.js';
import { matchLabels, parseFilters, parseUntil, type Filters } from '../wire/filters.js';

const IMAGE_FILTERS = ['dangling', 'label', 'reference', 'before', 'since', 'until'];

function refMatches(pattern: string, tag: string): boolean {
  // "busybox" matches every tag of busybox; globs as in path.Match ("bus*:lat*").
  const p = pattern.includes(':') || pattern.includes('@') ? pattern : `${pattern}:*`;
  const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
  return re.test(tag) || re.test(normalizeRef(tag));
}

async function imageFilter(ctx: Ctx, filters: Filters): Promise<(img: ImageRecord) => boolean> {
  const createdOf = async (ref: string) => Date.parse((await ctx.engine.images.get(ref)).created);
  const before = await Promise.all((filters.get('before') ?? []).map(createdOf));
  const since = await Promise.all((filters.get('since') ?? []).map(createdOf));
  const until = filters.get('until')?.map((u) => parseUntil(u) * 1000);
  const dangling = filters.get('dangling')?.[0];
  if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling)) throw invalidArgument(`invalid filter 'dangling=${dangling}'`);
  return (img) => {
    const isDangling = img.repoTags.length === 0;
    if (dangling !== undefined && (dangling === 'true' || dangling === '1') !== isDangling) return false;
    if (!matchLabels(img.config.Labels ?? {}, filters.get('label'))) return false;
    const refs = filters.get('reference');
    if (refs && !refs.some((r) => img.repoTags.some((t) => refMatches(r, t)))) return false;
    const created = Date.parse(img.created);
    if (before.some((t) => created >= t) || since.some((t) => created <= t)) return false;
    if (until && until.some((t) => created > t)) return false;
    return true;
  };
}

export async function listImages(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query.str('filters'), IMAGE_FILTERS);
  const legacy = ctx.query.str('filter');
  if (legacy) filters.set('reference', [legacy]);
  const images = await ctx.engine.images.list({ all: ctx.query.bool('all') });
  const pick = await imageFilter(ctx, filters);
  const list = images.filter(pick).sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
  sendJson(ctx.res, 200, list.map((img) => imageSummary(img, ctx.apiVersion)));
}

export async function inspectImage(ctx: Ctx): Promise<void> {
  sendJson(ctx.res, 200, imageInspect(await ctx.engine.images.get(ctx.params.name), ctx.apiVersion));
}

export async function imageHistory(ctx: Ctx): Promise<void> {
  const h = await ctx.engine.images.history(ctx.params.name);
  sendJson(ctx.res, 200, h.map((e) => ({
    Id: e.id || '<missing>',
    Created: e.created ? Math.floor(Date.parse(e.created) / 1000) : 0,
    CreatedBy: e.createdBy ?? '',
    Tags: e.tags.length ? e.tags : null,
    Size: e.size,
    Comment: e.comment ?? '',
  })));
}

export async function tagImage(ctx: Ctx): Promise<void> {
  const repo = ctx.query.str('repo');
  if (!repo) throw invalidArgument('repository name must have at least one component');
  await ctx.engine.images.tag(ctx.params.name, repo, ctx.query.str('tag') || 'latest');
  ctx.res.writeHead(201);
  ctx.res.end();
}

export function removalJson(r: ImageRemoval): Record<string, string>[] {
  return [...r.untagged.map((u) => ({ Untagged: u })), ...r.deleted.map((d) => ({ Deleted: d }))];
}

export async function removeImage(ctx: Ctx): Promise<void> {
  const r = await ctx.engine.images.remove(ctx.params.name, { force: ctx.query.bool('force'), noPrune: ctx.query.bool('noprune') });
  sendJson(ctx.res, 200, removalJson(r));
}

/** Streams JSON messages the way `docker` renders progress; errors after the headers become an error message. */
class JsonMessageStream {
  constructor(private readonly ctx: Ctx) {
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.flushHeaders();
  }

  async send(msg: Record<string, unknown>): Promise<void> {
    await writeWithBackpressure(this.ctx.res, Buffer.from(JSON.stringify(msg) + '\r\n'), this.ctx.signal);
  }

  async fail(e: unknown): Promise<void> {
    const message = asBerthError(e).message;
    await this.send({ errorDetail: { message }, error: message });
  }
}

/** POST /images/create: a registry pull (fromImage, handlers/distribution.ts) or `docker import` (fromSrc=-). */
export async function createImage(ctx: Ctx): Promise<void> {
  const fromImage = ctx.query.str('fromImage');
  const fromSrc = ctx.query.str('fromSrc');
  if (fromImage) return pullImage(ctx);
  if (!fromSrc) throw invalidArgument('either fromImage or fromSrc must be given');
  if (fromSrc !== '-') throw notImplemented('importing from a URL is not implemented yet; pipe the tar on stdin (-)');
  const repo = ctx.query.str('repo');
  const tag = ctx.query.str('tag');
  const ref = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
  const changes = ctx.query.all('changes').flatMap((c) => c.split('\n')).filter((c) => c.trim() !== '');
  const out = new JsonMessageStream(ctx);
  try {
    const img = await ctx.engine.images.import(ctx.bodyStream(), { ref, changes, message: ctx.query.str('message'), platform: ctx.query.str('platform') || undefined });
    await out.send({ status: img.id });
  } catch (e) {
    await out.fail(e);
  }
  ctx.res.end();
}

export async function loadImages(ctx: Ctx): Promise<void> {
  const quiet = ctx.query.bool('quiet');
  const out = new JsonMessageStream(ctx);
  try {
    const loaded = await ctx.engine.images.load(ctx.bodyStream(), quiet ? undefined : (p) => { void out.send({ ...p }); });
    for (const ref of loaded) await out.send({ stream: ref.startsWith('sha256:') ? `Loaded image ID: ${ref}\n` : `Loaded image: ${ref}\n` });
  } catch (e) {
    await out.fail(e);
  }
  ctx.res.end();
}

export async function saveImages(ctx: Ctx): Promise<void> {
  const names = ctx.params.name ? [ctx.params.name] : ctx.query.all('names');
  if (names.length === 0) throw invalidArgument('no image names given');
  const tar = await ctx.engine.images.save(names);
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  try {
    await pipeline(tar, ctx.res);
  } catch (e) {
    ctx.log('debug', 'image save stream ended early', { error: (e as Error).message });
  }
}

export async function pruneImages(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query.str('filters'), ['dangling', 'until', 'label']);
  const dangling = filters.get('dangling')?.[0];
  const untilRaw = filters.get('until')?.[0];
  const r = await ctx.engine.images.prune({
    danglingOnly: dangling === undefined ? true : dangling === 'true' || dangling === '1',
    until: untilRaw ? parseUntil(untilRaw) : undefined,
    labels: filters.get('label'),
  });
  const deleted = removalJson(r.deleted);
  sendJson(ctx.res, 200, { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: r.spaceReclaimed });
}
