// The benchmark's result: one row per measurement (berth figure, docker figure, ratio), printed
// as a table and optionally written as JSON.
import { writeFileSync } from 'node:fs';
import type { Summary } from './stats.js';

export interface Row {
  what: string;
  berth?: Summary | number;
  docker?: Summary | number;
  unit: string;
  /** How the ratio reads, e.g. "docker/berth (x faster)". */
  goal?: string;
  note?: string;
}

export interface Report {
  date: string;
  runs: number;
  loadBefore: string;
  loadAfter?: string;
  berthRuntime?: string;
  berthBuild?: string;
  rows: Row[];
  notes: string[];
}

const value = (v: Summary | number | undefined) => (v === undefined ? undefined : typeof v === 'number' ? v : v.median);
const fmt = (v: Summary | number | undefined) => {
  if (v === undefined) return 'n/a';
  if (typeof v === 'number') return v.toFixed(1);
  return `${v.median.toFixed(1)} (p90 ${v.p90.toFixed(1)})`;
};

/** berth/docker: below 1 means berth is faster or smaller. */
export function ratio(row: Row): number | undefined {
  const b = value(row.berth);
  const d = value(row.docker);
  return b !== undefined && d !== undefined && d > 0 ? b / d : undefined;
}

export function printReport(r: Report): void {
  console.log(`\n# berth vs docker, ${r.date}, n=${r.runs}, berth runtime ${r.berthRuntime ?? '?'}, berth build ${r.berthBuild ?? '?'}`);
  console.log(`# load average before: ${r.loadBefore}; after: ${r.loadAfter ?? '?'}\n`);
  const lines = [['measurement', 'berth', 'docker', 'berth/docker', 'goal']];
  for (const row of r.rows) {
    const q = ratio(row);
    lines.push([`${row.what} [${row.unit}]`, fmt(row.berth), fmt(row.docker), q === undefined ? 'n/a' : `${q.toFixed(2)} (${(1 / q).toFixed(1)}x)`, row.goal ?? '']);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  for (const n of r.notes) console.log(`# ${n}`);
}

export function writeJson(file: string, r: Report): void {
  writeFileSync(file, JSON.stringify({ ...r, rows: r.rows.map((row) => ({ ...row, ratio: ratio(row) })) }, null, 2) + '\n');
}
