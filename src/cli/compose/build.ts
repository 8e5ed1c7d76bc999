// `berth compose build [SERVICE...]`: builds the services that have a build section, each tagged
// with its `image:` or `<project>-<service>`, printing the builder's output.
import type { Command } from 'commander';
import { buildServices } from '../../orchestrator/index.js';
import { invalidArgument } from '../../common/errors.js';
import type { ComposeIO } from './options.js';
import { collect, openSession } from './session.js';

interface BuildFlags { noCache?: boolean; pull?: boolean; quiet?: boolean; buildArg?: string[] }

export function registerBuildCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('build')
    .description('Build or rebuild services')
    .argument('[services...]', 'Services to build')
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--pull', 'Always attempt to pull a newer version of the image')
    .option('-q, --quiet', "Don't print anything to STDOUT")
    .option('--build-arg <key=value>', 'Set build-time variables for services', collect)
    .action(async (services: string[], flags: BuildFlags & { cache?: boolean }, cmd: Command) => {
      const s = await openSession(cmd, io);
      const buildArgs: Record<string, string> = {};
      for (const a of flags.buildArg ?? []) {
        const i = a.indexOf('=');
        if (i === 0) throw invalidArgument(`invalid build arg: ${a}`);
        if (i > 0) buildArgs[a.slice(0, i)] = a.slice(i + 1);
        else if (process.env[a] !== undefined) buildArgs[a] = process.env[a] as string;
      }
      await buildServices(s.client, s.project, services, {
        noCache: flags.cache === false, pull: flags.pull, buildArgs, output: flags.quiet ? undefined : io.stdout,
      });
    });
}
