// API requests as metrics: a counter by method, route pattern and status, and a latency histogram
// by method and route. Route patterns (/containers/:id/json), never raw paths, keep the label set small.
import type { MetricFamily, Sample } from './exposition.js';

/** Prometheus's default buckets, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram { method: string; route: string; buckets: number[]; sum: number; count: number }

export class RequestMetrics {
  private readonly totals = new Map<string, { method: string; route: string; status: string; count: number }>();
  private readonly latency = new Map<string, Histogram>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const tKey = `${method} ${route} ${status}`;
    const t = this.totals.get(tKey);
    if (t) t.count++;
    else this.totals.set(tKey, { method, route, status: String(status), count: 1 });
    const hKey = `${method} ${route}`;
    let h = this.latency.get(hKey);
    if (!h) this.latency.set(hKey, (h = { method, route, buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]) h.buckets[i]++;
    h.sum += seconds;
    h.count++;
  }

  families(): MetricFamily[] {
    const latency: Sample[] = [];
    for (const h of this.latency.values()) {
      const labels = { method: h.method, route: h.route };
      LATENCY_BUCKETS.forEach((le, i) => latency.push({ labels: { ...labels, le: String(le) }, value: h.buckets[i], suffix: '_bucket' }));
      latency.push({ labels: { ...labels, le: '+Inf' }, value: h.count, suffix: '_bucket' });
      latency.push({ labels, value: h.sum, suffix: '_sum' }, { labels, value: h.count, suffix: '_count' });
    }
    return [
      {
        name: 'berth_api_requests_total', type: 'counter', help: 'Docker Engine API requests served, by method, route and HTTP status.',
        samples: [...this.totals.values()].map((t) => ({ labels: { method: t.method, route: t.route, status: t.status }, value: t.count })),
      },
      { name: 'berth_api_request_duration_seconds', type: 'histogram', help: 'Time from request to the end of the answer (streams count until they close).', samples: latency },
    ];
  }
}
