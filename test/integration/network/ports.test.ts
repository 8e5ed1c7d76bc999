// Published ports between the host's loopback and test namespaces: TCP and UDP, fixed, ranged and
// ephemeral host ports, a clear error when a port is taken, ports freed on unpublish; measures
// throughput (1 GiB through busybox wget) and connection set-up through a published port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TestNs, BUSYBOX } from './netns.js';
import { makeFixture, leftovers, scrub, type Fixture } from './fixture.js';
import { holdPort } from '../../../src/engine/network/port-holder.js';
import { parsePublishSpec } from '../../../src/engine/network/port-specs.js';
import { run } from '../../../src/engine/network/exec.js';
import { isBerthError } from '../../../src/common/errors.js';

let f: Fixture;
let web: TestNs;
let other: TestNs;
const ids = { web: `web0${randomBytes(30).toString('hex')}`, other: `oth0${randomBytes(30).toString('hex')}` };
let webIp = '';

before(async () => {
  f = await makeFixture();
  await f.svc.create({ name: 'tports' });
  web = await TestNs.create('pweb');
  other = await TestNs.create('pother');
  webIp = (await f.svc.connect(ids.web, web.path, 'tports', { containerName: 'web' })).ipAddress;
  await f.svc.connect(ids.other, other.path, 'tports', { containerName: 'other' });
  await truncate(join(web.www, 'big'), 0).catch(async () => writeFile(join(web.www, 'big'), ''));
  await truncate(join(web.www, 'big'), 1024 ** 3); // sparse: costs no disk, reads at memory speed
  await web.httpd(80);
});
after(async () => {
  for (const id of Object.values(ids)) await f?.svc.disconnectAll(id).catch(() => undefined);
  await web?.cleanup();
  await other?.cleanup();
  await f?.svc.prune().catch(() => undefined);
  await f?.svc.shutdown().catch(() => undefined);
  if (f) {
    assert.deepEqual(await leftovers(f.root), []);
    await scrub(f.root);
  }
});

/** A host port nobody uses right now. */
async function freePort(): Promise<number> {
  const h = await holdPort({ hostIp: '127.0.0.1', hostPort: 0, containerPort: 1, proto: 'tcp' });
  await h.close();
  return h.port;
}

const get = async (port: number, path = '/') => (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) })).text();

test('a TCP port published on 127.0.0.1 and an ephemeral one on every address reach the namespace', async () => {
  const p = await freePort();
  const [fixed, eph] = [
    await f.svc.publishPorts(ids.web, parsePublishSpec(`127.0.0.1:${p}:80`)),
    await f.svc.publishPorts(ids.web, parsePublishSpec('80')),
  ];
  assert.equal(fixed[0]!.hostPort, p);
  assert.ok(eph[0]!.hostPort > 0);
  assert.equal(eph[0]!.hostIp, '0.0.0.0');
  assert.equal(await get(p), 'pweb\n');
  assert.equal(await get(eph[0]!.hostPort), 'pweb\n');
  // Hairpin: a namespace on the same network through the host's address and published port.
  const hostAddr = f.svc.get('tports').ipam.gateway;
  assert.equal(await other.wget(`http://${hostAddr}:${eph[0]!.hostPort}/`), 'pweb\n');
  // From another network too, through that network's gateway (a host address), as Docker allows.
  await f.svc.create({ name: 'tports-2' });
  const far = await TestNs.create('pfar');
  const farId = `far0${randomBytes(30).toString('hex')}`;
  try {
    await f.svc.connect(farId, far.path, 'tports-2', { containerName: 'far' });
    assert.equal(await far.wget(`http://${f.svc.get('tports-2').ipam.gateway}:${eph[0]!.hostPort}/`), 'pweb\n');
    assert.equal(await far.wget(`http://${webIp}/`, 1), null); // but not directly
    await assert.rejects(f.svc.publishPorts(farId, parsePublishSpec('80'), 'tports-nope'), (e) => isBerthError(e, 'not_found'));
  } finally {
    await f.svc.disconnectAll(farId);
    await far.cleanup();
    await f.svc.remove('tports-2');
  }
  assert.equal(f.svc.listPorts(ids.web).length, 2);

  await f.svc.unpublishPorts(ids.web);
  await assert.rejects(get(p));
  // Freed: the port can be bound again.
  const again = await holdPort({ hostIp: '127.0.0.1', hostPort: p, containerPort: 1, proto: 'tcp' });
  await again.close();
});

