// `system df -v`: the items behind the summary, in the four sections and columns the docker CLI
// prints (images, containers, local volumes, build cache), from the same GET /system/df answer.
import type { DiskUsage } from '../../api/client/index.js';
import { ellipsis, shortId, splitRepoTag } from '../flags.js';
import { renderList } from '../output/format.js';
import { ago, humanSize, humanSize4 } from '../output/units.js';

const IMAGES = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const CONTAINERS = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const VOLUMES = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
const CACHE = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';
const HEADERS = {
  Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS',
};
const CONTAINER_HEADERS = { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', LocalVolumes: 'LOCAL VOLUMES', Size: 'SIZE', RunningFor: 'CREATED', Status: 'STATUS', Names: 'NAMES' };
const VOLUME_HEADERS = { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' };
const CACHE_HEADERS = { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' };

const orNA = (n: number | undefined, f: (n: number) => string) => (n === undefined || n < 0 ? 'N/A' : f(n));

/** A container's image as `docker ps` shows it: an id shortened, a digest dropped. */
function imageName(image: string, imageId: string): string {
  if (!image) return '<no image>';
  if (image.startsWith('sha256:') || shortId(image) === shortId(imageId)) return shortId(image);
  return image.split('@')[0]!;
}

export function verboseDiskUsage(d: DiskUsage, now = Date.now()): string {
  const images = (d.Images ?? []).map((i) => {
    const tagged = (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    const [repo, tag] = tagged[0] ? splitRepoTag(tagged[0]) : ['<none>', '<none>'];
    return {
      Repository: repo, Tag: tag || '<none>', ID: shortId(i.Id), CreatedSince: ago(i.Created, now), Size: humanSize(i.Size),
      SharedSize: orNA(i.SharedSize, humanSize), UniqueSize: orNA(i.SharedSize, (s) => humanSize4(i.Size - s)) /* docker: 4 digits here, 3 beside */, Containers: orNA(i.Containers, String),
    };
  });
  const containers = (d.Containers ?? []).map((c) => ({
    ID: shortId(c.Id), Image: imageName(c.Image, c.ImageID), Command: JSON.stringify(ellipsis(c.Command, 20)),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Size: humanSize(c.SizeRw ?? 0), RunningFor: ago(c.Created, now), Status: c.Status,
    Names: c.Names.filter((n) => n.split('/').length === 2).map((n) => n.slice(1)).join(','),
  }));
  const volumes = (d.Volumes ?? []).map((v) => ({
    Name: v.Name, Links: orNA(v.UsageData?.RefCount, String), Size: orNA(v.UsageData?.Size, humanSize4),
  }));
  const cache = (d.BuildCache ?? []).map((b) => {
    const r = b as { ID?: string; Type?: string; CreatedAt?: string; LastUsedAt?: string | null; UsageCount?: number; Size: number; InUse: boolean; Shared: boolean };
    return {
      ID: `${shortId(r.ID ?? '')}${r.InUse ? '*' : ''}`, CacheType: r.Type ?? '', Size: humanSize(r.Size),
      CreatedSince: r.CreatedAt ? ago(r.CreatedAt, now) : '', LastUsedSince: r.LastUsedAt ? ago(r.LastUsedAt, now) : '',
      UsageCount: String(r.UsageCount ?? 0), Shared: String(r.Shared),
    };
  });
  const cacheSize = (d.BuildCache ?? []).filter((b) => !b.Shared).reduce((s, b) => s + b.Size, 0);
  return [
    'Images space usage:\n\n', renderList(images, undefined, { defaultTable: IMAGES, headers: HEADERS }),
    '\nContainers space usage:\n\n', renderList(containers, undefined, { defaultTable: CONTAINERS, headers: CONTAINER_HEADERS }),
    '\nLocal Volumes space usage:\n\n', renderList(volumes, undefined, { defaultTable: VOLUMES, headers: VOLUME_HEADERS }),
    `\nBuild cache usage: ${humanSize4(cacheSize)}\n\n`, renderList(cache, undefined, { defaultTable: CACHE, headers: CACHE_HEADERS }),
  ].join('');
}
