// `berth compose wait [SERVICE...]`: block until the services' containers stop; the first one to
// stop gives berth its exit code (--down-project then takes the project down, as Compose does).
import type { Command } from 'commander';
import { down, listProjectContainers } from '../../orchestrator/index.js';
import { CliExit } from '../exit.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerWaitCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('wait')
    .description('Block until containers of all (or specified) services stop.')
    .argument('[services...]', 'Services')
    .option('--down-project', 'Drops project when the first container stops')
    .action(async (services: string[], flags: { downProject?: boolean }, cmd: Command) => {
      const s = await openSession(cmd, io, { fileless: true });
      const list = await listProjectContainers(s.client, s.project.name, { all: true, services });
      if (list.length === 0) return;
      const waits = list.map((c) => s.client.containers.wait(c.Id).then((r) => r.StatusCode));
      for (const w of waits) w.catch(() => undefined); // observed below (or moot once the project is down)
      const first = await Promise.race(waits);
      if (flags.downProject) await down(s.client, s.project, { byLabels: s.byLabels }, s.reporter);
      else await Promise.all(waits);
      if (first) throw new CliExit(first);
    });
}
