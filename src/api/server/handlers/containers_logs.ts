// GET /containers/{id}/logs: the log file as frames (raw with a tty), followed until the client leaves.
import { invalidArgument } from '../../../common/errors.js';
import type { LogOptions } from '../../../engine/types.js';
import { type Ctx, writeWithBackpressure } from '../context.js';
import { encodeFrame, STDERR, STDOUT } from '../wire/frames.js';
import { parseTimestampSeconds } from '../wire/filters.js';
import { streamMediaType } from './containers_attach.js';

export async function containerLogs(ctx: Ctx): Promise<void> {
  const c = await ctx.engine.containers.get(ctx.params.id);
  const stdout = ctx.query.bool('stdout');
  const stderr = ctx.query.bool('stderr');
  if (!stdout && !stderr) throw invalidArgument('Bad parameters: you must choose at least one stream');
  const tailRaw = ctx.query.str('tail');
  let tail: number | undefined;
  if (tailRaw !== undefined && tailRaw !== '' && tailRaw !== 'all') {
    tail = Number(tailRaw);
    if (!Number.isInteger(tail)) throw invalidArgument(`invalid value for "tail": "${tailRaw}"`);
    if (tail < 0) tail = undefined;
  }
  const untilSecs = parseTimestampSeconds(ctx.query.str('until'));
  const sinceSecs = parseTimestampSeconds(ctx.query.str('since'));
  const opts: LogOptions = {
    follow: ctx.query.bool('follow'),
    stdout,
    stderr,
    timestamps: ctx.query.bool('timestamps'),
    since: sinceSecs ? sinceSecs : undefined,
    until: untilSecs ? untilSecs : undefined,
    tail,
  };
  const tty = c.spec.tty;
  ctx.res.writeHead(200, { 'Content-Type': streamMediaType(ctx.apiVersion, tty) });
  ctx.res.flushHeaders();
  // Lines that arrive together leave in one write (one chunk, one syscall) instead of one each.
  let corked = false;
  for await (const line of ctx.engine.containers.logs(c.id, opts, ctx.signal)) {
    const payload = opts.timestamps ? Buffer.concat([Buffer.from(`${line.time} `), line.data]) : line.data;
    const chunk = tty ? payload : encodeFrame(line.stream === 'stderr' ? STDERR : STDOUT, payload);
    if (!corked) {
      corked = true;
      ctx.res.cork();
      setImmediate(() => { corked = false; ctx.res.uncork(); });
    }
    if (!(await writeWithBackpressure(ctx.res, chunk, ctx.signal))) break;
  }
  ctx.res.end();
}
