// `tag`, `rmi`, `history`, `image prune`.
import type { Command } from 'commander';
import { connect } from '../context.js';
import { CliExit, printError } from '../exit.js';
import { ellipsis, filtersFrom, shortId, splitRepoTag } from '../flags.js';
import { renderList } from '../output/format.js';
import { ago, goTimeString, humanSize } from '../output/units.js';
import { confirm } from '../prompt.js';
import type { ImageDeleteItem } from '../../api/client/index.js';

export async function tagCommand(source: string, target: string, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const [repo, tag] = splitRepoTag(target);
  await client.images.tag(source, repo, tag || 'latest');
}

const printDeleted = (items: ImageDeleteItem[], prefix = '') =>
  items.map((d) => (d.Untagged ? `${prefix}Untagged: ${d.Untagged}\n` : d.Deleted ? `${prefix}Deleted: ${d.Deleted}\n` : '')).join('');

export async function rmiCommand(names: string[], f: { force?: boolean; prune?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  let failed = false;
  for (const n of names) {
    try {
      process.stdout.write(printDeleted(await client.images.remove(n, { force: f.force, noprune: f.prune === false })));
    } catch (e) {
      printError(e);
      failed = true;
    }
  }
  if (failed) throw new CliExit(1);
}

const HISTORY_HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

export async function historyCommand(image: string, f: { human?: boolean; quiet?: boolean; trunc?: boolean; format?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const items = await client.images.history(image);
  const noTrunc = f.trunc === false;
  if (f.quiet) {
    process.stdout.write(items.map((h) => `${h.Id === '<missing>' ? h.Id : shortId(h.Id, noTrunc)}\n`).join(''));
    return;
  }
  const rows = items.map((h) => {
    const createdBy = h.CreatedBy.replace(/\t/g, ' ');
    return {
      Comment: h.Comment,
      CreatedAt: goTimeString(new Date(h.Created * 1000)),
      CreatedBy: noTrunc ? createdBy : ellipsis(createdBy, 45),
      CreatedSince: ago(h.Created),
      ID: h.Id === '<missing>' ? h.Id : shortId(h.Id, noTrunc),
      Size: humanSize(h.Size),
    };
  });
  process.stdout.write(renderList(rows, f.format, { defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}', headers: HISTORY_HEADERS }));
}

export async function imagePruneCommand(f: { all?: boolean; force?: boolean; filter?: string[] }, cmd: Command): Promise<void> {
  const warning = f.all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.';
  if (!f.force && !(await confirm(`${warning}\nAre you sure you want to continue?`))) return;
  const client = await connect(cmd);
  const filters = filtersFrom(f.filter);
  filters.dangling = [f.all ? 'false' : 'true'];
  const r = await client.images.prune(filters);
  const deleted = r.ImagesDeleted ?? [];
  if (deleted.length) process.stdout.write(`Deleted Images:\n${deleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`)).join('')}\n`);
  process.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`);
}
