import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderExposition } from './exposition.js';
import { RequestMetrics } from './request-metrics.js';
import { engineFamilies } from './engine-families.js';
import { parsePrometheus, promValue } from '../../../../test/helpers/prometheus.js';
import type { ContainerStatsSample, MetricsSnapshot } from '../../../engine/types.js';

test('label values with quotes, backslashes and newlines survive a real parser', () => {
  const text = renderExposition([{ name: 'x_total', type: 'counter', help: 'a\nb', samples: [{ labels: { path: 'C:\\dir "q"\nz' }, value: 3 }] }]);
  assert.match(text, /^# HELP x_total a\\nb$/m);
  const fam = parsePrometheus(text).get('x_total');
  assert.equal(fam?.type, 'COUNTER');
  assert.equal(fam?.metrics[0].labels?.path, 'C:\\dir "q"\nz');
  assert.equal(fam?.metrics[0].value, '3');
});

test('request latency is a cumulative histogram by method and route', () => {
  const r = new RequestMetrics();
  r.observe('GET', '/containers/json', 200, 0.003);
  r.observe('GET', '/containers/json', 200, 0.2);
  r.observe('GET', '/containers/json', 404, 20);
  const fams = parsePrometheus(renderExposition(r.families()));
  assert.equal(promValue(fams, 'berth_api_requests_total', { route: '/containers/json', status: '200' }), 2);
  assert.equal(promValue(fams, 'berth_api_requests_total', { status: '404' }), 1);
  // The parser folds a labelled histogram's series into one (its known limit): check the lines themselves.
  assert.equal(fams.get('berth_api_request_duration_seconds')?.type, 'HISTOGRAM');
  const text = renderExposition(r.families());
  const line = (suffix: string, le?: string) => Number(new RegExp(`^berth_api_request_duration_seconds${suffix}\\{method="GET",route="/containers/json"${le ? `,le="${le.replace('+', '\\+')}"` : ''}\\} (\\S+)$`, 'm').exec(text)?.[1]);
  assert.equal(line('_bucket', '0.005'), 1);
  assert.equal(line('_bucket', '0.25'), 2);
  assert.equal(line('_bucket', '10'), 2);
  assert.equal(line('_bucket', '+Inf'), 3);
  assert.equal(line('_count'), 3);
  assert.equal(line('_sum'), 20.203);
});

function usage(over: Partial<ContainerStatsSample> = {}): ContainerStatsSample {
  return {
    read: new Date().toISOString(),
    cpu: { totalUsage: 2_500_000_000, perCpu: [], system: 0, onlineCpus: 2, userMode: 2e9, kernelMode: 5e8 },
    memory: { usage: 1048576, limit: 67108864, cache: 4096, stats: {} },
    pids: { current: 3, limit: 100 },
    networks: { eth0: { rxBytes: 10, rxPackets: 1, txBytes: 20, txPackets: 2, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 } },
    blkio: [{ major: 8, minor: 0, op: 'read', value: 4096 }, { major: 8, minor: 0, op: 'write', value: 512 }, { major: 8, minor: 0, op: 'total', value: 4608 }],
    ...over,
  };
}

test('container series carry id, name, image and Compose labels; stopped ones only state series', () => {
  const snap: MetricsSnapshot = {
    images: 4,
    events: [{ type: 'image', action: 'pull', count: 2 }, { type: 'container', action: 'start', count: 5 }, { type: 'builder', action: 'complete', count: 3 }, { type: 'builder', action: 'fail', count: 1 }],
    containers: [
      { id: 'a'.repeat(64), name: 'web-1', image: 'busybox', project: 'shop', service: 'web', status: 'running', health: 'healthy', restartCount: 2, uptimeSeconds: 12.5, usage: usage() },
      { id: 'b'.repeat(64), name: 'old', image: 'busybox', project: '', service: '', status: 'exited', health: 'none', restartCount: 0, uptimeSeconds: 0 },
    ],
  };
  const fams = parsePrometheus(renderExposition(engineFamilies(snap)));
  const web = { id: 'a'.repeat(64), name: 'web-1', image: 'busybox', compose_project: 'shop', compose_service: 'web' };
  assert.equal(promValue(fams, 'berth_containers', { state: 'running' }), 1);
  assert.equal(promValue(fams, 'berth_containers', { state: 'exited' }), 1);
  assert.equal(promValue(fams, 'berth_containers', { state: 'paused' }), 0);
  assert.equal(promValue(fams, 'berth_images'), 4);
  assert.equal(promValue(fams, 'berth_image_pulls_total'), 2);
  assert.equal(promValue(fams, 'berth_image_builds_total'), 3);
  assert.equal(promValue(fams, 'berth_image_build_failures_total'), 1);
  assert.equal(promValue(fams, 'berth_events_total', { type: 'container', action: 'start' }), 5);
  assert.equal(promValue(fams, 'berth_container_cpu_seconds_total', web), 2.5);
  assert.equal(promValue(fams, 'berth_container_memory_usage_bytes', web), 1048576);
  assert.equal(promValue(fams, 'berth_container_memory_limit_bytes', web), 67108864);
  assert.equal(promValue(fams, 'berth_container_pids', web), 3);
  assert.equal(promValue(fams, 'berth_container_network_receive_bytes_total', { ...web, interface: 'eth0' }), 10);
  assert.equal(promValue(fams, 'berth_container_network_transmit_bytes_total', { ...web, interface: 'eth0' }), 20);
  assert.equal(promValue(fams, 'berth_container_blkio_read_bytes_total', web), 4096);
  assert.equal(promValue(fams, 'berth_container_blkio_write_bytes_total', web), 512);
  assert.equal(promValue(fams, 'berth_container_restarts_total', web), 2);
  assert.equal(promValue(fams, 'berth_container_health_status', { ...web, status: 'healthy' }), 1);
  assert.equal(promValue(fams, 'berth_container_health_status', { ...web, status: 'unhealthy' }), 0);
  assert.equal(promValue(fams, 'berth_container_uptime_seconds', web), 12.5);
  assert.equal(promValue(fams, 'berth_container_up', { name: 'old' }), 0);
  assert.equal(promValue(fams, 'berth_container_restarts_total', { name: 'old' }), 0);
  assert.equal(promValue(fams, 'berth_container_cpu_seconds_total', { name: 'old' }), undefined);
});
