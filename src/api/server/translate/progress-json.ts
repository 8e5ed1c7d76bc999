// Transfer progress as Docker's JSON messages: {"status","id","progressDetail","progress"}, where
// "progress" is the bar Docker's jsonmessage draws ("[====>     ]  1.2MB/3.4MB").
import type { TransferProgress } from '../../../engine/registry/types.js';

const BAR = 50;

/** Docker's units.HumanSize: decimal units, three significant digits. */
export function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

export function progressBar(current: number, total: number): string {
  if (total <= 0) return humanSize(current);
  const sizes = `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  if (current > total) return sizes;
  const filled = Math.floor((current / total) * BAR);
  return `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, BAR - filled))}] ${sizes}`;
}

export function progressJson(p: TransferProgress): Record<string, unknown> {
  const msg: Record<string, unknown> = { status: p.status };
  if (p.progressDetail !== undefined) msg.progressDetail = p.progressDetail;
  const { current, total } = p.progressDetail ?? {};
  if (current !== undefined && total !== undefined) msg.progress = progressBar(current, total);
  if (p.id !== undefined) msg.id = p.id;
  return msg;
}
