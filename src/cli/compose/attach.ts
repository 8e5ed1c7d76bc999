// `berth compose attach SERVICE`: a service container's stdin/stdout/stderr joined to ours, as
// `docker attach` does for one container (--index picks the replica); its exit code is berth's.
import type { Command } from 'commander';
import { invalidArgument } from '../../common/errors.js';
import { serviceContainer } from '../../orchestrator/index.js';
import { attachToContainer } from '../container/exec.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerAttachCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('attach')
    .description("Attach local standard input, output, and error streams to a service's running container")
    .argument('<service>', 'Service')
    .option('--index <n>', 'index of the container if service has multiple replicas', '1')
    .option('--no-stdin', 'Do not attach STDIN')
    .option('--detach-keys <keys>', 'Override the key sequence for detaching from a container')
    .option('--sig-proxy', 'Proxy all received signals to the process', true)
    .option('--no-sig-proxy', 'Do not proxy signals to the process')
    .action(async (service: string, flags: { index: string; stdin?: boolean; detachKeys?: string; sigProxy?: boolean }, cmd: Command) => {
      if (!/^\d+$/.test(flags.index)) throw invalidArgument(`invalid argument "${flags.index}" for "--index" flag: strconv.ParseInt: parsing "${flags.index}": invalid syntax`);
      const s = await openSession(cmd, io, { fileless: true });
      const c = await serviceContainer(s.client, s.project, service, Number(flags.index));
      await attachToContainer(s.client, c.Id, { stdin: flags.stdin, detachKeys: flags.detachKeys, sigProxy: flags.sigProxy });
    });
}
