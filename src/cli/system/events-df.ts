// `events` (live, one line per event as docker prints them) and `system df` (-v: df-verbose.ts).
import type { Command } from 'commander';
import type { EventMessage } from '../../api/client/index.js';
import { connect } from '../context.js';
import { apiTimestamp, filtersFrom } from '../flags.js';
import { renderList, renderOne } from '../output/format.js';
import { humanSize4 as humanSize } from '../output/units.js';

/** Go's RFC3339Nano in UTC: fractional seconds without trailing zeros. */
export function rfc3339Nano(timeNano: number, time: number): string {
  const ns = BigInt(Math.trunc(timeNano || time * 1e9));
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

export function eventLine(e: EventMessage): string {
  const attrs = e.Actor.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  const attrText = keys.length ? ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})` : '';
  return `${rfc3339Nano(e.timeNano, e.time)} ${e.Type} ${e.Action} ${e.Actor.ID}${attrText}\n`;
}

export async function eventsCommand(f: { since?: string; until?: string; filter?: string[]; format?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const events = client.system.events({ since: apiTimestamp(f.since), until: apiTimestamp(f.until), filters: filtersFrom(f.filter) });
  const format = f.format === 'json' ? '{{json .}}' : f.format;
  for await (const e of events) process.stdout.write(format ? `${renderOne(e, format)}\n` : eventLine(e));
}

const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

const reclaim = (r: number, total: number, pct: boolean) => (pct && total > 0 ? `${humanSize(r)} (${Math.trunc((r * 100) / total)}%)` : humanSize(r));

export async function dfCommand(f: { verbose?: boolean; format?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const d = await client.system.df();
  if (f.verbose && (!f.format || f.format === 'table')) {
    process.stdout.write((await import('./df-verbose.js')).verboseDiskUsage(d));
    return;
  }
  const images = d.Images ?? [];
  const containers = d.Containers ?? [];
  const volumes = d.Volumes ?? [];
  const cache = d.BuildCache ?? [];
  const imgSize = d.LayersSize ?? images.reduce((s, i) => s + i.Size, 0);
  const activeImages = images.filter((i) => i.Containers > 0);
  const imgUsed = activeImages.reduce((s, i) => s + (i.Size - Math.max(0, i.SharedSize)), 0);
  const ctrSize = containers.reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const running = containers.filter((c) => c.State === 'running');
  const ctrReclaim = containers.filter((c) => c.State !== 'running').reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const volSize = volumes.reduce((s, v) => s + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const activeVols = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0);
  const volReclaim = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((s, v) => s + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cacheSize = cache.reduce((s, c) => s + c.Size, 0);
  const cacheReclaim = cache.filter((c) => !c.InUse && !c.Shared).reduce((s, c) => s + c.Size, 0);
  const rows = [
    { Type: 'Images', TotalCount: String(images.length), Active: String(activeImages.length), Size: humanSize(imgSize), Reclaimable: reclaim(Math.max(0, imgSize - imgUsed), imgSize, true) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(running.length), Size: humanSize(ctrSize), Reclaimable: reclaim(ctrReclaim, ctrSize, true) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(activeVols.length), Size: humanSize(volSize), Reclaimable: reclaim(volReclaim, volSize, true) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((c) => c.InUse).length), Size: humanSize(cacheSize), Reclaimable: humanSize(cacheReclaim) },
  ];
  process.stdout.write(renderList(rows, f.format, { defaultTable: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', headers: HEADERS }));
}
