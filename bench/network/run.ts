// Networking, berth vs Docker side by side in one run (issue 5's benchmarks): a 1 GiB download
// through a port published on 127.0.0.1, connections per second through such a port (connect →
// first byte, sequential), and the time to create a network and attach 20 running containers to it.
// Both engines are driven by the same docker CLI; dockerd runs with its bridge, iptables and the
// userland proxy as by default (Docker's path for 127.0.0.1), berthd with its nftables DNAT.
// Samples interleave the engines (each round's pair back to back, the leader alternating); medians,
// ratios of medians and the median of the per-round ratios are printed, and the CPU seconds per GiB
// of client, server and proxy. It reports; it never fails on a goal.
//
// Usage: node --import tsx bench/network/run.ts [--rounds 8] [--connects 500] [--from-head]
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { prepareBuild, startBerthd } from '../engine/berth-engine.js';
import { dockerInstalled, startDockerEngine } from '../engine/docker-engine.js';
import { loadAverage, summarise } from '../engine/stats.js';
import { checkpoint, cleanup, cleanups, flag, hasFlag } from '../engine/cli-args.js';
import { makeBusyboxTar, BUSYBOX, BUSYBOX_PATH } from '../../test/helpers/busybox.js';
import { cgroupCpu, dockerProxyPid, download, processCpu } from './cpu-cost.js';

const DOCKER = '/usr/local/bin/docker';
const IMAGE = 'bench-netbox:latest';
const ROUNDS = Number(flag('--rounds')) || 8;
const CONNECTS = Number(flag('--connects')) || 500;
const FROM_HEAD = hasFlag('--from-head');

interface Engine { name: string; host: string }

function docker(e: Engine, args: string[]): string {
  const r = spawnSync(DOCKER, ['-H', e.host, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${e.name}: docker ${args.join(' ')}: ${(r.stderr ?? '').trim()}`);
  return r.stdout.trim();
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** The host port published for `port` of container `c` on 127.0.0.1. */
const hostPort = (e: Engine, c: string, port: string) => Number(docker(e, ['port', c, port]).split('\n')[0].split(':').pop());

/** n sequential connections, each timed from connect to the server's first byte. */
async function connects(port: number, n: number, host = '127.0.0.1'): Promise<{ perSec: number; medianMs: number }> {
  const times: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s0 = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const c = connect(port, host);
      // A proxy may accept and then close without a byte while the server is not listening yet.
      c.setTimeout(5000, () => c.destroy(new Error('no answer within 5 s')));
      c.once('data', () => { c.destroy(); resolve(); });
      c.once('close', () => reject(new Error('closed without an answer')));
      c.on('error', reject);
    });
    times.push(Number(process.hrtime.bigint() - s0) / 1e6);
  }
  return { perSec: n / seconds(t0), medianMs: summarise(times).median };
}

async function waitForHttp(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (spawnSync(BUSYBOX, ['wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}/small`]).status === 0) return;
    await sleep(100);
  }
  throw new Error(`nothing answers on 127.0.0.1:${port}`);
}

interface Servers {
  http: number; bytes: number; webIp: string; connIp: string;
  /** CPU seconds so far of the web container's cgroup, and of the docker-proxy in front of it (0 for none). */
  serverCpu: () => number; proxyCpu: () => number;
}

/**
 * Starts the servers of one engine: httpd with a sparse 1 GiB file, and a node server writing one
 * byte on port 81 (published) and 82 (the direct reference only). Two ports, because direct
 * connections from the host come from the bridge's gateway address, as berth's masqueraded 127.0.0.1
 * connections do: on one port their tuples would meet the server's TIME_WAIT entries of the other
 * path with unrelated TCP timestamps, and PAWS would drop SYNs (1 s retransmits, measured).
 */