test('a UDP port published on 127.0.0.1 reaches a UDP echo server in the namespace', async () => {
  const echo = `require('dgram').createSocket('udp4').on('message', function (m, r) { this.send(Buffer.concat([Buffer.from('echo:'), m]), r.port, r.address); }).bind(7)`;
  web.spawn([process.execPath, '-e', echo]);
  const [pub] = await f.svc.publishPorts(ids.web, parsePublishSpec('127.0.0.1::7/udp'));
  const sock = createSocket('udp4');
  try {
    // The echo server is a fresh Node process that may take seconds to bind on a loaded machine:
    // ping until it answers (UDP has no connect to wait on), and give up after 15 s.
    const reply = await new Promise<string>((resolve, reject) => {
      const resend = setInterval(() => sock.send('ping', pub!.hostPort, '127.0.0.1'), 250);
      const timer = setTimeout(() => { clearInterval(resend); reject(new Error('no UDP reply')); }, 15_000);
      sock.on('message', (m) => { clearTimeout(timer); clearInterval(resend); resolve(m.toString()); });
      sock.send('ping', pub!.hostPort, '127.0.0.1');
    });
    assert.equal(reply, 'echo:ping');
  } finally {
    sock.close();
    await f.svc.unpublishPorts(ids.web);
  }
});

test('a taken host port is a clear already_exists error and nothing half-published stays', async () => {
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', () => r()));
  const taken = (squatter.address() as { port: number }).port;
  try {
    const free = await freePort();
    await assert.rejects(
      f.svc.publishPorts(ids.web, [...parsePublishSpec(`127.0.0.1:${free}:80`), ...parsePublishSpec(`127.0.0.1:${taken}:81`)]),
      (e) => isBerthError(e, 'already_exists') && e.message.includes(`127.0.0.1:${taken}`) && /already allocated/.test(e.message),
    );
    assert.deepEqual(f.svc.listPorts(ids.web), []);
    await assert.rejects(get(free)); // the first one was rolled back
    // One container's published port is taken for another.
    const [p] = await f.svc.publishPorts(ids.web, parsePublishSpec(`${free}:80`));
    await assert.rejects(f.svc.publishPorts(ids.other, parsePublishSpec(`127.0.0.1:${p!.hostPort}:80`)), (e) => isBerthError(e, 'already_exists'));
    // Ranges.
    const base = await freePort();
    const ranged = await f.svc.publishPorts(ids.other, parsePublishSpec(`127.0.0.1:${base}-${base + 1}:80-81/udp`));
    assert.deepEqual(ranged.map((x) => `${x.hostPort}:${x.containerPort}/${x.proto}`), [`${base}:80/udp`, `${base + 1}:81/udp`]);
  } finally {
    squatter.close();
    await f.svc.unpublishPorts(ids.web);
    await f.svc.unpublishPorts(ids.other);
  }
});

test('a daemon restart keeps published ports working and held', async () => {
  const [p] = await f.svc.publishPorts(ids.web, parsePublishSpec('127.0.0.1::80'));
  await f.svc.shutdown();
  f.svc = await f.open();
  assert.deepEqual(f.svc.listPorts(ids.web).map((x) => x.hostPort), [p!.hostPort]);
  assert.equal(await get(p!.hostPort), 'pweb\n');
  await assert.rejects(holdPort({ hostIp: '127.0.0.1', hostPort: p!.hostPort, containerPort: 1, proto: 'tcp' }), (e) => isBerthError(e, 'already_exists'));
  await f.svc.unpublishPorts(ids.web);
});

