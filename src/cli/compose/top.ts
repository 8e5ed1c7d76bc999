// `berth compose top [SERVICE...]`: each running container's processes, under its name.
import type { Command } from 'commander';
import { listProjectContainers } from '../../orchestrator/index.js';
import { alignTabs } from '../output/table.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerTopCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('top')
    .description('Display the running processes')
    .argument('[services...]', 'Services')
    .action(async (services: string[], _flags: object, cmd: Command) => {
      const s = await openSession(cmd, io, { fileless: true });
      const list = (await listProjectContainers(s.client, s.project.name, { services }))
        .map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, '') }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const blocks: string[] = [];
      for (const c of list) {
        const top = await s.client.containers.top(c.id);
        const rows = [top.Titles, ...top.Processes].map((r) => r.join('\t')).join('\n');
        blocks.push(`${c.name}\n${alignTabs(rows, 0)}\n`);
      }
      io.stdout(blocks.join('\n'));
    });
}
