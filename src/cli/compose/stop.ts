// `berth compose stop`: stop the selected services' containers, dependents first.
import type { Command } from 'commander';
import { stopServices } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession, timeoutFlag } from './session.js';

export function registerStopCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('stop')
    .description('Stop services')
    .argument('[services...]', 'Services to stop')
    .option('-t, --timeout <seconds>', 'Specify a shutdown timeout in seconds')
    .action(async (services: string[], flags: { timeout?: string }, cmd: Command) => {
      const timeout = timeoutFlag(flags.timeout);
      const s = await openSession(cmd, io, { fileless: true });
      await stopServices(s.client, s.project, services, timeout, s.reporter);
    });
}
