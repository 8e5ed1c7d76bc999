// `berth compose start`: start the existing containers of the selected services, dependencies first.
import type { Command } from 'commander';
import { startServices } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerStartCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('start')
    .description('Start services')
    .argument('[services...]', 'Services to start')
    .action(async (services: string[], _flags: object, cmd: Command) => {
      const s = await openSession(cmd, io, { fileless: true });
      await startServices(s.client, s.project, services, s.reporter);
    });
}
