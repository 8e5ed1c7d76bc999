// `berth compose ls`: the projects the engine runs (NAME STATUS CONFIG FILES), or JSON, or names.
import type { Command } from 'commander';
import { invalidArgument } from '../../common/errors.js';
import { listProjects } from '../../orchestrator/index.js';
import { connect } from '../context.js';
import { alignTabs } from '../output/table.js';
import type { ComposeIO } from './options.js';

interface LsFlags { all?: boolean; quiet?: boolean; format?: string }

export function registerLsCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('ls')
    .description('List running compose projects')
    .option('-a, --all', 'Show all stopped Compose projects')
    .option('-q, --quiet', 'Only display project names')
    .option('--format <format>', 'Format the output. Values: [table | json]', 'table')
    .action(async (flags: LsFlags, cmd: Command) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw invalidArgument(`unsupported format "${flags.format}" (table or json)`);
      const projects = await listProjects(await connect(cmd), flags.all);
      if (flags.quiet) return io.stdout(projects.map((p) => `${p.Name}\n`).join(''));
      if (flags.format === 'json') return io.stdout(`${JSON.stringify(projects)}\n`);
      const rows = [['NAME', 'STATUS', 'CONFIG FILES'], ...projects.map((p) => [p.Name, p.Status, p.ConfigFiles])];
      io.stdout(`${alignTabs(rows.map((r) => r.join('\t')).join('\n'))}\n`);
    });
}
