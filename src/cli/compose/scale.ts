// `berth compose scale SERVICE=N...`: set the number of containers of services, as `up -d
// --no-recreate --scale` would, touching nothing else.
import type { Command } from 'commander';
import { invalidArgument } from '../../common/errors.js';
import { checkProject, up } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession, scaleFlags } from './session.js';

export function registerScaleCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('scale')
    .description('Scale services')
    .argument('<SERVICE=REPLICAS...>', 'Services and their number of containers')
    .option('--no-deps', "Don't start linked services")
    .action(async (pairs: string[], flags: { deps?: boolean }, cmd: Command) => {
      const scale = scaleFlags(pairs);
      const services = Object.keys(scale);
      if (services.length === 0) throw invalidArgument('scale requires SERVICE=REPLICAS');
      const s = await openSession(cmd, io, { check: (project) => checkProject(project, services) });
      await up(s.client, s.project, { services, scale, recreate: 'never', noDeps: flags.deps === false }, s.reporter);
    });
}
