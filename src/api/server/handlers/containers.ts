// Container lifecycle endpoints: list, inspect, start/stop/restart/kill, pause, rename, wait,
// remove, resize, top, prune, update.
import { BerthError, invalidArgument, isBerthError, type ErrorKind } from '../../../common/errors.js';
import type { ContainerRecord, WaitCondition } from '../../../engine/types.js';
import type { Ctx } from '../context.js';
import { sendEmpty, sendJson } from '../http.js';
import { CONTAINER_FILTERS, containerFilter } from '../translate/container-filters.js';
import { inspectJson, summaryJson } from '../translate/container-json.js';
import { restartPolicyOf } from '../translate/create-body.js';
import { parseFilters, parseUntil } from '../wire/filters.js';

/**
 * SizeRw (the writable layer) and SizeRootFs (that plus the image's layers), asked for with size=1.
 * The engine measures writable layers for `system df`; that is where they come from.
 */
async function sizesOf(ctx: Ctx): Promise<(c: ContainerRecord) => { size: true; sizeRw: number; rootfsSize: number }> {
  const du = await ctx.engine.diskUsage();
  const rw = new Map(du.containers.map((c) => [c.id, c.sizeRw ?? 0]));
  const imageSize = new Map(du.images.map((i) => [i.id, i.size]));
  return (c) => {
    const sizeRw = rw.get(c.id) ?? c.sizeRw ?? 0;
    return { size: true, sizeRw, rootfsSize: sizeRw + (imageSize.get(c.imageId) ?? 0) };
  };
}

export async function listContainers(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query.str('filters'), CONTAINER_FILTERS);
  // Docker: a status filter (other than running) or `before`/`since` means all containers.
  const all = ctx.query.bool('all') || filters.has('status') || filters.has('exited') || filters.has('before') || filters.has('since');
  const limit = ctx.query.int('limit') ?? -1;
  const size = ctx.query.bool('size');
  const records = await ctx.engine.containers.list({ all: true });
  const ancestorIds: string[] = [];
  for (const a of filters.get('ancestor') ?? []) {
    try {
      ancestorIds.push((await ctx.engine.images.get(a)).id);
    } catch (e) {
      if (!isBerthError(e, 'not_found')) throw e;
    }
  }
  const pick = containerFilter(filters, records, ancestorIds);
  let list = records.filter((c) => (all || c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting') && pick(c));
  list.sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
  if (limit > 0) list = list.slice(0, limit);
  const sizes = size ? await sizesOf(ctx) : undefined;
  sendJson(ctx.res, 200, list.map((c) => summaryJson(c, sizes ? sizes(c) : {})));
}

export async function inspectContainer(ctx: Ctx): Promise<void> {
  const c = await ctx.engine.containers.get(ctx.params.id);
  const sizes = ctx.query.bool('size') ? await sizesOf(ctx) : undefined;
  sendJson(ctx.res, 200, inspectJson(c, { ...(sizes ? sizes(c) : {}), execIds: ctx.engine.exec.activeIdsOf(c.id) }));
}

export async function startContainer(ctx: Ctx): Promise<void> {
  const c = await ctx.engine.containers.get(ctx.params.id);
  if (c.state.status === 'running' || c.state.status === 'paused') return sendEmpty(ctx.res, 304);
  try {
    await ctx.engine.containers.start(c.id);
  } catch (e) {
    // Docker removes an --rm container whose start failed; `docker run --rm` waits for that removal.
    if (c.spec.host.autoRemove) {
      await ctx.engine.containers.remove(c.id, { force: true, volumes: true }).catch((err: unknown) => {
        if (!isBerthError(err, 'not_found')) ctx.log('warn', 'could not remove a container whose start failed', { id: c.id, error: (err as Error).message });
      });
    }
    throw e;
  }
  sendEmpty(ctx.res, 204);
}

function stopOptions(ctx: Ctx): { timeout?: number; signal?: string } {
  return { timeout: ctx.query.int('t') ?? ctx.query.int('timeout'), signal: ctx.query.str('signal') || undefined };
}

export async function stopContainer(ctx: Ctx): Promise<void> {
  const c = await ctx.engine.containers.get(ctx.params.id);
  if (c.state.status !== 'running' && c.state.status !== 'paused' && c.state.status !== 'restarting') return sendEmpty(ctx.res, 304);
  await ctx.engine.containers.stop(c.id, stopOptions(ctx));
  sendEmpty(ctx.res, 204);
}

export async function restartContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.restart(ctx.params.id, stopOptions(ctx));
  sendEmpty(ctx.res, 204);
}

