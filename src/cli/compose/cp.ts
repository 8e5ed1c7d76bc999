// `berth compose cp SERVICE:SRC DEST | SRC SERVICE:DEST`: docker cp with a service in place of a
// container. Out of a service: its container number --index (default the first); into a service:
// every running container of it, or the one --index names, as docker compose does.
import type { Command } from 'commander';
import { invalidArgument, notFound } from '../../common/errors.js';
import { LABEL, listProjectContainers } from '../../orchestrator/index.js';
import { copyWithContainer, splitCpArg } from '../container/cp.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

interface ComposeCpFlags { index?: string; followLink?: boolean; archive?: boolean; all?: boolean }

export function registerCpCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('cp')
    .description('Copy files/folders between a service container and the local filesystem')
    .argument('<source>', 'SERVICE:SRC_PATH or a local path (- for a tar stream on stdin)')
    .argument('<destination>', 'SERVICE:DEST_PATH or a local path (- for a tar stream on stdout)')
    .option('--index <n>', 'Index of the container if service has multiple replicas')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('--all', 'Include containers created by the run command (deprecated)')
    .action(async (src: string, dest: string, flags: ComposeCpFlags, cmd: Command) => {
      const [srcService, srcPath] = splitCpArg(src);
      const [destService, destPath] = splitCpArg(dest);
      if (srcService && destService) throw invalidArgument('copying between services is not supported');
      if (!srcService && !destService) throw invalidArgument('unknown copy direction');
      const index = flags.index === undefined ? undefined : Number(flags.index);
      if (index !== undefined && (!Number.isInteger(index) || index < 1)) throw invalidArgument(`invalid --index "${flags.index}"`);
      const service = (srcService ?? destService) as string;
      const s = await openSession(cmd, io, { fileless: true });
      if (!s.byLabels && !s.project.services[service]) throw notFound(`no such service: ${service}`);
      const all = await listProjectContainers(s.client, s.project.name, { services: [service], oneOffs: flags.all });
      const numbered = all
        .filter((c) => index === undefined || Number(c.Labels?.[LABEL.number]) === index)
        .sort((a, b) => Number(a.Labels?.[LABEL.number]) - Number(b.Labels?.[LABEL.number]));
      if (numbered.length === 0) {
        throw notFound(index === undefined ? `no container found for service "${service}"` : `service "${service}" is not running container #${index}`);
      }
      const targets = srcService ? numbered.slice(0, 1) : numbered;
      for (const c of targets) {
        const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
        const what = srcService ? `${name}:${srcPath} to ${destPath}` : `${srcPath} to ${name}:${destPath}`;
        s.reporter.event({ resource: 'copy', name: what, status: 'Copying' });
        await copyWithContainer(s.client, srcService ? { from: c.Id } : { to: c.Id }, srcPath, destPath, !!flags.followLink);
        s.reporter.event({ resource: 'copy', name: what, status: 'Copied' });
      }
    });
}
