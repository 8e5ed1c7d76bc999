// GET /containers/{id}/stats: one sample (one-shot), two samples a moment apart (stream=false,
// so CPU percentages can be computed), or a sample a second until the client leaves.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerStatsSample } from '../../../engine/types.js';
import { type Ctx, writeWithBackpressure } from '../context.js';
import { sendJson } from '../http.js';
import { statsJson } from '../translate/stats-json.js';

const INTERVAL_MS = 1000;
const PRE_SAMPLE_MS = 500;

export async function containerStats(ctx: Ctx): Promise<void> {
  const c = await ctx.engine.containers.get(ctx.params.id);
  const stream = ctx.query.bool('stream', true);
  const oneShot = ctx.query.bool('one-shot');
  if (!stream) {
    let prev: ContainerStatsSample | undefined;
    if (!oneShot) {
      prev = await ctx.engine.containers.stats(c.id);
      await sleep(PRE_SAMPLE_MS);
    }
    const cur = await ctx.engine.containers.stats(c.id);
    sendJson(ctx.res, 200, statsJson(c.id, c.name, cur, prev));
    return;
  }
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  let prev: ContainerStatsSample | undefined;
  while (!ctx.signal.aborted) {
    let cur: ContainerStatsSample;
    try {
      cur = await ctx.engine.containers.stats(c.id);
    } catch (e) {
      ctx.log('debug', 'stats stream ended', { id: c.id, error: (e as Error).message });
      break;
    }
    if (!(await writeWithBackpressure(ctx.res, Buffer.from(JSON.stringify(statsJson(c.id, c.name, cur, prev)) + '\n'), ctx.signal))) break;
    prev = cur;
    try {
      await sleep(INTERVAL_MS, undefined, { signal: ctx.signal });
    } catch {
      break;
    }
  }
  ctx.res.end();
}
