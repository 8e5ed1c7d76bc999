// `berth compose images [SERVICE...]`: the image each container of the project was created from
// (CONTAINER REPOSITORY TAG IMAGE ID SIZE), or the ids alone with -q.
import type { Command } from 'commander';
import { listProjectContainers } from '../../orchestrator/index.js';
import { shortId, splitRepoTag } from '../flags.js';
import { alignTabs } from '../output/table.js';
import { humanSize } from '../output/units.js';
import type { ComposeIO } from './options.js';
import { openSession } from './session.js';

export function registerImagesCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('images')
    .description('List images used by the created containers')
    .argument('[services...]', 'Services')
    .option('-q, --quiet', 'Only display IDs')
    .action(async (services: string[], flags: { quiet?: boolean }, cmd: Command) => {
      const s = await openSession(cmd, io, { fileless: true });
      const list = (await listProjectContainers(s.client, s.project.name, { all: true, services }))
        .sort((a, b) => (a.Names[0] ?? '').localeCompare(b.Names[0] ?? ''));
      const rows: string[][] = [];
      for (const c of list) {
        const image = await s.client.images.inspect(c.ImageID);
        const [repo, tag] = image.RepoTags?.[0] ? splitRepoTag(image.RepoTags[0]) : ['<none>', '<none>'];
        rows.push([(c.Names[0] ?? '').replace(/^\//, ''), repo, tag, shortId(image.Id), humanSize(image.Size)]);
      }
      if (flags.quiet) return io.stdout([...new Set(rows.map((r) => r[3]))].map((id) => `${id}\n`).join(''));
      io.stdout(`${alignTabs([['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'], ...rows].map((r) => r.join('\t')).join('\n'))}\n`);
    });
}
