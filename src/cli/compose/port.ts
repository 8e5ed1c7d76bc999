// `berth compose port SERVICE PRIVATE_PORT`: the public address a service's port is published on.
import type { Command } from 'commander';
import { invalidArgument, notFound } from '../../common/errors.js';
import { serviceContainer } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerPortCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('port')
    .description('Print the public port for a port binding')
    .argument('<service>', 'Service')
    .argument('<private_port>', 'Private port')
    .option('--protocol <proto>', 'tcp or udp', 'tcp')
    .option('--index <n>', 'Index of the container if service has multiple replicas', '1')
    .action(async (service: string, privatePort: string, flags: { protocol: string; index: string }, cmd: Command) => {
      if (!/^\d+$/.test(privatePort)) throw invalidArgument(`invalid port "${privatePort}"`);
      const s = await openSession(cmd, io, { fileless: true });
      const c = await serviceContainer(s.client, s.project, service, Number(flags.index));
      const binding = (await s.client.containers.inspect(c.Id)).NetworkSettings.Ports?.[`${privatePort}/${flags.protocol}`]?.[0];
      if (!binding) throw notFound(`no port ${privatePort}/${flags.protocol} for container ${(c.Names[0] ?? '').replace(/^\//, '')}: port is not published`);
      io.stdout(`${binding.HostIp ?? ''}:${binding.HostPort ?? ''}\n`);
    });
}
