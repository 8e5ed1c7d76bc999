// `berth compose down`: stop and remove containers, networks (and with -v, volumes).
import type { Command } from 'commander';
import { invalidArgument } from '../../common/errors.js';
import { down } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession, timeoutFlag } from './session.js';

interface DownFlags { volumes?: boolean; removeOrphans?: boolean; timeout?: string; rmi?: 'local' | 'all' }

export function registerDownCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('down')
    .description('Stop and remove containers, networks')
    .option('-v, --volumes', 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers')
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('-t, --timeout <seconds>', 'Specify a shutdown timeout in seconds')
    .option('--rmi <type>', 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")')
    .action(async (flags: DownFlags, cmd: Command) => {
      const timeout = timeoutFlag(flags.timeout);
      if (flags.rmi !== undefined && flags.rmi !== 'local' && flags.rmi !== 'all') throw invalidArgument(`invalid value for --rmi: "${flags.rmi}" (local or all)`);
      const s = await openSession(cmd, io, { fileless: true });
      await down(s.client, s.project, { volumes: flags.volumes, removeOrphans: flags.removeOrphans, timeout, byLabels: s.byLabels, rmi: flags.rmi }, s.reporter);
    });
}
