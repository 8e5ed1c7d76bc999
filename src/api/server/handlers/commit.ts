// POST /commit: a container's filesystem and config as a new image. berth flattens: the image is
// one layer holding the whole filesystem (Docker would add a layer over the base image's).
import { invalidArgument } from '../../../common/errors.js';
import type { ContainerRecord } from '../../../engine/types.js';
import type { Ctx } from '../context.js';
import { sendJson } from '../http.js';

/** Quotes a value for a Dockerfile-like change line: no word splitting, no $ expansion. */
function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$')}"`;
}

/** The container's effective config as change lines, so the committed image runs the same way. */
export function configChanges(c: ContainerRecord): string[] {
  const e = c.effective;
  const out: string[] = [];
  for (const kv of e.env) {
    const i = kv.indexOf('=');
    if (i > 0) out.push(`ENV ${kv.slice(0, i)}=${quote(kv.slice(i + 1))}`);
  }
  if (e.entrypoint.length) out.push(`ENTRYPOINT ${JSON.stringify(e.entrypoint)}`);
  if (e.cmd.length) out.push(`CMD ${JSON.stringify(e.cmd)}`);
  if (e.workingDir) out.push(`WORKDIR ${e.workingDir}`);
  if (e.user) out.push(`USER ${e.user}`);
  for (const [k, v] of Object.entries(e.labels)) out.push(`LABEL ${quote(k)}=${quote(v)}`);
  if (e.exposedPorts.length) out.push(`EXPOSE ${e.exposedPorts.join(' ')}`);
  if (e.volumes.length) out.push(`VOLUME ${JSON.stringify(e.volumes)}`);
  if (e.stopSignal && e.stopSignal !== 'SIGTERM') out.push(`STOPSIGNAL ${e.stopSignal}`);
  return out;
}

export async function commitContainer(ctx: Ctx): Promise<void> {
  const ref = ctx.query.str('container');
  if (!ref) throw invalidArgument('container is required');
  const c = await ctx.engine.containers.get(ref);
  const repo = ctx.query.str('repo');
  const tag = ctx.query.str('tag');
  const imageRef = repo ? `${repo}:${tag || 'latest'}` : undefined;
  const changes = [...configChanges(c), ...ctx.query.all('changes').flatMap((l) => l.split('\n')).filter((l) => l.trim() !== '')];
  const pause = ctx.query.bool('pause', true) && c.state.status === 'running';
  if (pause) await ctx.engine.containers.pause(c.id);
  try {
    const { tar } = await ctx.engine.containers.getArchive(c.id, '/');
    const img = await ctx.engine.images.import(tar, { ref: imageRef, changes, message: ctx.query.str('comment') || undefined });
    sendJson(ctx.res, 201, { Id: img.id });
  } finally {
    if (pause) await ctx.engine.containers.unpause(c.id);
  }
}
