// `berth compose logs`: every selected container's output, prefixed `web-1  | ` as Compose does.
import type { Command } from 'commander';
import { listProjectContainers, projectLogs, shortName } from '../../orchestrator/index.js';
import { colorPrefixer } from './log-colors.js';
import { apiTimestamp } from '../flags.js';
import type { ComposeIO } from './options.js';
import { colorLogs, openSession } from './session.js';

interface LogsFlags { color?: boolean; follow?: boolean; tail?: string; timestamps?: boolean; logPrefix?: boolean; since?: string; until?: string }

export function registerLogsCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('logs')
    .description('View output from containers')
    .argument('[services...]', 'Services to show')
    .option('-f, --follow', 'Follow log output')
    .option('-n, --tail <n>', 'Number of lines to show from the end of the logs for each container', 'all')
    .option('-t, --timestamps', 'Show timestamps')
    .option('--since <time>', 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)')
    .option('--until <time>', 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)')
    .option('--no-color', 'Produce monochrome output')
    .option('--no-log-prefix', "Don't print prefix in logs")
    .action(async (services: string[], flags: LogsFlags, cmd: Command) => {
      const s = await openSession(cmd, io, { fileless: true });
      const list = (await listProjectContainers(s.client, s.project.name, { all: true, services }))
        .map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, '') }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const prefix = colorPrefixer(list.map((c) => shortName(s.project.name, c.name)), flags.color !== false && colorLogs(cmd, io));
      const opts = { follow: flags.follow, tail: flags.tail, timestamps: flags.timestamps, since: apiTimestamp(flags.since), until: apiTimestamp(flags.until) };
      await projectLogs(s.client, s.project.name, list, opts, (l) => {
        const write = l.stream === 'stderr' ? io.stderr : io.stdout;
        write(`${flags.logPrefix === false ? '' : prefix(l.source)}${l.text}\n`);
      });
    });
}
