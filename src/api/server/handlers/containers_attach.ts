// POST /containers/{id}/attach: a hijacked connection to the container's stdio.
import type { Ctx } from '../context.js';
import { pumpSession } from '../session-pump.js';
import { MEDIA_MULTIPLEXED_STREAM, MEDIA_RAW_STREAM } from '../wire/frames.js';
import { versionAtLeast } from '../wire/api-version.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../wire/detach-keys.js';

export function streamMediaType(apiVersion: string, tty: boolean): string {
  return !tty && versionAtLeast(apiVersion, '1.42') ? MEDIA_MULTIPLEXED_STREAM : MEDIA_RAW_STREAM;
}

export async function attachContainer(ctx: Ctx): Promise<void> {
  const c = await ctx.engine.containers.get(ctx.params.id);
  const opts = {
    stdin: ctx.query.bool('stdin'),
    stdout: ctx.query.bool('stdout'),
    stderr: ctx.query.bool('stderr'),
    logs: ctx.query.bool('logs'),
    stream: ctx.query.bool('stream'),
    detachKeys: ctx.query.str('detachKeys') || undefined,
  };
  const detachKeys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const session = await ctx.engine.containers.attach(c.id, opts);
  const conn = ctx.hijack(streamMediaType(ctx.apiVersion, c.spec.tty));
  await pumpSession(session, conn, { tty: c.spec.tty, stdin: opts.stdin, detachKeys, log: ctx.log });
}
