// berthd --metrics-addr: a real Prometheus text parser reads /metrics, and the numbers it finds
// are the ones `stats` reports and the container's cgroup files hold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDaemon, daemonRequest, type TestDaemon } from '../../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../helpers/busybox.js';
import { parsePrometheus, promValue, type PromFamily } from '../../helpers/prometheus.js';
import { cgroupParent, hostHierarchy } from '../../../src/engine/runtime/cgroups.js';

let d: TestDaemon;
let work: string;
let metricsUrl: string;

const api = (method: string, path: string, body?: unknown) =>
  daemonRequest(d.socket, method, path, body === undefined ? undefined : JSON.stringify(body));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function scrapeRaw(path = '/metrics'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((res, rej) => {
    get(new URL(path, metricsUrl), (r) => {
      let body = '';
      r.on('data', (c: Buffer) => { body += c.toString(); });
      r.on('end', () => res({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), body }));
    }).on('error', rej);
  });
}
const scrape = async (): Promise<Map<string, PromFamily>> => parsePrometheus((await scrapeRaw()).body);

/** A file of the container's cgroup (v1 controller dir or the v2 unified dir). */
function cgroupFile(id: string, v1Controller: string, file: string): string {
  const h = hostHierarchy();
  const base = h.version === '2' ? h.root : join(h.root, v1Controller);
  return readFileSync(join(base, cgroupParent(d.dataRoot), id, file), 'utf8').trim();
}

let web: string;
let old: string;

before(async () => {
  d = await startTestDaemon({ extraArgs: ['--metrics-addr', '127.0.0.1:0'] });
  work = mkdtempSync(join(tmpdir(), 'berth-metrics-'));
  for (let i = 0; i < 50 && !metricsUrl; i++) {
    const line = readFileSync(d.logFile, 'utf8').split('\n').find((l) => l.includes('serving Prometheus metrics'));
    if (line) metricsUrl = (JSON.parse(line) as { url: string }).url;
    else await sleep(100);
  }
  assert.ok(metricsUrl, 'berthd logs where it serves metrics');
  const tar = makeBusyboxTar(join(work, 'rootfs.tar'));
  const imp = await daemonRequest(d.socket, 'POST', `/images/create?fromSrc=-&repo=metrics&tag=latest&changes=${encodeURIComponent(`ENV PATH=${BUSYBOX_PATH}`)}`, readFileSync(tar), 'application/x-tar');
  assert.equal(imp.status, 200, imp.body);
  // Some CPU and some memory, then a single idle process: numbers that hold still while compared.
  const c = await api('POST', '/containers/create?name=shop-web-1', {
    Image: 'metrics', Cmd: ['sh', '-c', 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; head -c 4000000 /dev/zero > /tmp/blob; exec sleep 300'],
    Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
    HostConfig: { Memory: 64 * 1024 * 1024, PidsLimit: 50 },
  });
  assert.equal(c.status, 201, c.body);
  web = (JSON.parse(c.body) as { Id: string }).Id;
  assert.equal((await api('POST', `/containers/${web}/start`)).status, 204);
  const o = await api('POST', '/containers/create?name=old', { Image: 'metrics', Cmd: ['true'] });
  old = (JSON.parse(o.body) as { Id: string }).Id;
  await api('POST', `/containers/${old}/start`);
  await api('POST', `/containers/${old}/wait`);
  // Wait until the busy loop is over: CPU time stops moving.
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const cpu = Number(cgroupFile(web, 'cpuacct', 'cpuacct.usage'));
    if (cpu === last && cgroupFile(web, 'pids', 'pids.current') === '1') break;
    last = cpu;
    await sleep(200);
  }
});

