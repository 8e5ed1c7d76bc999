// Networking, berth vs Docker side by side in one run (issue 5's benchmarks): a 1 GiB download
// through a port published on 127.0.0.1, connections per second through such a port (connect →
// first byte, sequential), and the time to create a network and attach 20 running containers to it.
// Both engines are driven by the same docker CLI; dockerd runs with its bridge, iptables and the
// userland proxy as by default (Docker's path for 127.0.0.1), berthd with its nftables DNAT.
// Samples interleave the engines; medians and ratios are printed. It reports; it never fails on a goal.
//
// Usage: node --import tsx bench/network/run.ts [--rounds 3] [--connects 1000] [--from-head]
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { prepareBuild, startBerthd } from '../engine/berth-engine.js';
import { dockerInstalled, startDockerEngine } from '../engine/docker-engine.js';
import { loadAverage, summarise } from '../engine/stats.js';
import { makeBusyboxTar, BUSYBOX, BUSYBOX_PATH } from '../../test/helpers/busybox.js';

const DOCKER = '/usr/local/bin/docker';
const IMAGE = 'bench-netbox:latest';
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const ROUNDS = Number(flag('--rounds')) || 3;
const CONNECTS = Number(flag('--connects')) || 1000;
const FROM_HEAD = process.argv.includes('--from-head');

interface Engine { name: string; host: string }

const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse()) {
      try { await c(); } catch (e) { console.error(`cleanup: ${(e as Error).message}`); }
    }
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { void cleanup().finally(() => process.exit(130)); });

function docker(e: Engine, args: string[]): string {
  const r = spawnSync(DOCKER, ['-H', e.host, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${e.name}: docker ${args.join(' ')}: ${(r.stderr ?? '').trim()}`);
  return r.stdout.trim();
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** The host port published for `port` of container `c` on 127.0.0.1. */
const hostPort = (e: Engine, c: string, port: string) => Number(docker(e, ['port', c, port]).split('\n')[0].split(':').pop());

/** Seconds for busybox wget on the host to fetch url into /dev/null. */
function download(url: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(BUSYBOX, ['wget', '-q', '-O', '/dev/null', url]);
  if (r.status !== 0) throw new Error(`wget ${url}: ${r.stderr}`);
  return seconds(t0);
}

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

/** Starts the servers of one engine: httpd with a sparse 1 GiB file, and a node server writing one byte. */
async function servers(e: Engine): Promise<{ http: number; bytes: number; webIp: string; connIp: string }> {
  docker(e, ['run', '-d', '--name', 'bweb', '-p', '127.0.0.1::80', IMAGE, 'sh', '-c',
    'mkdir -p /www && truncate -s 1G /www/big && echo ok > /www/small && exec httpd -f -p 80 -h /www']);
  docker(e, ['run', '-d', '--name', 'bconn', '-p', '127.0.0.1::81', '-v', '/usr/lib:/lib:ro', '-v', '/usr/lib64:/lib64:ro', '-v', `${process.execPath}:/node:ro`,
    IMAGE, '/node', '-e', "require('net').createServer((c) => c.end('x')).listen({ port: 81, backlog: 1024 })"]);
  const http = hostPort(e, 'bweb', '80/tcp');
  const bytes = hostPort(e, 'bconn', '81/tcp');
  await waitForHttp(http);
  for (let i = 0; i < 100; i++) {
    try { await connects(bytes, 1); break; } catch { await sleep(100); }
  }
  const ip = (c: string) => docker(e, ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', c]);
  return { http, bytes, webIp: ip('bweb'), connIp: ip('bconn') };
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

  const ports = new Map<string, Awaited<ReturnType<typeof servers>>>();
  for (const e of engines) ports.set(e.name, await servers(e));
  for (const e of engines) for (let i = 0; i < 20; i++) docker(e, ['run', '-d', '--name', `idle${i}`, IMAGE, 'sleep', '3600']);
  // The first transfer after set-up pays one-off costs on either path.
  for (const e of engines) download(`http://127.0.0.1:${ports.get(e.name)!.http}/big`);

  const samples = new Map<string, { gib: number[]; perSec: number[]; connMs: number[]; create: number[]; attach: number[]; gibDirect: number[]; perSecDirect: number[] }>();
  for (const e of engines) samples.set(e.name, { gib: [], perSec: [], connMs: [], create: [], attach: [], gibDirect: [], perSecDirect: [] });
  for (let round = 0; round < ROUNDS; round++) {
    // Transfers first, each engine leading in turn, then the attach runs (whose veth deletions keep
    // the kernel busy for a while), then a pause: no engine measures in the other's wake.
    const order = round % 2 ? [...engines].reverse() : engines;
    for (const e of order) {
      const s = samples.get(e.name)!;
      const p = ports.get(e.name)!;
      s.gib.push(1 / download(`http://127.0.0.1:${p.http}/big`));
      // The same without the published port (straight to the container's address): what the port path costs.
      s.gibDirect.push(1 / download(`http://${p.webIp}/big`));
    }
    for (const e of order) {
      const s = samples.get(e.name)!;
      const p = ports.get(e.name)!;
      const c = await connects(p.bytes, CONNECTS);
      s.perSec.push(c.perSec);
      s.connMs.push(c.medianMs);
      s.perSecDirect.push((await connects(81, CONNECTS, p.connIp)).perSec);
    }
    for (const e of order) {
      const s = samples.get(e.name)!;
      const a = attach20(e, round);
      s.create.push(a.create * 1000);
      s.attach.push(a.attach * 1000);
      await sleep(3000);
    }
  }

  const med = (xs: number[]) => summarise(xs).median;
  const rows: [string, (s: typeof samples extends Map<string, infer V> ? V : never) => number, string, boolean][] = [
    ['1 GiB via 127.0.0.1 published port', (s) => med(s.gib), 'GiB/s', true],
    ['connections per second (connect → first byte)', (s) => med(s.perSec), '/s', true],
    ['connection set-up, median', (s) => med(s.connMs), 'ms', false],
    ['1 GiB straight to the container address (reference)', (s) => med(s.gibDirect), 'GiB/s', true],
    ['connections per second straight to the container (reference)', (s) => med(s.perSecDirect), '/s', true],
    ['network create', (s) => med(s.create), 'ms', false],
    ['20 × network connect (running containers)', (s) => med(s.attach), 'ms', false],
  ];
  console.log(`# bench/network: ${ROUNDS} rounds, ${CONNECTS} connects per round; build ${build.commit}; load before ${loadBefore}, after ${loadAverage()}`);
  console.log(['', ...engines.map((e) => e.name), engines.length > 1 ? 'berth/docker' : ''].join(' | '));
  for (const [label, pick, unit, higherIsBetter] of rows) {
    const vals = engines.map((e) => pick(samples.get(e.name)!));
    const ratio = vals.length > 1 ? (vals[0] / vals[1]).toFixed(2) + (higherIsBetter ? ' (higher is better)' : ' (lower is better)') : '';
    console.log([label, ...vals.map((v) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ${unit}`), ratio].join(' | '));
  }
  for (const e of engines) {
    const s = samples.get(e.name)!;
    console.log(`# ${e.name} samples: GiB/s ${s.gib.map((x) => x.toFixed(2)).join(' ')}; conn/s ${s.perSec.map((x) => x.toFixed(0)).join(' ')}; attach ms ${s.attach.map((x) => x.toFixed(0)).join(' ')}`);
  }
}

main().catch((e: unknown) => { console.error(`bench/network: ${(e as Error).message}`); process.exitCode = 1; }).finally(() => cleanup());
