// `berth compose pull` and `berth compose push`: the orchestrator moves the images, credentials
// come from the docker config file as for `berth pull` / `berth push`.
import type { Command } from 'commander';
import { pullServices, pushServices } from '../../orchestrator/index.js';
import { registryAuthHeader } from '../registry/credentials.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerPullPushCommands(compose: Command, io: ComposeIO): void {
  compose
    .command('pull')
    .description('Pull service images')
    .argument('[services...]', 'Services to pull')
    .option('--ignore-buildable', 'Ignore images that can be built')
    .option('--ignore-pull-failures', 'Pull what it can and ignores images with pull failures')
    .option('--include-deps', 'Also pull services declared as dependencies (berth: always the named services only)')
    .option('-q, --quiet', 'Pull without printing progress information')
    .action(async (services: string[], flags: { ignoreBuildable?: boolean; ignorePullFailures?: boolean; quiet?: boolean }, cmd: Command) => {
      const s = await openSession(cmd, io);
      await pullServices(s.client, s.project, services, {
        auth: registryAuthHeader, ignoreBuildable: flags.ignoreBuildable, ignorePullFailures: flags.ignorePullFailures,
        output: flags.quiet ? undefined : io.stderr,
      });
    });
  compose
    .command('push')
    .description('Push service images')
    .argument('[services...]', 'Services to push')
    .option('--ignore-push-failures', 'Push what it can and ignores images with push failures')
    .option('-q, --quiet', 'Push without printing progress information')
    .action(async (services: string[], flags: { ignorePushFailures?: boolean; quiet?: boolean }, cmd: Command) => {
      const s = await openSession(cmd, io);
      await pushServices(s.client, s.project, services, {
        auth: registryAuthHeader, ignorePushFailures: flags.ignorePushFailures, output: flags.quiet ? undefined : io.stderr,
      });
    });
}
