// The engine's metrics snapshot → Prometheus families. Per-container series carry id, name, image
// and the Compose project/service (from the com.docker.compose.* labels, '' outside Compose).
import type { ContainerMetrics, MetricsSnapshot } from '../../../engine/types.js';
import { labelPairs, type MetricFamily, type MetricType, type Sample } from './exposition.js';

const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const HEALTH = ['none', 'starting', 'healthy', 'unhealthy'];

type Labelled = ContainerMetrics & { pairs: string };
const containerPairs = (c: ContainerMetrics) => labelPairs({ id: c.id, name: c.name, image: c.image, compose_project: c.project, compose_service: c.service });
const withExtra = (c: Labelled, extra?: Record<string, string>) => (extra ? `${c.pairs},${labelPairs(extra)}` : c.pairs);

function family(name: string, type: MetricType, help: string, samples: Sample[]): MetricFamily {
  return { name, type, help, samples };
}

/** One sample per container (running ones only when `value` needs usage). */
function perContainer(cs: Labelled[], value: (c: ContainerMetrics) => number | undefined): Sample[] {
  const out: Sample[] = [];
  for (const c of cs) {
    const v = value(c);
    if (v !== undefined) out.push({ pairs: c.pairs, value: v });
  }
  return out;
}

const eventCount = (s: MetricsSnapshot, type: string, action: string) => s.events.find((e) => e.type === type && e.action === action)?.count ?? 0;

function blkioBytes(c: ContainerMetrics, op: 'read' | 'write'): number | undefined {
  return c.usage?.blkio.filter((b) => b.op === op).reduce((a, b) => a + b.value, 0);
}

export function engineFamilies(s: MetricsSnapshot): MetricFamily[] {
  const cs: Labelled[] = s.containers.map((c) => ({ ...c, pairs: containerPairs(c) }));
  const byState = new Map(STATES.map((st) => [st, 0]));
  for (const c of cs) byState.set(c.status, (byState.get(c.status) ?? 0) + 1);
  const net: { rx: Sample[]; tx: Sample[] } = { rx: [], tx: [] };
  for (const c of cs) {
    for (const [iface, n] of Object.entries(c.usage?.networks ?? {})) {
      const pairs = withExtra(c, { interface: iface });
      net.rx.push({ pairs, value: n.rxBytes });
      net.tx.push({ pairs, value: n.txBytes });
    }
  }
  const health: Sample[] = [];
  for (const c of cs) for (const h of HEALTH) health.push({ pairs: withExtra(c, { status: h }), value: c.health === h ? 1 : 0 });
  return [
    family('berth_containers', 'gauge', 'Containers by state.', [...byState].map(([state, n]) => ({ labels: { state }, value: n }))),
    family('berth_images', 'gauge', 'Images in the store.', [{ labels: {}, value: s.images }]),
    family('berth_image_pulls_total', 'counter', 'Images pulled since berthd started.', [{ labels: {}, value: eventCount(s, 'image', 'pull') }]),
    family('berth_image_pushes_total', 'counter', 'Images pushed since berthd started.', [{ labels: {}, value: eventCount(s, 'image', 'push') }]),
    family('berth_image_builds_total', 'counter', 'Builds completed since berthd started.', [{ labels: {}, value: eventCount(s, 'builder', 'complete') + eventCount(s, 'image', 'build') }]),
    family('berth_image_build_failures_total', 'counter', 'Builds failed since berthd started.', [{ labels: {}, value: eventCount(s, 'builder', 'fail') }]),
    family('berth_events_total', 'counter', 'Engine events published since berthd started, by type and action.',
      s.events.map((e) => ({ labels: { type: e.type, action: e.action }, value: e.count }))),
    family('berth_container_up', 'gauge', '1 while the container runs (or is paused), 0 otherwise.', perContainer(cs, (c) => (c.usage ? 1 : 0))),
    family('berth_container_cpu_seconds_total', 'counter', 'CPU time used by the container (cgroup cpuacct.usage or cpu.stat usage_usec).',
      perContainer(cs, (c) => (c.usage ? c.usage.cpu.totalUsage / 1e9 : undefined))),
    family('berth_container_cpu_user_seconds_total', 'counter', 'CPU time in user mode.', perContainer(cs, (c) => (c.usage ? c.usage.cpu.userMode / 1e9 : undefined))),
    family('berth_container_cpu_system_seconds_total', 'counter', 'CPU time in kernel mode.', perContainer(cs, (c) => (c.usage ? c.usage.cpu.kernelMode / 1e9 : undefined))),
    family('berth_container_memory_usage_bytes', 'gauge', 'Memory charged to the container\'s cgroup (as `stats` reads it).', perContainer(cs, (c) => c.usage?.memory.usage)),
    family('berth_container_memory_limit_bytes', 'gauge', 'Memory limit (the host\'s memory when unlimited, as `stats` shows).', perContainer(cs, (c) => c.usage?.memory.limit)),
    family('berth_container_pids', 'gauge', 'Processes and threads in the container.', perContainer(cs, (c) => c.usage?.pids.current)),
    family('berth_container_pids_limit', 'gauge', 'The container\'s pids limit, when it has one.', perContainer(cs, (c) => c.usage?.pids.limit)),
    family('berth_container_network_receive_bytes_total', 'counter', 'Bytes received, per interface of the container\'s network namespace.', net.rx),
    family('berth_container_network_transmit_bytes_total', 'counter', 'Bytes sent, per interface of the container\'s network namespace.', net.tx),
    family('berth_container_blkio_read_bytes_total', 'counter', 'Bytes read from block devices.', perContainer(cs, (c) => blkioBytes(c, 'read'))),
    family('berth_container_blkio_write_bytes_total', 'counter', 'Bytes written to block devices.', perContainer(cs, (c) => blkioBytes(c, 'write'))),
    family('berth_container_restarts_total', 'counter', 'Restarts by policy or self-healing (RestartCount in inspect).', perContainer(cs, (c) => c.restartCount)),
    family('berth_container_health_status', 'gauge', 'Health state, one series per status set to 1 for the current one.', health),
    family('berth_container_uptime_seconds', 'gauge', 'Seconds since the current run started.', perContainer(cs, (c) => (c.usage ? c.uptimeSeconds : undefined))),
  ];
}
