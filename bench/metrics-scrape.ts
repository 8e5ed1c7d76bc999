// Scraping every container's metrics: GET /metrics of a berthd running N idle containers (default
// 100), median of many scrapes, against the goal "well under 100 ms". For scale, the same usage
// read container by container through the stats API, on berthd and (when docker.io is installed)
// on a private dockerd, whose own /metrics has no per-container series. Reports; never fails.
//
// Usage: node --import tsx bench/metrics-scrape.ts [--containers 100] [--scrapes 50] [--no-docker]
import { readFileSync } from 'node:fs';
import { get, request } from 'node:http';
import { startTestDaemon, daemonRequest, type TestDaemon } from '../test/helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../test/helpers/busybox.js';
import { dockerInstalled, startDockerEngine, type DockerEngine } from './engine/docker-engine.js';
import { loadAverage, runAsync, summarise, type Summary } from './engine/stats.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const N = Number(flag('--containers')) || 100;
const SCRAPES = Number(flag('--scrapes')) || 50;
const WITH_DOCKER = !process.argv.includes('--no-docker') && dockerInstalled();
const DOCKER = '/usr/local/bin/docker';
const IMAGE = 'bench-busybox:latest';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fetchText(url: string): Promise<string> {
  return new Promise((res, rej) => {
    get(url, (r) => {
      let body = '';
      r.setEncoding('utf8').on('data', (c: string) => { body += c; });
      r.on('end', () => (r.statusCode === 200 ? res(body) : rej(new Error(`${url}: ${r.statusCode}`))));
    }).on('error', rej);
  });
}

/** GET over a unix socket, body discarded; rejects on a non-200. */
function socketGet(socket: string, path: string): Promise<void> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, path }, (r) => {
      r.resume();
      r.on('end', () => (r.statusCode === 200 ? res() : rej(new Error(`${path}: ${r.statusCode}`))));
    });
    req.on('error', rej);
    req.end();
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function sampleMany(runs: number, fn: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timed(fn));
  return summarise(xs);
}

/** One-shot stats of every container, 10 requests in flight (what a scraper of the API would do). */
async function statsOfAll(socket: string, ids: string[]): Promise<void> {
  const queue = [...ids];
  await Promise.all(Array.from({ length: 10 }, async () => {
    for (let id = queue.shift(); id; id = queue.shift()) await socketGet(socket, `/containers/${id}/stats?stream=false&one-shot=true`);
  }));
}

/** Starts N `sleep` containers through the docker CLI, 8 at a time; returns their ids. */
async function startContainers(host: string, extra: string[]): Promise<string[]> {
  const ids: string[] = [];
  const queue = Array.from({ length: N }, (_, i) => i);
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      ids.push(await runAsync([DOCKER, 'run', '-d', ...extra, '--label', 'com.docker.compose.project=bench', '--label', `com.docker.compose.service=s${i % 10}`, IMAGE, 'sleep', '3600'], host));
    }
  }));
  return ids;
}

const fmt = (s: Summary | undefined) => (s ? `median ${s.median.toFixed(1).padStart(7)} ms  p90 ${s.p90.toFixed(1).padStart(7)} ms  (min ${s.min.toFixed(1)}, n=${s.n})` : 'n/a');

async function main(): Promise<void> {
  let berth: TestDaemon | undefined;
  let docker: DockerEngine | undefined;
  const stopAll = async () => { await berth?.stop(); await docker?.stop(); };
  process.once('SIGINT', () => { void stopAll().finally(() => process.exit(130)); });
  try {
    berth = await startTestDaemon({ extraArgs: ['--metrics-addr', '127.0.0.1:0'] });
    let url = '';
    for (let i = 0; i < 50 && !url; i++) {
      const line = readFileSync(berth.logFile, 'utf8').split('\n').find((l) => l.includes('serving Prometheus metrics'));
      if (line) url = (JSON.parse(line) as { url: string }).url;
      else await sleep(100);
    }
    const tar = makeBusyboxTar();
    const imp = await daemonRequest(berth.socket, 'POST', `/images/create?fromSrc=-&repo=bench-busybox&tag=latest&changes=${encodeURIComponent(`ENV PATH=${BUSYBOX_PATH}`)}`, readFileSync(tar), 'application/x-tar');
    if (imp.status !== 200) throw new Error(`import into berthd: ${imp.body}`);
    console.log(`# starting ${N} containers on berthd`);
    const berthIds = await startContainers(berth.dockerHost, []);
    const body = await fetchText(url);
    const series = body.split('\n').filter((l) => l && !l.startsWith('#')).length;
    console.log(`# /metrics: ${(body.length / 1024).toFixed(0)} KiB, ${series} series`);
    // berthd's own CPU time per scrape: unlike wall time, it does not grow with the machine's load.
    const cpuMs = () => { const f = readFileSync(`/proc/${berth!.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
    const cpu0 = cpuMs();
    const scrape = await sampleMany(SCRAPES, () => fetchText(url));
    const cpuPerScrape = (cpuMs() - cpu0) / (SCRAPES + 3);
    const berthStats = await sampleMany(5, () => statsOfAll(berth!.socket, berthIds));

    let dockerStats: Summary | undefined;
    if (WITH_DOCKER) {
      docker = await startDockerEngine();
      await runAsync([DOCKER, 'import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMAGE], docker.host);
      console.log(`# starting ${N} containers on dockerd`);
      const dockerIds = await startContainers(docker.host, ['--network', 'none']);
      dockerStats = await sampleMany(5, () => statsOfAll(docker!.host.replace('unix://', ''), dockerIds));
    }
    console.log(`\n${N} running containers, ${new Date().toISOString()}`);
    console.log(`berthd GET /metrics (all containers)          ${fmt(scrape)}   goal: well under 100 ms`);
    console.log(`berthd CPU time per scrape                    ${cpuPerScrape.toFixed(1)} ms (user+system, from /proc/<pid>/stat)`);
    console.log(`berthd one-shot stats x${N} (10 in flight)       ${fmt(berthStats)}`);
    console.log(`dockerd one-shot stats x${N} (10 in flight)      ${WITH_DOCKER ? fmt(dockerStats) : 'skipped (docker.io not installed or --no-docker)'}`);
    if (dockerStats) console.log(`berthd /metrics vs dockerd per-container stats: ${(dockerStats.median / scrape.median).toFixed(1)}x faster`);
    console.log(`(load average at the end: ${loadAverage()}; nproc ${readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length})`);
  } finally {
    await stopAll();
  }
}

await main();