/** Docker's router prefixes some operations' errors (same status, longer message). */
async function prefixErrors<T>(prefix: string, op: () => Promise<T>, kinds?: ErrorKind[]): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof BerthError && (!kinds || kinds.includes(e.kind))) throw new BerthError(e.kind, `${prefix}: ${e.message}`, e.details, { cause: e });
    throw e;
  }
}

export async function killContainer(ctx: Ctx): Promise<void> {
  await prefixErrors(`Cannot kill container: ${ctx.params.id}`, () => ctx.engine.containers.kill(ctx.params.id, ctx.query.str('signal') || undefined));
  sendEmpty(ctx.res, 204);
}

export async function pauseContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.pause(ctx.params.id);
  sendEmpty(ctx.res, 204);
}

export async function unpauseContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.unpause(ctx.params.id);
  sendEmpty(ctx.res, 204);
}

export async function renameContainer(ctx: Ctx): Promise<void> {
  const name = ctx.query.str('name');
  if (!name) throw invalidArgument('name cannot be empty');
  const newName = name.replace(/^\//, '');
  await prefixErrors('Error when allocating new name', () => ctx.engine.containers.rename(ctx.params.id, newName), ['conflict', 'already_exists']);
  sendEmpty(ctx.res, 204);
}

/**
 * `docker run` calls wait before start and blocks on it, so the headers go out at once and the
 * body (the exit code) follows when the condition is met.
 */
export async function waitContainer(ctx: Ctx): Promise<void> {
  const condition = (ctx.query.str('condition') || 'not-running') as WaitCondition;
  if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw invalidArgument(`invalid condition: "${condition}"`);
  const { result } = await ctx.engine.containers.wait(ctx.params.id, condition);
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  let body: Record<string, unknown>;
  try {
    const r = await result;
    body = { Error: r.error ? { Message: r.error } : null, StatusCode: r.exitCode };
  } catch (e) {
    body = { Error: { Message: e instanceof Error ? e.message : String(e) }, StatusCode: -1 };
  }
  ctx.res.end(JSON.stringify(body) + '\n');
}

export async function removeContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.remove(ctx.params.id, { force: ctx.query.bool('force'), volumes: ctx.query.bool('v'), link: ctx.query.bool('link') || undefined });
  sendEmpty(ctx.res, 204);
}

export async function resizeContainer(ctx: Ctx): Promise<void> {
  const h = ctx.query.int('h') ?? 0;
  const w = ctx.query.int('w') ?? 0;
  await ctx.engine.containers.resize(ctx.params.id, w, h);
  sendEmpty(ctx.res, 200);
}

export async function topContainer(ctx: Ctx): Promise<void> {
  const r = await ctx.engine.containers.top(ctx.params.id, ctx.query.str('ps_args') || undefined);
  sendJson(ctx.res, 200, { Titles: r.titles, Processes: r.processes });
}

export async function pruneContainers(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query.str('filters'), ['until', 'label', 'label!']);
  const untilRaw = filters.get('until')?.[0];
  const r = await ctx.engine.containers.prune({ until: untilRaw ? parseUntil(untilRaw) : undefined, labels: filters.get('label'), labelsNot: filters.get('label!') });
  sendJson(ctx.res, 200, { ContainersDeleted: r.deleted.length ? r.deleted : null, SpaceReclaimed: r.spaceReclaimed });
}

export async function updateContainer(ctx: Ctx): Promise<void> {
  const body = await ctx.json<Record<string, any>>();
  const changes: Parameters<Ctx['engine']['containers']['update']>[1] = {};
  if (body.RestartPolicy && body.RestartPolicy.Name !== undefined) changes.restartPolicy = restartPolicyOf(body.RestartPolicy);
  const r: Record<string, number | string> = {};
  const fields: [string, string][] = [['Memory', 'memory'], ['MemorySwap', 'memorySwap'], ['MemoryReservation', 'memoryReservation'], ['NanoCpus', 'nanoCpus'], ['CpuShares', 'cpuShares'], ['CpuQuota', 'cpuQuota'], ['CpuPeriod', 'cpuPeriod'], ['PidsLimit', 'pidsLimit']];
  for (const [from, to] of fields) if (typeof body[from] === 'number' && body[from] !== 0) r[to] = body[from];
  if (typeof body.CpusetCpus === 'string' && body.CpusetCpus) r.cpusetCpus = body.CpusetCpus;
  if (Object.keys(r).length) changes.resources = r;
  const warnings = await ctx.engine.containers.update(ctx.params.id, changes);
  sendJson(ctx.res, 200, { Warnings: warnings });
}
