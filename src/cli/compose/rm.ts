// `berth compose rm`: remove stopped service containers (-s stops them first; -f skips the question).
import type { Command } from 'commander';
import { listProjectContainers, removeServices } from '../../orchestrator/index.js';
import { CliExit } from '../exit.js';
import { confirm } from '../prompt.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

interface RmFlags { force?: boolean; stop?: boolean; volumes?: boolean }

export function registerRmCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('rm')
    .description('Removes stopped service containers')
    .argument('[services...]', 'Services to remove')
    .option('-f, --force', "Don't ask to confirm removal")
    .option('-s, --stop', 'Stop the containers, if required, before removing')
    .option('-v, --volumes', 'Remove any anonymous volumes attached to containers')
    .action(async (services: string[], flags: RmFlags, cmd: Command) => {
      const s = await openSession(cmd, io, { fileless: true });
      if (!flags.force) {
        // Ask first: list what would go without touching anything.
        const all = await listProjectContainers(s.client, s.project.name, { all: true, services });
        const doomed = flags.stop ? all : all.filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting');
        if (doomed.length === 0) return io.stderr('No stopped containers\n');
        io.stderr(`Going to remove ${doomed.map((c) => (c.Names[0] ?? '').replace(/^\//, '')).join(', ')}\n`);
        if (!(await confirm('? Are you sure?'))) throw new CliExit(0);
      }
      const removed = await removeServices(s.client, s.project, services, { stop: flags.stop, volumes: flags.volumes }, s.reporter);
      if (removed.length === 0) io.stderr('No stopped containers\n');
    });
}
