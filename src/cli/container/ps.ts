// `ps`: the container list with docker's columns, phrasing and --format fields.
import type { Command } from 'commander';
import type { ContainerSummary } from '../../api/client/index.js';
import { connect } from '../context.js';
import { ellipsis, filtersFrom, shortId } from '../flags.js';
import { renderList } from '../output/format.js';
import { ago, goTimeString, humanSize } from '../output/units.js';
import { displayPorts } from './ports.js';

export interface PsFlags { all?: boolean; quiet?: boolean; last?: number; latest?: boolean; filter?: string[]; format?: string; trunc?: boolean; size?: boolean }

const HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS',
  LocalVolumes: 'LOCAL VOLUMES', Label: 'LABEL', Platform: 'PLATFORM',
};

/** The fields `--format` can read, in docker's JSON key order (alphabetical). */
export function psRow(c: ContainerSummary, noTrunc: boolean) {
  const names = c.Names.map((n) => n.replace(/^\//, '')).filter((n) => noTrunc || !n.includes('/'));
  const labels = c.Labels ?? {};
  const image = noTrunc || !c.Image.startsWith('sha256:') ? c.Image : shortId(c.Image);
  return {
    Command: JSON.stringify(noTrunc ? c.Command : ellipsis(c.Command, 20)),
    CreatedAt: goTimeString(new Date(c.Created * 1000)),
    ID: shortId(c.Id, noTrunc),
    Image: image,
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    Mounts: (c.Mounts ?? []).map((m) => (m.Name ? (noTrunc ? m.Name : ellipsis(m.Name, 15)) : m.Source ?? '')).join(','),
    Names: names.join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    Platform: null,
    Ports: displayPorts(c.Ports),
    RunningFor: ago(c.Created),
    Size: c.SizeRw !== undefined || c.SizeRootFs !== undefined ? `${humanSize(c.SizeRw ?? 0)} (virtual ${humanSize(c.SizeRootFs ?? 0)})` : '0B',
    State: c.State,
    Status: c.Status,
    Label: (name: string) => labels[name] ?? '',
  };
}

export async function psCommand(f: PsFlags, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const limit = f.latest ? 1 : f.last !== undefined && f.last > 0 ? f.last : undefined;
  const list = await client.containers.list({ all: f.all || limit !== undefined, limit, size: f.size, filters: filtersFrom(f.filter) });
  const noTrunc = f.trunc === false;
  if (f.quiet) {
    process.stdout.write(list.map((c) => `${shortId(c.Id, noTrunc)}\n`).join(''));
    return;
  }
  const defaultTable = `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${f.size ? '' : ''}`;
  const table = f.size ? defaultTable.replace('{{.Names}}', '{{.Names}}\t{{.Size}}') : defaultTable;
  process.stdout.write(renderList(list.map((c) => psRow(c, noTrunc)), f.format, { defaultTable: table, headers: HEADERS }));
}
