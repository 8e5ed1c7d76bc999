// `berth compose pause` / `unpause`: freeze and thaw the service containers.
import type { Command } from 'commander';
import { pauseServices } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerPauseCommands(compose: Command, io: ComposeIO): void {
  for (const pause of [true, false]) {
    compose
      .command(pause ? 'pause' : 'unpause')
      .description(pause ? 'Pause services' : 'Unpause services')
      .argument('[services...]', 'Services')
      .action(async (services: string[], _flags: object, cmd: Command) => {
        const s = await openSession(cmd, io, { fileless: true });
        await pauseServices(s.client, s.project, services, pause, s.reporter);
      });
  }
}
