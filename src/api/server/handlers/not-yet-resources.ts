// Networks, volumes and the build cache are not in the engine contract yet. Listing and pruning
// answer truthfully that there are none (so `docker system prune` and `docker volume ls` work);
// anything that would create one is refused as not implemented.
import { notImplemented } from '../../../common/errors.js';
import type { Ctx } from '../context.js';
import { sendJson } from '../http.js';

export async function listNetworks(ctx: Ctx): Promise<void> { sendJson(ctx.res, 200, []); }
export async function pruneNetworks(ctx: Ctx): Promise<void> { sendJson(ctx.res, 200, { NetworksDeleted: null }); }
export async function listVolumes(ctx: Ctx): Promise<void> { sendJson(ctx.res, 200, { Volumes: [], Warnings: null }); }
export async function pruneVolumes(ctx: Ctx): Promise<void> { sendJson(ctx.res, 200, { VolumesDeleted: null, SpaceReclaimed: 0 }); }
export async function pruneBuildCache(ctx: Ctx): Promise<void> { sendJson(ctx.res, 200, { CachesDeleted: null, SpaceReclaimed: 0 }); }

/** Documented endpoints berth does not serve yet: 501 with the path, never a pretend answer. */
export async function notYet(ctx: Ctx): Promise<void> {
  throw notImplemented(`${ctx.req.method} ${new URL(ctx.req.url ?? '/', 'http://x').pathname} is not implemented by berth yet`);
}
