// GET /events: past events since `since`, then live ones until `until` or until the client leaves.
import { type Ctx, writeWithBackpressure } from '../context.js';
import { eventFilter, eventJsonText, EVENT_FILTERS } from '../translate/event-json.js';
import { parseFilters, parseTimestampNanos } from '../wire/filters.js';
import { invalidArgument } from '../../../common/errors.js';

export async function events(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query.str('filters'), EVENT_FILTERS);
  const since = parseTimestampNanos(ctx.query.str('since'));
  const until = parseTimestampNanos(ctx.query.str('until'));
  if (since !== undefined && until !== undefined && until < since) {
    throw invalidArgument(`\`since\` time (${ctx.query.str('since')}) cannot be after \`until\` time (${ctx.query.str('until')})`);
  }
  const pick = eventFilter(filters);
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  for await (const e of ctx.engine.events.subscribe({ since, until, signal: ctx.signal })) {
    if (!pick(e)) continue;
    if (!(await writeWithBackpressure(ctx.res, Buffer.from(eventJsonText(e) + '\n'), ctx.signal))) break;
  }
  ctx.res.end();
}
