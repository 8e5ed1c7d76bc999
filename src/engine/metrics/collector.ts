// The engine side of /metrics: counts events as they are published and, on each scrape, samples
// every container's cgroup through the same code as `stats` (containers/inspect-process.ts).
// The Prometheus wire format is the API server's business (src/api/server/metrics/).
import type { ContainerMetrics, ContainerRecord, EngineEvent, MetricsSnapshot } from '../types.js';
import type { EventBus } from '../events/bus.js';
import { sampleStats } from '../containers/inspect-process.js';
import { systemCpuNs } from '../runtime/cgroups.js';

export interface MetricsSources {
  bus: EventBus;
  records: () => Iterable<ContainerRecord>;
  isRunning: (rec: ContainerRecord) => boolean;
  cgroupPath: (rec: ContainerRecord) => string;
  imageCount: () => Promise<number>;
}

/** "exec_start: sh -c x" and "health_status: healthy" count under the part before the colon. */
export const baseAction = (action: string) => action.split(':')[0];

export class MetricsCollector {
  private readonly counts = new Map<string, { type: EngineEvent['type']; action: string; count: number }>();

  constructor(private readonly src: MetricsSources) {
    src.bus.on((e) => {
      const action = baseAction(e.action);
      const key = `${e.type}\0${action}`;
      const c = this.counts.get(key);
      if (c) c.count++;
      else this.counts.set(key, { type: e.type, action, count: 1 });
    });
  }

  async snapshot(): Promise<MetricsSnapshot> {
    const systemCpu = systemCpuNs();
    const now = Date.now();
    const containers: ContainerMetrics[] = [];
    for (const rec of this.src.records()) {
      const running = this.src.isRunning(rec);
      const labels = rec.effective.labels;
      const m: ContainerMetrics = {
        id: rec.id, name: rec.name, image: rec.imageRef,
        project: labels['com.docker.compose.project'] ?? '', service: labels['com.docker.compose.service'] ?? '',
        status: rec.state.status, health: rec.state.health?.status ?? 'none', restartCount: rec.restartCount,
        uptimeSeconds: running ? Math.max(0, (now - Date.parse(rec.state.startedAt)) / 1000) : 0,
      };
      if (running) m.usage = sampleStats(this.src.cgroupPath(rec), rec.state.pid, { systemCpu, detail: false });
      containers.push(m);
    }
    return { containers, images: await this.src.imageCount(), events: [...this.counts.values()].map((c) => ({ ...c })) };
  }
}
