// /volumes: list, inspect, create, remove, prune over the engine's VolumeService (local driver),
// in the Engine API's JSON shapes (Volume).
import type { VolumeRecord } from '../../../engine/volumes/types.js';
import type { Ctx } from '../context.js';
import { sendEmpty, sendJson } from '../http.js';
import { matchLabels, parseFilters } from '../wire/filters.js';

const LIST_FILTERS = ['name', 'label', 'driver', 'dangling'] as const;

export function volumeJson(v: VolumeRecord): Record<string, unknown> {
  return {
    Name: v.name, Driver: v.driver, Mountpoint: v.mountpoint, CreatedAt: v.created, Labels: v.labels,
    Scope: v.scope, Options: Object.keys(v.options).length ? v.options : null,
  };
}

export async function listVolumes(ctx: Ctx): Promise<void> {
  const f = parseFilters(ctx.query.str('filters'), LIST_FILTERS);
  const out: Record<string, unknown>[] = [];
  for (const v of ctx.engine.volumes.list()) {
    if (f.get('name') && !f.get('name')!.some((s) => v.name.includes(s))) continue;
    if (f.get('driver') && !f.get('driver')!.includes(v.driver)) continue;
    if (!matchLabels(v.labels, f.get('label'))) continue;
    if (f.get('dangling')) {
      const dangling = (await ctx.engine.volumes.inUseBy(v.name)).length === 0;
      if (!f.get('dangling')!.some((d) => (d === 'true' || d === '1') === dangling)) continue;
    }
    out.push(volumeJson(v));
  }
  sendJson(ctx.res, 200, { Volumes: out, Warnings: [] });
}

export async function inspectVolume(ctx: Ctx): Promise<void> {
  sendJson(ctx.res, 200, volumeJson(ctx.engine.volumes.get(ctx.params.name ?? '')));
}

export async function createVolume(ctx: Ctx): Promise<void> {
  const b = await ctx.json<{ Name?: string; Driver?: string; DriverOpts?: Record<string, string> | null; Labels?: Record<string, string> | null }>();
  const v = await ctx.engine.volumes.create({ name: b.Name || undefined, driver: b.Driver || undefined, options: b.DriverOpts ?? {}, labels: b.Labels ?? {} });
  sendJson(ctx.res, 201, volumeJson(v));
}

export async function removeVolume(ctx: Ctx): Promise<void> {
  await ctx.engine.volumes.remove(ctx.params.name ?? '', { force: ctx.query.bool('force') });
  sendEmpty(ctx.res, 204);
}

export async function pruneVolumes(ctx: Ctx): Promise<void> {
  const f = parseFilters(ctx.query.str('filters'), ['label', 'all']);
  const labels: Record<string, string> = {};
  for (const l of f.get('label') ?? []) { const i = l.indexOf('='); labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1); }
  const all = (f.get('all') ?? []).some((a) => a === 'true' || a === '1');
  const { deleted } = await ctx.engine.volumes.prune({ all, labels: Object.keys(labels).length ? labels : undefined });
  sendJson(ctx.res, 200, { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: 0 } /* sizes: not measured yet */);
}
