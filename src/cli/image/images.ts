// `images`: one row per repository:tag (untagged images as <none>), docker's columns and sizes.
import type { Command } from 'commander';
import type { ImageSummary } from '../../api/client/index.js';
import { connect } from '../context.js';
import { filtersFrom, shortId, splitRepoTag } from '../flags.js';
import { renderList } from '../output/format.js';
import { ago, goTimeString, humanSize } from '../output/units.js';

const HEADERS = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE', Containers: 'CONTAINERS',
};

export function imageRows(images: ImageSummary[], noTrunc: boolean) {
  return images.flatMap((img) => {
    const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    const digests = (img.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
    const refs: [string, string][] = tags.length ? tags.map(splitRepoTag) : digests.length ? digests.map((d) => [d.split('@')[0], '<none>']) : [['<none>', '<none>']];
    return refs.map(([repo, tag]) => ({
      Containers: img.Containers >= 0 ? String(img.Containers) : 'N/A',
      CreatedAt: goTimeString(new Date(img.Created * 1000)),
      CreatedSince: ago(img.Created),
      Digest: digests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>',
      ID: shortId(img.Id, noTrunc),
      Repository: repo,
      SharedSize: img.SharedSize >= 0 ? humanSize(img.SharedSize) : 'N/A',
      Size: humanSize(img.Size),
      Tag: tag || '<none>',
      UniqueSize: img.SharedSize >= 0 ? humanSize(img.Size - img.SharedSize) : 'N/A',
      VirtualSize: humanSize(img.VirtualSize ?? img.Size),
    }));
  });
}

export async function imagesCommand(repository: string | undefined, f: { all?: boolean; quiet?: boolean; filter?: string[]; format?: string; trunc?: boolean; digests?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const filters = filtersFrom(f.filter);
  if (repository) (filters.reference ??= []).push(repository);
  const list = await client.images.list({ all: f.all, filters });
  const noTrunc = f.trunc === false;
  if (f.quiet) {
    const ids = [...new Set(list.map((i) => shortId(i.Id, noTrunc)))];
    process.stdout.write(ids.map((i) => `${i}\n`).join(''));
    return;
  }
  const table = f.digests
    ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
  process.stdout.write(renderList(imageRows(list, noTrunc), f.format, { defaultTable: table, headers: HEADERS }));
}
