// `top` (the container's processes) and `stats` (CPU, memory, network, block I/O, PIDs), with
// docker's columns and its CPU/memory arithmetic.
import type { Command } from 'commander';
import type { ContainerStats, EngineClient } from '../../api/client/index.js';
import { connect } from '../context.js';
import { alignTabs } from '../output/table.js';
import { renderList } from '../output/format.js';
import { bytesSize, humanSize } from '../output/units.js';
import { shortId } from '../flags.js';

export async function topCommand(container: string, psArgs: string[], cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const r = await client.containers.top(container, psArgs.length ? psArgs.join(' ') : undefined);
  const lines = [r.Titles.join('\t'), ...r.Processes.map((p) => p.join('\t'))];
  process.stdout.write(`${alignTabs(lines.join('\n'), 20)}\n`);
}

const HEADERS = {
  Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %',
  NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};
const DEFAULT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

/** The numbers docker derives from one stats sample (cli/command/container/stats_helpers.go). */
export function statsRow(container: string, s: ContainerStats, noTrunc: boolean) {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const cpu = sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
  const m = s.memory_stats ?? {};
  const st = m.stats ?? {};
  // cgroup v1 counts page cache as usage; docker subtracts inactive file pages (v1: total_inactive_file).
  const cache = st.total_inactive_file !== undefined && st.total_inactive_file < (m.usage ?? 0) ? st.total_inactive_file
    : st.inactive_file !== undefined && st.inactive_file < (m.usage ?? 0) ? st.inactive_file : 0;
  const mem = (m.usage ?? 0) - cache;
  const limit = m.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) { rx += n.rx_bytes; tx += n.tx_bytes; }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (e.op.toLowerCase() === 'read') read += e.value;
    else if (e.op.toLowerCase() === 'write') write += e.value;
  }
  const id = s.id ?? container;
  return {
    Container: container,
    ID: shortId(id, noTrunc),
    Name: (s.name ?? '').replace(/^\//, '') || '--',
    CPUPerc: `${cpu.toFixed(2)}%`,
    MemUsage: `${bytesSize(mem)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit > 0 ? (mem / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: `${humanSize(rx)} / ${humanSize(tx)}`,
    BlockIO: `${humanSize(read)} / ${humanSize(write)}`,
    PIDs: String(s.pids_stats?.current ?? 0),
  };
}

async function targets(client: EngineClient, names: string[], all: boolean): Promise<string[]> {
  if (names.length) return names;
  return (await client.containers.list({ all })).map((c) => c.Id);
}

export async function statsCommand(names: string[], f: { all?: boolean; stream?: boolean; trunc?: boolean; format?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const noTrunc = f.trunc === false;
  const ids = await targets(client, names, !!f.all);
  if (f.stream === false) {
    const samples = await Promise.all(ids.map((id) => client.containers.stats(id)));
    process.stdout.write(renderList(samples.map((s, i) => statsRow(ids[i], s, noTrunc)), f.format, { defaultTable: DEFAULT, headers: HEADERS }));
    return;
  }
  // Live: one stream per container, the table redrawn as samples arrive (docker clears the screen the same way).
  const latest = new Map<string, ReturnType<typeof statsRow>>();
  const draw = () => {
    const rows = ids.map((id) => latest.get(id)).filter((r) => r !== undefined);
    process.stdout.write(`\x1b[2J\x1b[H${renderList(rows, f.format, { defaultTable: DEFAULT, headers: HEADERS })}`);
  };
  await Promise.all(ids.map(async (id) => {
    for await (const s of client.containers.statsStream(id)) {
      latest.set(id, statsRow(id, s, noTrunc));
      draw();
    }
  }));
}
