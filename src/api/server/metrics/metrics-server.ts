// `berthd --metrics-addr`: a plain HTTP listener (off by default) answering GET /metrics with the
// engine's and the API's metrics in Prometheus's text format. It is separate from the API socket
// so a scraper never gets the root-equivalent Docker API.
import { createServer, type Server } from 'node:http';
import type { Engine } from '../../../engine/contract.js';
import type { LogFn } from '../context.js';
import { CONTENT_TYPE, renderExposition } from './exposition.js';
import { engineFamilies } from './engine-families.js';
import type { RequestMetrics } from './request-metrics.js';

export async function renderMetrics(engine: Engine, requests: RequestMetrics): Promise<string> {
  return renderExposition([...engineFamilies(await engine.metrics.snapshot()), ...requests.families()]);
}

export function createMetricsServer(engine: Engine, requests: RequestMetrics, log: LogFn): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    renderMetrics(engine, requests).then(
      (body) => { res.writeHead(200, { 'Content-Type': CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : body); },
      (e: unknown) => {
        log('error', 'metrics scrape failed', { error: (e as Error).message });
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics unavailable: ${(e as Error).message}\n`);
      },
    );
  });
}
