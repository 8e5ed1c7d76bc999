// `berth compose restart`: restart the selected services' containers, dependencies first.
import type { Command } from 'commander';
import { restartServices } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession, timeoutFlag } from './session.js';

export function registerRestartCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('restart')
    .description('Restart service containers')
    .argument('[services...]', 'Services to restart')
    .option('-t, --timeout <seconds>', 'Specify a shutdown timeout in seconds')
    .action(async (services: string[], flags: { timeout?: string }, cmd: Command) => {
      const timeout = timeoutFlag(flags.timeout);
      const s = await openSession(cmd, io, { fileless: true });
      await restartServices(s.client, s.project, services, timeout, s.reporter);
    });
}
