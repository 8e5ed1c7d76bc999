// POST /containers/create
import { invalidArgument, isBerthError } from '../../../common/errors.js';
import type { ContainerSpec } from '../../../engine/types.js';
import type { Ctx } from '../context.js';
import { sendJson } from '../http.js';
import { checkContainerName, createBodyToSpec } from '../translate/create-body.js';

const BUILTIN_MODES = new Set(['default', 'bridge', 'host', 'none']);

/**
 * A create naming a missing network is a bad request for the docker CLI, not a 404: a 404 on create
 * means "no such image" to it, and it would go and pull the image.
 */
async function checkNetworksExist(ctx: Ctx, spec: ContainerSpec): Promise<void> {
  const mode = spec.host.networkMode;
  const names = new Set(Object.keys(spec.endpoints));
  if (!BUILTIN_MODES.has(mode) && !mode.startsWith('container:')) names.add(mode);
  for (const name of names) {
    if (BUILTIN_MODES.has(name)) continue;
    try {
      await ctx.engine.networks.get(name);
    } catch (e) {
      if (isBerthError(e, 'not_found')) throw invalidArgument(e.message);
      throw e;
    }
  }
}

export async function createContainer(ctx: Ctx): Promise<void> {
  const name = checkContainerName(ctx.query.str('name'));
  const body = await ctx.json<Record<string, any>>();
  const spec = createBodyToSpec(body, name);
  await checkNetworksExist(ctx, spec);
  const r = await ctx.engine.containers.create(spec);
  sendJson(ctx.res, 201, { Id: r.id, Warnings: r.warnings });
}
