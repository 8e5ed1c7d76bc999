// `network create|ls|inspect|rm|connect|disconnect|prune`.
import type { Command } from 'commander';
import type { IPAMConfig } from '../../api/client/index.js';
import { connect } from '../context.js';
import { forEachName } from '../exit.js';
import { filtersFrom, shortId } from '../flags.js';
import { renderList } from '../output/format.js';
import { goTimeString } from '../output/units.js';
import { confirm } from '../prompt.js';

const pairs = (list: string[] = []) => Object.fromEntries(list.map((l) => { const i = l.indexOf('='); return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)]; }));

export interface NetworkCreateFlags { driver?: string; subnet?: string[]; gateway?: string[]; ipRange?: string[]; internal?: boolean; attachable?: boolean; ipv6?: boolean; label?: string[]; opt?: string[] }

export async function networkCreate(name: string, f: NetworkCreateFlags, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const config: IPAMConfig[] = (f.subnet ?? []).map((subnet, i) => ({ Subnet: subnet, Gateway: f.gateway?.[i], IPRange: f.ipRange?.[i] }));
  const r = await client.networks.create({
    Name: name, CheckDuplicate: true, Driver: f.driver ?? 'bridge', Internal: f.internal, Attachable: f.attachable, EnableIPv6: f.ipv6,
    IPAM: config.length ? { Driver: 'default', Config: config } : undefined, Labels: pairs(f.label), Options: pairs(f.opt),
  });
  process.stdout.write(`${r.Id}\n`);
}

const HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' };

export async function networkLs(f: { quiet?: boolean; filter?: string[]; format?: string; trunc?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const list = (await client.networks.list(filtersFrom(f.filter))).sort((a, b) => a.Name.localeCompare(b.Name));
  const noTrunc = f.trunc === false;
  if (f.quiet) {
    process.stdout.write(list.map((n) => `${shortId(n.Id, noTrunc)}\n`).join(''));
    return;
  }
  const rows = list.map((n) => ({
    CreatedAt: n.Created ? goTimeString(new Date(n.Created)) : '',
    Driver: n.Driver,
    ID: shortId(n.Id, noTrunc),
    IPv6: String(n.EnableIPv6),
    Internal: String(n.Internal),
    Labels: Object.entries(n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).sort().join(','),
    Name: n.Name,
    Scope: n.Scope,
    Label: (k: string) => n.Labels?.[k] ?? '',
  }));
  process.stdout.write(renderList(rows, f.format, { defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}', headers: HEADERS }));
}

export async function networkRm(names: string[], cmd: Command): Promise<void> {
  const client = await connect(cmd);
  await forEachName(names, (n) => client.networks.remove(n));
}

export async function networkConnect(network: string, container: string, f: { alias?: string[]; ip?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  await client.networks.connect(network, container, { Aliases: f.alias, IPAMConfig: f.ip ? { IPv4Address: f.ip } : undefined });
}

export async function networkDisconnect(network: string, container: string, f: { force?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  await client.networks.disconnect(network, container, !!f.force);
}

export async function networkPrune(f: { force?: boolean; filter?: string[] }, cmd: Command): Promise<void> {
  if (!f.force && !(await confirm('WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?'))) return;
  const client = await connect(cmd);
  const r = await client.networks.prune(filtersFrom(f.filter));
  const deleted = r.NetworksDeleted ?? [];
  if (deleted.length) process.stdout.write(`Deleted Networks:\n${deleted.map((d) => `${d}\n`).join('')}`);
}
