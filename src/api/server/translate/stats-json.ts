// The engine's stats sample → Docker's stats JSON (the shape `docker stats` computes percentages from).
import type { ContainerStatsSample } from '../../../engine/types.js';
import { ZERO_TIME } from './durations.js';

type Json = Record<string, unknown>;

function cpuJson(s: ContainerStatsSample | undefined): Json {
  if (!s) return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  return {
    cpu_usage: { total_usage: s.cpu.totalUsage, percpu_usage: s.cpu.perCpu.length ? s.cpu.perCpu : undefined, usage_in_kernelmode: s.cpu.kernelMode, usage_in_usermode: s.cpu.userMode },
    system_cpu_usage: s.cpu.system,
    online_cpus: s.cpu.onlineCpus,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

export function statsJson(id: string, name: string, cur: ContainerStatsSample, prev?: ContainerStatsSample): Json {
  const blk = cur.blkio.map((b) => ({ major: b.major, minor: b.minor, op: b.op, value: b.value }));
  return {
    name: `/${name}`,
    id,
    read: cur.read,
    preread: prev?.read ?? ZERO_TIME,
    pids_stats: cur.pids.limit !== undefined ? { current: cur.pids.current, limit: cur.pids.limit } : { current: cur.pids.current },
    blkio_stats: {
      io_service_bytes_recursive: blk.length ? blk : null,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuJson(cur),
    precpu_stats: cpuJson(prev),
    memory_stats: { usage: cur.memory.usage, stats: { ...cur.memory.stats, cache: cur.memory.cache }, limit: cur.memory.limit },
    networks: Object.keys(cur.networks).length
      ? Object.fromEntries(Object.entries(cur.networks).map(([k, n]) => [k, {
          rx_bytes: n.rxBytes, rx_packets: n.rxPackets, rx_errors: n.rxErrors, rx_dropped: n.rxDropped,
          tx_bytes: n.txBytes, tx_packets: n.txPackets, tx_errors: n.txErrors, tx_dropped: n.txDropped,
        }]))
      : undefined,
  };
}
