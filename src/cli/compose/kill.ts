// `berth compose kill`: send a signal (SIGKILL by default) to the running service containers.
import type { Command } from 'commander';
import { killServices } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerKillCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('kill')
    .description('Force stop service containers')
    .argument('[services...]', 'Services to kill')
    .option('-s, --signal <signal>', 'SIGNAL to send to the container', 'SIGKILL')
    .action(async (services: string[], flags: { signal?: string }, cmd: Command) => {
      const s = await openSession(cmd, io, { fileless: true });
      await killServices(s.client, s.project, services, flags.signal, s.reporter);
    });
}
