// `system prune`: stopped containers, unused networks, dangling (or, with -a, unused) images and,
// with --volumes, unused anonymous volumes — one call per resource, as the docker CLI does it.
import type { Command } from 'commander';
import { isBerthError } from '../../common/errors.js';
import { connect } from '../context.js';
import { filtersFrom } from '../flags.js';
import { humanSize } from '../output/units.js';
import { confirm } from '../prompt.js';

export async function systemPruneCommand(f: { all?: boolean; force?: boolean; volumes?: boolean; filter?: string[] }, cmd: Command): Promise<void> {
  const items = ['all stopped containers', 'all networks not used by at least one container'];
  if (f.volumes) items.push('all anonymous volumes not used by at least one container');
  items.push(f.all ? 'all images without at least one container associated to them' : 'all dangling images', 'unused build cache');
  if (!f.force && !(await confirm(`WARNING! This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}\nAre you sure you want to continue?`))) return;
  const client = await connect(cmd);
  const filters = filtersFrom(f.filter);
  let reclaimed = 0;
  let out = '';
  const c = await client.containers.prune(filters);
  reclaimed += c.SpaceReclaimed ?? 0;
  if (c.ContainersDeleted?.length) out += `Deleted Containers:\n${c.ContainersDeleted.join('\n')}\n\n`;
  try {
    const n = await client.networks.prune(filters);
    if (n.NetworksDeleted?.length) out += `Deleted Networks:\n${n.NetworksDeleted.join('\n')}\n\n`;
  } catch (e) {
    if (!isBerthError(e, 'not_found') && !isBerthError(e, 'not_implemented')) throw e;
  }
  if (f.volumes) {
    const v = await client.volumes.prune(filters);
    reclaimed += v.SpaceReclaimed ?? 0;
    if (v.VolumesDeleted?.length) out += `Deleted Volumes:\n${v.VolumesDeleted.join('\n')}\n\n`;
  }
  const i = await client.images.prune({ ...filters, dangling: [f.all ? 'false' : 'true'] });
  reclaimed += i.SpaceReclaimed ?? 0;
  const deleted = i.ImagesDeleted ?? [];
  if (deleted.length) out += `Deleted Images:\n${deleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`)).join('')}\n`;
  process.stdout.write(`${out}Total reclaimed space: ${humanSize(reclaimed)}\n`);
}