test('throughput and connection set-up through a published port (measured, printed)', async () => {
  const [pub] = await f.svc.publishPorts(ids.web, parsePublishSpec('127.0.0.1::80'));
  const port = pub!.hostPort;
  const download = async (url: string) => {
    const t0 = process.hrtime.bigint();
    const r = await run(BUSYBOX, ['wget', '-q', '-O', '/dev/null', url]);
    assert.equal(r.code, 0, r.stderr);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  // The first transfer after setting up pays one-off costs (seen: 3 s instead of 0.5 s on either
  // path); warm up, then alternate the two paths and keep medians.
  await download(`http://${webIp}/big`);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const vp: number[] = [];
  const dr: number[] = [];
  for (let i = 0; i < 3; i++) {
    vp.push(await download(`http://127.0.0.1:${port}/big`));
    dr.push(await download(`http://${webIp}/big`));
  }
  const [viaPort, direct] = [med(vp), med(dr)];
  // Connection set-up, end to end: a node server in the namespace writes one byte and closes; the
  // client times connect → that byte (a proxy's own accept does not count).
  web.spawn([process.execPath, '-e', `require('net').createServer((c) => c.end('x')).listen({ port: 81, backlog: 1024 })`]);
  await waitForListener(webIp, 81);
  const [pub81] = await f.svc.publishPorts(ids.web, parsePublishSpec('127.0.0.1::81'));
  const connects = async (host: string, p: number, n: number) => {
    const times: number[] = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const s0 = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        const c = connect(p, host);
        c.once('data', () => { c.destroy(); resolve(); });
        c.on('error', reject);
      });
      times.push(Number(process.hrtime.bigint() - s0) / 1e6);
    }
    const total = Number(process.hrtime.bigint() - t0) / 1e9;
    times.sort((a, b) => a - b);
    return { perSec: Math.round(n / total), median: times[Math.floor(n / 2)]!.toFixed(3) };
  };
  const cPort = await connects('127.0.0.1', pub81!.hostPort, 1000);
  const cDirect = await connects(webIp, 81, 1000);
  // Docker's path for 127.0.0.1 (userland-proxy, its default): docker-proxy in front of the same namespace.
  const proxyLine = await dockerProxyFigures(webIp, download, connects, med);
  console.log(`# 1 GiB via published port: ${(1024 / viaPort).toFixed(0)} MiB/s (${viaPort.toFixed(2)} s); direct to the namespace: ${(1024 / direct).toFixed(0)} MiB/s`);
  console.log(`# connect → first byte via published port: ${cPort.perSec}/s, median ${cPort.median} ms; direct: ${cDirect.perSec}/s, median ${cDirect.median} ms`);
  if (proxyLine) console.log(`# docker-proxy (Docker's userland path) on the same namespace: ${proxyLine}`);
  await f.svc.unpublishPorts(ids.web);
});

async function dockerProxyFigures(
  ip: string, download: (url: string) => Promise<number>,
  connects: (host: string, p: number, n: number) => Promise<{ perSec: number; median: string }>, med: (xs: number[]) => number,
): Promise<string | null> {
  const bin = '/usr/sbin/docker-proxy';
  if (!existsSync(bin)) return null;
  const [p80, p81] = [await freePort(), await freePort()];
  const procs = [
    spawn(bin, ['-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', String(p80), '-container-ip', ip, '-container-port', '80'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] }),
    spawn(bin, ['-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', String(p81), '-container-ip', ip, '-container-port', '81'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] }),
  ];
  try {
    // docker-proxy reports readiness on fd 3 (as dockerd expects) and does not listen without it.
    await waitForListener('127.0.0.1', p80);
    await waitForListener('127.0.0.1', p81);
    const xs: number[] = [];
    for (let i = 0; i < 3; i++) xs.push(await download(`http://127.0.0.1:${p80}/big`));
    const c = await connects('127.0.0.1', p81, 1000);
    return `${(1024 / med(xs)).toFixed(0)} MiB/s; connects ${c.perSec}/s, median ${c.median} ms`;
  } finally {
    for (const p of procs) p.kill('SIGKILL');
  }
}

/** Resolves once a TCP connect to host:port succeeds (a server started in a namespace may take seconds under load). */
async function waitForListener(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, host);
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
