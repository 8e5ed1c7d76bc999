// The build cache is not in the engine contract yet: pruning answers truthfully that there is none
// (so `docker system prune` works); endpoints berth does not serve are refused as not implemented.
import { notImplemented } from '../../../common/errors.js';
import type { Ctx } from '../context.js';
import { sendJson } from '../http.js';

export async function pruneBuildCache(ctx: Ctx): Promise<void> { sendJson(ctx.res, 200, { CachesDeleted: null, SpaceReclaimed: 0 }); }

/** Documented endpoints berth does not serve yet: 501 with the path, never a pretend answer. */
export async function notYet(ctx: Ctx): Promise<void> {
  throw notImplemented(`${ctx.req.method} ${new URL(ctx.req.url ?? '/', 'http://x').pathname} is not implemented by berth yet`);
}
