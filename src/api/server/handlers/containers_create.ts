// POST /containers/create
import type { Ctx } from '../context.js';
import { sendJson } from '../http.js';
import { checkContainerName, createBodyToSpec } from '../translate/create-body.js';

export async function createContainer(ctx: Ctx): Promise<void> {
  const name = checkContainerName(ctx.query.str('name'));
  const body = await ctx.json<Record<string, any>>();
  const spec = createBodyToSpec(body, name);
  const r = await ctx.engine.containers.create(spec);
  sendJson(ctx.res, 201, { Id: r.id, Warnings: r.warnings });
}
