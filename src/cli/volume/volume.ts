// `volume create|ls|inspect|rm|prune`.
import type { Command } from 'commander';
import { connect } from '../context.js';
import { forEachName } from '../exit.js';
import { filtersFrom } from '../flags.js';
import { renderList } from '../output/format.js';
import { humanSize } from '../output/units.js';
import { confirm } from '../prompt.js';

const pairs = (list: string[] = []) => Object.fromEntries(list.map((l) => { const i = l.indexOf('='); return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)]; }));

export async function volumeCreate(name: string | undefined, f: { driver?: string; label?: string[]; opt?: string[] }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const v = await client.volumes.create({ Name: name, Driver: f.driver ?? 'local', Labels: pairs(f.label), DriverOpts: pairs(f.opt) });
  process.stdout.write(`${v.Name}\n`);
}

const HEADERS = { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS' };

export async function volumeLs(f: { quiet?: boolean; filter?: string[]; format?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const list = (await client.volumes.list(filtersFrom(f.filter))).sort((a, b) => a.Name.localeCompare(b.Name));
  if (f.quiet) {
    process.stdout.write(list.map((v) => `${v.Name}\n`).join(''));
    return;
  }
  const rows = list.map((v) => ({
    Driver: v.Driver,
    Labels: Object.entries(v.Labels ?? {}).map(([k, val]) => `${k}=${val}`).sort().join(','),
    Mountpoint: v.Mountpoint,
    Name: v.Name,
    Scope: v.Scope,
    Label: (k: string) => v.Labels?.[k] ?? '',
  }));
  process.stdout.write(renderList(rows, f.format, { defaultTable: 'table {{.Driver}}\t{{.Name}}', headers: HEADERS }));
}

export async function volumeRm(names: string[], f: { force?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  await forEachName(names, (n) => client.volumes.remove(n, { force: f.force }));
}

export async function volumePrune(f: { force?: boolean; all?: boolean; filter?: string[] }, cmd: Command): Promise<void> {
  const warning = f.all ? 'WARNING! This will remove all local volumes not used by at least one container.' : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
  if (!f.force && !(await confirm(`${warning}\nAre you sure you want to continue?`))) return;
  const client = await connect(cmd);
  const filters = filtersFrom(f.filter);
  if (f.all) filters.all = ['true'];
  const r = await client.volumes.prune(filters);
  const deleted = r.VolumesDeleted ?? [];
  if (deleted.length) process.stdout.write(`Deleted Volumes:\n${deleted.map((d) => `${d}\n`).join('')}\n`);
  process.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`);
}
