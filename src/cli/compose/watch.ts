// `berth compose watch [SERVICE...]`: `up` (unless --no-up), then the services' develop.watch
// rules applied as files change, until Ctrl-C.
import type { Command } from 'commander';
import { registryAuthHeader } from '../registry/credentials.js';
import { checkProject, projectWatchRules, up, watchProject, withImageNames } from '../../orchestrator/index.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerWatchCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('watch')
    .description('Watch build context for service and rebuild/refresh containers when files are updated')
    .argument('[services...]', 'Services to watch')
    .option('--no-up', 'Do not build & start services before watching')
    .option('--prune', 'Prune dangling images on rebuild (berth: accepted, nothing pruned)')
    .option('--quiet', 'hide build output')
    .action(async (services: string[], flags: { up?: boolean; quiet?: boolean }, cmd: Command) => {
      const s = await openSession(cmd, io, { check: (project) => { checkProject(project, services); projectWatchRules(project, services); } });
      const project = withImageNames(s.project);
      const rules = projectWatchRules(project, services);
      const buildOutput = flags.quiet ? undefined : io.stdout;
      if (flags.up !== false) await up(s.client, project, { services, build: 'missing', buildOutput, pullAuth: registryAuthHeader }, s.reporter);
      s.reporter.close();
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await watchProject(s.client, project, rules, { log: (l) => io.stdout(`${l}\n`), signal: ac.signal, upOptions: { buildOutput, pullAuth: registryAuthHeader } }, s.reporter);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
