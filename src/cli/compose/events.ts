// `berth compose events [SERVICE...]`: the project's container events as they happen, in docker
// compose's line format, or one JSON object per line with --json.
import type { Command } from 'commander';
import { LABEL } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go's "2006-01-02 15:04:05.000000" in local time. */
function stamp(timeNano: number): string {
  const d = new Date(Math.floor(timeNano / 1e6));
  const micro = Math.floor((timeNano % 1e9) / 1e3);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micro, 6)}`;
}

export function registerEventsCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('events')
    .description('Receive real time events from containers')
    .argument('[services...]', 'Services')
    .option('--json', 'Output events as a stream of json objects')
    .option('--since <time>', 'Show all events created since timestamp')
    .option('--until <time>', 'Stream events until this timestamp')
    .action(async (services: string[], flags: { json?: boolean; since?: string; until?: string }, cmd: Command) => {
      const s = await openSession(cmd, io, { fileless: true });
      const wanted = services.length ? new Set(services) : undefined;
      const filters = { type: ['container'], label: [`${LABEL.project}=${s.project.name}`] };
      for await (const e of s.client.system.events({ filters, since: flags.since, until: flags.until })) {
        const attrs = e.Actor.Attributes ?? {};
        const service = attrs[LABEL.service] ?? '';
        if (wanted && !wanted.has(service)) continue;
        // Compose leaves its own labels out of the attributes it shows.
        const shown = Object.fromEntries(Object.entries(attrs).filter(([k]) => !k.startsWith('com.docker.compose.')));
        if (flags.json) {
          io.stdout(`${JSON.stringify({ time: new Date(Math.floor(e.timeNano / 1e6)).toISOString(), type: 'container', service, id: e.Actor.ID, action: e.Action, attributes: shown })}\n`);
        } else {
          const list = Object.entries(shown).map(([k, v]) => `${k}=${v}`).join(', ');
          io.stdout(`${stamp(e.timeNano)} container ${e.Action} ${e.Actor.ID}${list ? ` (${list})` : ''}\n`);
        }
      }
    });
}