after(async () => {
  await d?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('/metrics is Prometheus text that a real parser reads; other paths are 404', async () => {
  const r = await scrapeRaw();
  assert.equal(r.status, 200);
  assert.match(r.type, /^text\/plain; version=0\.0\.4/);
  const fams = parsePrometheus(r.body);
  assert.equal(fams.get('berth_container_cpu_seconds_total')?.type, 'COUNTER');
  assert.equal(fams.get('berth_api_request_duration_seconds')?.type, 'HISTOGRAM');
  assert.equal((await scrapeRaw('/other')).status, 404);
});

test('per-container values equal the cgroup files and `stats`', async () => {
  const statsRes = await api('GET', `/containers/${web}/stats?stream=false&one-shot=true`);
  const stats = JSON.parse(statsRes.body) as {
    cpu_stats: { cpu_usage: { total_usage: number } }; memory_stats: { usage: number; limit: number }; pids_stats: { current: number; limit?: number };
    networks: Record<string, { rx_bytes: number; tx_bytes: number }>; blkio_stats: { io_service_bytes_recursive: { op: string; value: number }[] | null };
  };
  const fams = await scrape();
  const id = { id: web, name: 'shop-web-1', image: 'metrics', compose_project: 'shop', compose_service: 'web' };
  const v = (name: string, extra: Record<string, string> = {}) => {
    const x = promValue(fams, name, { ...id, ...extra });
    assert.ok(x !== undefined, `${name} has a series for the container`);
    return x;
  };
  const v2 = hostHierarchy().version === '2';
  const cpuFile = v2 ? Number(/usage_usec (\d+)/.exec(cgroupFile(web, '', 'cpu.stat'))?.[1]) * 1000 : Number(cgroupFile(web, 'cpuacct', 'cpuacct.usage'));
  assert.ok(Math.abs(v('berth_container_cpu_seconds_total') - cpuFile / 1e9) < 0.02, `cpu ${v('berth_container_cpu_seconds_total')} vs file ${cpuFile / 1e9}`);
  assert.ok(Math.abs(v('berth_container_cpu_seconds_total') - stats.cpu_stats.cpu_usage.total_usage / 1e9) < 0.02);
  assert.ok(v('berth_container_cpu_seconds_total') > 0);

  const limitFile = Number(cgroupFile(web, 'memory', v2 ? 'memory.max' : 'memory.limit_in_bytes'));
  assert.equal(limitFile, 64 * 1024 * 1024);
  assert.equal(v('berth_container_memory_limit_bytes'), limitFile);
  assert.equal(stats.memory_stats.limit, limitFile);
  const usageFile = Number(cgroupFile(web, 'memory', v2 ? 'memory.current' : 'memory.usage_in_bytes'));
  const mem = v('berth_container_memory_usage_bytes');
  assert.ok(mem > 4_000_000, `the 4 MB file in /tmp is charged: ${mem}`);
  assert.ok(Math.abs(mem - usageFile) / usageFile < 0.05, `memory ${mem} vs file ${usageFile}`);
  assert.ok(Math.abs(mem - stats.memory_stats.usage) / mem < 0.05, `memory ${mem} vs stats ${stats.memory_stats.usage}`);

  assert.equal(v('berth_container_pids'), Number(cgroupFile(web, 'pids', 'pids.current')));
  assert.equal(v('berth_container_pids'), stats.pids_stats.current);
  assert.equal(v('berth_container_pids_limit'), 50);
  assert.equal(stats.pids_stats.limit, 50);

  // The kernel's own traffic (IPv6 neighbour discovery, ...) can move the counters between the two reads.
  const close = (scraped: number, before: number) => scraped >= before && scraped - before < 2048;
  for (const [iface, n] of Object.entries(stats.networks ?? {})) {
    const rx = v('berth_container_network_receive_bytes_total', { interface: iface });
    const tx = v('berth_container_network_transmit_bytes_total', { interface: iface });
    assert.ok(close(rx, n.rx_bytes) && close(tx, n.tx_bytes), `${iface}: rx ${rx} vs stats ${n.rx_bytes}, tx ${tx} vs ${n.tx_bytes}`);
  }
  assert.ok(Object.keys(stats.networks ?? {}).includes('eth0'), 'the container is on the default bridge');
  const blk = (op: string) => (stats.blkio_stats.io_service_bytes_recursive ?? []).filter((b) => b.op.toLowerCase() === op).reduce((a, b) => a + b.value, 0);
  assert.equal(v('berth_container_blkio_read_bytes_total'), blk('read'));
  assert.equal(v('berth_container_blkio_write_bytes_total'), blk('write'));

  assert.equal(v('berth_container_restarts_total'), 0);
  assert.equal(v('berth_container_health_status', { status: 'none' }), 1);
  assert.equal(v('berth_container_up'), 1);
  const uptime = v('berth_container_uptime_seconds');
  assert.ok(uptime > 0 && uptime < 120, `uptime ${uptime}`);
});

test('engine series: containers by state, images, events and API requests by route', async () => {
  await api('GET', `/containers/${web}/json`);
  const fams = await scrape();
  assert.equal(promValue(fams, 'berth_containers', { state: 'running' }), 1);
  assert.equal(promValue(fams, 'berth_containers', { state: 'exited' }), 1);
  assert.equal(promValue(fams, 'berth_images'), 1);
  assert.equal(promValue(fams, 'berth_events_total', { type: 'container', action: 'start' }), 2);
  assert.equal(promValue(fams, 'berth_events_total', { type: 'image', action: 'import' }), 1);
  assert.equal(promValue(fams, 'berth_image_pulls_total'), 0);
  assert.equal(promValue(fams, 'berth_container_up', { name: 'old' }), 0);
  assert.equal(promValue(fams, 'berth_container_cpu_seconds_total', { name: 'old' }), undefined, 'no usage series for a stopped container');
  assert.ok((promValue(fams, 'berth_api_requests_total', { method: 'GET', route: '/containers/:id/json', status: '200' }) ?? 0) >= 1);
  assert.equal(promValue(fams, 'berth_api_requests_total', { method: 'POST', route: '/containers/create', status: '201' }), 2);
  // A missing container is a 404 under its route, not a new series per id.
  await api('GET', '/containers/nope/json');
  assert.equal(promValue(await scrape(), 'berth_api_requests_total', { route: '/containers/:id/json', status: '404' }), 1);
});

test('health status and restarts come from the supervision state', async () => {
  const h = await api('POST', '/containers/create?name=checked', {
    Image: 'metrics', Cmd: ['sleep', '300'],
    Healthcheck: { Test: ['CMD', 'true'], Interval: 300_000_000, StartPeriod: 0, Retries: 1 },
  });
  assert.equal(h.status, 201, h.body);
  const hid = (JSON.parse(h.body) as { Id: string }).Id;
  await api('POST', `/containers/${hid}/start`);
  const f = await api('POST', '/containers/create?name=flappy', { Image: 'metrics', Cmd: ['sh', '-c', 'exit 1'], HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } });
  const fid = (JSON.parse(f.body) as { Id: string }).Id;
  await api('POST', `/containers/${fid}/start`);
  let fams = await scrape();
  for (let i = 0; i < 100; i++) {
    fams = await scrape();
    const healthy = promValue(fams, 'berth_container_health_status', { name: 'checked', status: 'healthy' });
    const restarts = promValue(fams, 'berth_container_restarts_total', { name: 'flappy' });
    const inspect = JSON.parse((await api('GET', `/containers/${fid}/json`)).body) as { RestartCount: number; State: { Running: boolean; Restarting: boolean } };
    if (healthy === 1 && restarts === 2 && !inspect.State.Running && !inspect.State.Restarting) break;
    await sleep(200);
  }
  assert.equal(promValue(fams, 'berth_container_health_status', { name: 'checked', status: 'healthy' }), 1);
  assert.equal(promValue(fams, 'berth_container_health_status', { name: 'checked', status: 'starting' }), 0);
  const inspect = JSON.parse((await api('GET', `/containers/${fid}/json`)).body) as { RestartCount: number };
  assert.equal(promValue(fams, 'berth_container_restarts_total', { name: 'flappy' }), inspect.RestartCount);
  assert.equal(inspect.RestartCount, 2);
  assert.ok((promValue(fams, 'berth_events_total', { type: 'container', action: 'health_status' }) ?? 0) >= 1);
  await api('DELETE', `/containers/${hid}?force=1`);
  await api('DELETE', `/containers/${fid}?force=1`);
});