async function servers(e: Engine): Promise<Servers> {
  docker(e, ['run', '-d', '--name', 'bweb', '-p', '127.0.0.1::80', IMAGE, 'sh', '-c',
    'mkdir -p /www && truncate -s 1G /www/big && echo ok > /www/small && exec httpd -f -p 80 -h /www']);
  docker(e, ['run', '-d', '--name', 'bconn', '-p', '127.0.0.1::81', '-v', '/usr/lib:/lib:ro', '-v', '/usr/lib64:/lib64:ro', '-v', `${process.execPath}:/node:ro`,
    IMAGE, '/node', '-e', "const n = require('net'); for (const port of [81, 82]) n.createServer((c) => c.end('x')).listen({ port, backlog: 1024 })"]);
  const http = hostPort(e, 'bweb', '80/tcp');
  const bytes = hostPort(e, 'bconn', '81/tcp');
  await waitForHttp(http);
  for (let i = 0; i < 100; i++) {
    try { await connects(bytes, 1); break; } catch { await sleep(100); }
  }
  const ip = (c: string) => docker(e, ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', c]);
  const proxy = dockerProxyPid(http);
  return {
    http, bytes, webIp: ip('bweb'), connIp: ip('bconn'),
    serverCpu: cgroupCpu(Number(docker(e, ['inspect', '-f', '{{.State.Pid}}', 'bweb']))),
    proxyCpu: proxy ? processCpu(proxy) : () => 0,
  };
}

/** One 1 GiB download: GiB/s, and the CPU seconds of client, server and proxy. */
function transfer(url: string, p: Servers): { gibPerSec: number; cpu: [number, number, number] } {
  const before = [p.serverCpu(), p.proxyCpu()];
  const d = download(url);
  return { gibPerSec: 1 / d.seconds, cpu: [d.clientCpu, p.serverCpu() - before[0], p.proxyCpu() - before[1]] };
}

/** Seconds to create a network, then each of 20 running containers' `network connect`. */
function attach20(e: Engine, round: number): { create: number; attach: number } {
  const net = `bnet${round}`;
  const t0 = process.hrtime.bigint();
  docker(e, ['network', 'create', net]);
  const create = seconds(t0);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < 20; i++) docker(e, ['network', 'connect', net, `idle${i}`]);
  const attach = seconds(t1);
  for (let i = 0; i < 20; i++) docker(e, ['network', 'disconnect', net, `idle${i}`]);
  docker(e, ['network', 'rm', net]);
  return { create, attach };
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const build = prepareBuild(FROM_HEAD);
  cleanups.push(() => build.remove());
  const berthd = await startBerthd(build, 'info');
  cleanups.push(() => berthd.stop());
  const engines: Engine[] = [{ name: 'berthd', host: berthd.host }];
  if (dockerInstalled()) {
    const d = await startDockerEngine({ networking: { addressPool: '10.250.0.0/16' } });
    cleanups.push(() => d.stop());
    engines.push({ name: 'dockerd', host: d.host });
  } else {
    console.log('# docker.io is not installed: berthd only');
  }
  const tar = makeBusyboxTar();
  cleanups.push(() => rmSync(dirname(tar), { recursive: true, force: true }));
  for (const e of engines) docker(e, ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', tar, IMAGE]);
  for (const e of engines) cleanups.push(() => {
    const ids = spawnSync(DOCKER, ['-H', e.host, 'ps', '-aq'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    if (ids.length) spawnSync(DOCKER, ['-H', e.host, 'rm', '-f', ...ids], { stdio: 'ignore' });
  });

  const ports = new Map<string, Servers>();
  for (const e of engines) ports.set(e.name, await servers(e));
  for (const e of engines) for (let i = 0; i < 20; i++) docker(e, ['run', '-d', '--name', `idle${i}`, IMAGE, 'sleep', '3600']);
  // The first transfer after set-up pays one-off costs on either path.
  for (const e of engines) download(`http://127.0.0.1:${ports.get(e.name)!.http}/big`);

  type Samples = { gib: number[]; cpu: [number, number, number][]; perSec: number[]; connMs: number[]; gibDirect: number[]; cpuDirect: [number, number, number][]; perSecDirect: number[]; connMsDirect: number[]; create: number[]; attach: number[] };
  const samples = new Map<string, Samples>();
  for (const e of engines) samples.set(e.name, { gib: [], cpu: [], perSec: [], connMs: [], gibDirect: [], cpuDirect: [], perSecDirect: [], connMsDirect: [], create: [], attach: [] });
  for (let round = 0; round < ROUNDS; round++) {
    // Each measurement is taken for both engines back to back, the leader alternating by round, so
    // the pair sees the same load; then the attach runs (whose veth deletions keep the kernel busy
    // for a while) and a pause: no engine measures in the other's wake.
    const order = round % 2 ? [...engines].reverse() : engines;
    for (const e of order) {
      const t = transfer(`http://127.0.0.1:${ports.get(e.name)!.http}/big`, ports.get(e.name)!);
      samples.get(e.name)!.gib.push(t.gibPerSec);
      samples.get(e.name)!.cpu.push(t.cpu);
      checkpoint();
    }
    // The same without the published port (straight to the container's address): what the port path costs.
    for (const e of order) {
      const p = ports.get(e.name)!;
      const t = transfer(`http://${p.webIp}/big`, { ...p, proxyCpu: () => 0 });
      samples.get(e.name)!.gibDirect.push(t.gibPerSec);
      samples.get(e.name)!.cpuDirect.push(t.cpu);
      checkpoint();
    }
    for (const e of order) {
      const c = await connects(ports.get(e.name)!.bytes, CONNECTS);
      samples.get(e.name)!.perSec.push(c.perSec);
      samples.get(e.name)!.connMs.push(c.medianMs);
      checkpoint();
    }
    for (const e of order) {
      const c = await connects(82, CONNECTS, ports.get(e.name)!.connIp);
      samples.get(e.name)!.perSecDirect.push(c.perSec);
      samples.get(e.name)!.connMsDirect.push(c.medianMs);
      checkpoint();
    }
    for (const e of order) {
      const s = samples.get(e.name)!;
      const a = attach20(e, round);
      s.create.push(a.create * 1000);
      s.attach.push(a.attach * 1000);
      checkpoint();
      await sleep(3000);
    }
  }

  const med = (xs: number[]) => summarise(xs).median;
  const cpuText = (cs: [number, number, number][]) => {
    const [c, s, p] = [0, 1, 2].map((i) => med(cs.map((x) => x[i])));
    return `${(c + s + p).toFixed(2)} (client ${c.toFixed(2)}, server ${s.toFixed(2)}${p ? `, proxy ${p.toFixed(2)}` : ''})`;
  };
  const rows: [string, keyof Samples, string, boolean][] = [
    ['1 GiB via 127.0.0.1 published port', 'gib', 'GiB/s', true],
    ['connections per second via the port (connect → first byte)', 'perSec', '/s', true],
    ['connection set-up via the port, median', 'connMs', 'ms', false],
    ['1 GiB straight to the container address (reference)', 'gibDirect', 'GiB/s', true],
    ['connections per second straight to the container (reference)', 'perSecDirect', '/s', true],
    ['connection set-up straight to the container, median (reference)', 'connMsDirect', 'ms', false],
    ['network create', 'create', 'ms', false],
    ['20 × network connect (running containers)', 'attach', 'ms', false],
  ];
  console.log(`# bench/network: ${ROUNDS} rounds, ${CONNECTS} connects per round; build ${build.commit}; load before ${loadBefore}, after ${loadAverage()}`);
  console.log(['', ...engines.map((e) => e.name), ...(engines.length > 1 ? ['ratio of medians', 'median of per-round ratios'] : [])].join(' | '));
  for (const [label, key, unit, higherIsBetter] of rows) {
    const series = engines.map((e) => samples.get(e.name)![key] as number[]);
    const vals = series.map(med);
    const cells = [label, ...vals.map((v) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ${unit}`)];
    if (vals.length > 1) {
      const paired = med(series[0].map((x, i) => x / series[1][i]));
      cells.push(`${(vals[0] / vals[1]).toFixed(2)}`, `${paired.toFixed(2)} (${higherIsBetter ? 'higher' : 'lower'} is better for berth)`);
    }
    console.log(cells.join(' | '));
  }
  console.log(['CPU seconds per GiB via the port', ...engines.map((e) => cpuText(samples.get(e.name)!.cpu))].join(' | '));
  console.log(['CPU seconds per GiB straight to the container', ...engines.map((e) => cpuText(samples.get(e.name)!.cpuDirect))].join(' | '));
  for (const e of engines) {
    const s = samples.get(e.name)!;
    console.log(`# ${e.name} samples: GiB/s port ${s.gib.map((x) => x.toFixed(2)).join(' ')}; direct ${s.gibDirect.map((x) => x.toFixed(2)).join(' ')}; conn/s port ${s.perSec.map((x) => x.toFixed(0)).join(' ')}; direct ${s.perSecDirect.map((x) => x.toFixed(0)).join(' ')}; attach ms ${s.attach.map((x) => x.toFixed(0)).join(' ')}`);
  }
}

main().catch((e: unknown) => { console.error(`bench/network: ${(e as Error).message}`); process.exitCode = 1; }).finally(() => cleanup());
