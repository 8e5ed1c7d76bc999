// Bridge networks between test namespaces: reachability by address and name on one network,
// isolation between networks, aliases round-robin in DNS, forwarding of other names, internal
// networks without a way out, IPAM surviving a reopen, nothing left on the host afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { TestNs, BUSYBOX, nslookupAddresses } from './netns.js';
import { makeFixture, leftovers, scrub, type Fixture } from './fixture.js';
import { run } from '../../../src/engine/network/exec.js';
import { isBerthError } from '../../../src/common/errors.js';
import { randomBytes } from 'node:crypto';
import { EventBus } from '../../../src/engine/events/bus.js';

let f: Fixture;
const spaces: TestNs[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
const ns = async (tag: string) => { const n = await TestNs.create(tag); spaces.push(n); return n; };
const cid = (tag: string) => `${tag.padEnd(4, 'x')}${randomBytes(30).toString('hex')}`;

const bus = new EventBus();
const seen: string[] = [];
const abort = new AbortController();
before(async () => {
  f = await makeFixture({ events: bus });
  void (async () => { for await (const e of bus.subscribe({ signal: abort.signal })) seen.push(`${e.action}:${e.attributes.name}`); })();
});
after(async () => {
  abort.abort();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  for (const s of spaces) await s.cleanup();
  await f?.svc.shutdown().catch(() => undefined);
  if (f) await scrub(f.root);
});

test('two namespaces on one network reach each other by address and by name; another network cannot', async () => {
  const netA = await f.svc.create({ name: 'tnet-a' });
  const netB = await f.svc.create({ name: 'tnet-b' });
  assert.notEqual(netA.ipam.subnet, netB.ipam.subnet);
  const [web, client, stranger] = [await ns('web'), await ns('client'), await ns('stranger')];
  const ids = { web: cid('web'), client: cid('cli'), stranger: cid('str') };
  const epWeb = await f.svc.connect(ids.web, web.path, 'tnet-a', { containerName: 'web', aliases: ['www'] });
  const epClient = await f.svc.connect(ids.client, client.path, 'tnet-a', { containerName: 'client' });
  const epStranger = await f.svc.connect(ids.stranger, stranger.path, netB.id, { containerName: 'stranger' });
  assert.equal(epWeb.gateway, netA.ipam.gateway);
  assert.match(epWeb.macAddress, /^02:42:/);
  const inside = await web.exec(['ip', '-o', '-4', 'addr', 'show', 'eth0']);
  assert.match(inside.stdout, new RegExp(`${epWeb.ipAddress.replace(/\./g, '\\.')}/24`));

  await web.httpd();
  await client.httpd();
  await stranger.httpd();
  assert.equal(await client.wget(`http://${epWeb.ipAddress}/`), 'web\n');
  assert.equal(await web.wget(`http://${epClient.ipAddress}/`), 'client\n');

  const ns1 = f.svc.nameserverFor(ids.client)!;
  assert.equal(ns1, netA.ipam.gateway);
  await client.setResolver(ns1);
  await stranger.setResolver(f.svc.nameserverFor(ids.stranger)!);
  assert.equal(await client.wget('http://web/'), 'web\n');
  assert.equal(await client.wget('http://www/'), 'web\n');
  assert.equal(await client.wget(`http://${ids.web.slice(0, 12)}/`), 'web\n');
  // Docker's resolver address works inside the namespace too (what resolv.conf will name).
  assert.equal(f.svc.resolvConfNameserver(ids.client), '127.0.0.11');
  const via11 = await client.exec([BUSYBOX, 'nslookup', 'web', '127.0.0.11']);
  assert.deepEqual(nslookupAddresses(via11.stdout), [epWeb.ipAddress], via11.stdout + via11.stderr);

  // Across networks: no route through the host, no name either.
  assert.equal(await stranger.wget(`http://${epWeb.ipAddress}/`, 1), null);
  assert.equal(await client.wget(`http://${epStranger.ipAddress}/`, 1), null);
  assert.equal(await stranger.wget('http://web/', 1), null);
  const r = await stranger.exec([BUSYBOX, 'nslookup', 'web']);
  assert.equal(nslookupAddresses(r.stdout).length, 0);

  // A namespace on both networks reaches both.
  await f.svc.connect(ids.stranger, stranger.path, 'tnet-a', { containerName: 'stranger' });
  assert.equal(await stranger.wget('http://web/'), 'web\n');
  assert.match((await stranger.exec(['ip', '-o', 'link'])).stdout, /eth1@/);
  await f.svc.disconnect(ids.stranger, 'tnet-a');
  assert.equal(await stranger.wget(`http://${epWeb.ipAddress}/`, 1), null);

  await assert.rejects(f.svc.remove('tnet-a'), (e) => isBerthError(e, 'conflict'));
  await assert.rejects(f.svc.create({ name: 'tnet-a' }), (e) => isBerthError(e, 'already_exists'));
  await assert.rejects(f.svc.connect(ids.web, web.path, 'tnet-a', { containerName: 'web' }), (e) => isBerthError(e, 'conflict'));
  for (const id of Object.values(ids)) await f.svc.disconnectAll(id);
  await f.svc.remove('tnet-a');
  await f.svc.remove(netB.id.slice(0, 10));
  assert.equal(f.svc.list().length, 0);
  assert.deepEqual(await leftovers(f.root), []);
  assert.deepEqual(seen.filter((x) => x.endsWith('tnet-a')), ['create:tnet-a', 'connect:tnet-a', 'connect:tnet-a', 'connect:tnet-a', 'disconnect:tnet-a', 'disconnect:tnet-a', 'disconnect:tnet-a', 'destroy:tnet-a']);
});

test('an alias shared by several namespaces is answered with all of them, rotating', async () => {
  await f.svc.create({ name: 'tnet-rr' });
  const spacesRr = [await ns('rr1'), await ns('rr2'), await ns('rr3')];
  const ips: string[] = [];
  for (const [i, s] of spacesRr.entries()) {
    const id = cid(`rr${i}`);
    cleanups.push(() => f.svc.disconnectAll(id));
    ips.push((await f.svc.connect(id, s.path, 'tnet-rr', { containerName: `rr-${i}`, aliases: i > 0 ? ['api'] : [] })).ipAddress);
  }
  const gw = f.svc.get('tnet-rr').ipam.gateway;
  const firsts = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const r = await spacesRr[0]!.exec([BUSYBOX, 'nslookup', 'api', gw]);
    const got = nslookupAddresses(r.stdout);
    assert.deepEqual([...got].sort(), [ips[1], ips[2]].sort(), r.stdout);
    firsts.add(got[0]!);
  }
  assert.equal(firsts.size, 2, 'the first answer alternates');
  // Over TCP too (clients retry there after a truncated answer); from the host, the network asked is the one answered.
  const answer = await tcpQuery(gw, 'api');
  assert.deepEqual(answer.answers?.map((a) => ('data' in a ? String(a.data) : '')).sort(), [ips[1], ips[2]].sort());
});

async function tcpQuery(server: string, name: string): Promise<dnsPacket.Packet> {
  const q = dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const len = Buffer.alloc(2);
  len.writeUInt16BE(q.length);
  return new Promise((resolve, reject) => {
    const c = connect(53, server, () => c.write(Buffer.concat([len, q])));
    let buf = Buffer.alloc(0);
    c.setTimeout(2000, () => { c.destroy(); reject(new Error('DNS over TCP timed out')); });
    c.on('error', reject);
    c.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { c.destroy(); resolve(dnsPacket.decode(buf.subarray(2))); }
    });
  });
}

test('other names are forwarded to the upstream resolvers; internal networks are not', async () => {
  // Fake upstreams on loopback: every A query gets 192.0.2.99 (the daemon's) or 192.0.2.77 (a container's --dns).
  const fakeUpstream = async (answer: string) => {
    const up = createSocket('udp4');
    await new Promise<void>((r) => up.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => up.close(() => r())));
    up.on('message', (m, ri) => {
      const q = dnsPacket.decode(m);
      const qq = q.questions![0]!;
      const answers = qq.type === 'A' ? [{ type: 'A' as const, name: qq.name, ttl: 5, data: answer }] : [];
      up.send(dnsPacket.encode({ type: 'response', id: q.id, flags: 1 << 8, questions: q.questions, answers }), ri.port, ri.address);
    });
    return up;
  };
  const up = await fakeUpstream('192.0.2.99');
  const own = await fakeUpstream('192.0.2.77');
  await f.svc.shutdown();
  f.svc = await f.open({ dnsUpstreams: [`127.0.0.1:${(up.address()).port}`] });
  const a = await ns('fwd');
  const id = cid('fwd');
  cleanups.push(() => f.svc.disconnectAll(id));
  await f.svc.create({ name: 'tnet-fwd' });
  await f.svc.connect(id, a.path, 'tnet-fwd', { containerName: 'fwd' });
  const r = await a.exec([BUSYBOX, 'nslookup', 'somewhere.example', f.svc.nameserverFor(id)!]);
  assert.deepEqual(nslookupAddresses(r.stdout), ['192.0.2.99'], r.stdout + r.stderr);
  const c = await ns('owndns');
  const idC = cid('own');
  cleanups.push(() => f.svc.disconnectAll(idC));
  await f.svc.connect(idC, c.path, 'tnet-fwd', { containerName: 'owndns', dns: [`127.0.0.1:${own.address().port}`] });
  const rc = await c.exec([BUSYBOX, 'nslookup', 'somewhere.example', '127.0.0.11']);
  assert.deepEqual(nslookupAddresses(rc.stdout), ['192.0.2.77'], rc.stdout + rc.stderr);

  const b = await ns('int');
  const idB = cid('int');
  cleanups.push(() => f.svc.disconnectAll(idB));
  await f.svc.create({ name: 'tnet-int2', internal: true });
  await f.svc.connect(idB, b.path, 'tnet-int2', { containerName: 'int' });
  const rb = await b.exec([BUSYBOX, 'nslookup', 'somewhere.example', f.svc.nameserverFor(idB)!]);
  assert.deepEqual(nslookupAddresses(rb.stdout), []);
});

test('an internal network has no way out; a normal one goes out with NAT', async () => {
  // "Outside": a namespace behind a veth from the host, on a benchmark-range /30.
  const outside = await ns('outside');
  const octet = 100 + Math.floor(Math.random() * 100);
  const hostIf = `bto${randomBytes(4).toString('hex')}`;
  cleanups.push(() => run('ip', ['link', 'del', hostIf]));
  await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside.path]);
  await run('ip', ['addr', 'add', `198.18.${octet}.1/30`, 'dev', hostIf]);
  await run('ip', ['link', 'set', hostIf, 'up']);
  await outside.exec(['ip', 'addr', 'add', `198.18.${octet}.2/30`, 'dev', 'eth0']);
  await outside.exec(['ip', 'link', 'set', 'eth0', 'up']);
  await outside.httpd();
  const url = `http://198.18.${octet}.2/`;

  await f.svc.create({ name: 'tnet-out' });
  const net = await f.svc.create({ name: 'tnet-internal', internal: true, subnet: '10.251.77.0/24', gateway: '10.251.77.254', ipRange: '10.251.77.128/25' });
  assert.equal(net.internal, true);
  const [pub, priv, peer] = [await ns('pub'), await ns('priv'), await ns('peer')];
  const ids = [cid('pub'), cid('priv'), cid('peer')];
  for (const id of ids) cleanups.push(() => f.svc.disconnectAll(id));
  await f.svc.connect(ids[0]!, pub.path, 'tnet-out', { containerName: 'pub' });
  const epPriv = await f.svc.connect(ids[1]!, priv.path, 'tnet-internal', { containerName: 'priv' });
  const epPeer = await f.svc.connect(ids[2]!, peer.path, 'tnet-internal', { containerName: 'peer', ipv4Address: '10.251.77.5' });
  assert.equal(epPriv.ipAddress, '10.251.77.128');
  assert.equal(epPeer.ipAddress, '10.251.77.5');
  assert.equal(epPriv.gateway, '');
  assert.equal(await pub.wget(url), 'outside\n');
  assert.equal(await priv.wget(url, 1), null);
  assert.doesNotMatch((await priv.exec(['ip', 'route'])).stdout, /default/);
  // Even with a route added by hand, the host drops it.
  await priv.exec(['ip', 'route', 'add', 'default', 'via', '10.251.77.254']);
  assert.equal(await priv.wget(url, 1), null);
  // Inside the internal network, traffic flows.
  await peer.httpd();
  assert.equal(await priv.wget(`http://${epPeer.ipAddress}/`), 'peer\n');
});

test('IPAM and endpoints survive a reopen; a reopen reclaims endpoints whose netns is gone', async () => {
  await f.svc.create({ name: 'tnet-keep', subnet: '10.252.9.0/29', labels: { a: 'b' }, options: { 'com.docker.network.driver.mtu': '1400' } });
  const [k1, k2] = [await ns('k1'), await ns('k2')];
  const [id1, id2] = [cid('k1'), cid('k2')];
  cleanups.push(() => f.svc.disconnectAll(id1), () => f.svc.disconnectAll(id2));
  const e1 = await f.svc.connect(id1, k1.path, 'tnet-keep', { containerName: 'k1' });
  const e2 = await f.svc.connect(id2, k2.path, 'tnet-keep', { containerName: 'k2' });
  assert.match((await k1.exec(['ip', 'link', 'show', 'eth0'])).stdout, /mtu 1400/);
  await f.svc.shutdown();
  // k2's namespace disappears while the daemon is down; k1's veth pair is deleted by someone.
  await k2.cleanup();
  await run('ip', ['link', 'del', f.svc.get('tnet-keep').endpoints[e1.endpointId]!.hostIf]);
  spaces.splice(spaces.indexOf(k2), 1);
  f.svc = await f.open();
  const net = f.svc.get('tnet-keep');
  assert.deepEqual(net.labels, { a: 'b' });
  assert.equal(net.mtu, 1400);
  assert.deepEqual(Object.values(net.endpoints).map((e) => e.ipAddress), [e1.ipAddress]);
  assert.equal(net.ipam.allocated[e2.ipAddress], undefined);
  // The next address is after the last one handed out, not the one just freed.
  const k3 = await ns('k3');
  const id3 = cid('k3');
  cleanups.push(() => f.svc.disconnectAll(id3));
  const e3 = await f.svc.connect(id3, k3.path, 'tnet-keep', { containerName: 'k3' });
  assert.notEqual(e3.ipAddress, e2.ipAddress);
  assert.notEqual(e3.ipAddress, e1.ipAddress);
  await k3.httpd();
  assert.equal(await k1.wget(`http://${e3.ipAddress}/`), 'k3\n'); // k1 rewired by the reopen
  assert.match((await k1.exec(['ip', '-o', '-4', 'addr', 'show', 'eth0'])).stdout, new RegExp(e1.ipAddress.replace(/\./g, '\\.')));
  await k1.setResolver(f.svc.nameserverFor(id1)!);
  assert.equal(await k1.wget('http://k3/'), 'k3\n');
});

test('shutdown with no endpoints left removes every bridge and the nft table', async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  const custom = `btst${randomBytes(4).toString('hex')}`;
  cleanups.push(() => run('ip', ['link', 'del', custom]));
  const named = await f.svc.create({ name: 'tnet-named', options: { 'com.docker.network.bridge.name': custom } });
  assert.equal(named.bridge, custom);
  assert.equal((await run('ip', ['link', 'show', custom])).code, 0);
  await assert.rejects(f.svc.create({ name: 'tnet-named2', options: { 'com.docker.network.bridge.name': custom } }), (e) => isBerthError(e, 'already_exists'));
  await assert.rejects(f.svc.create({ name: 'tnet-long', options: { 'com.docker.network.bridge.name': 'a-very-long-bridge-name' } }), (e) => isBerthError(e, 'invalid_argument'));
  assert.ok(f.svc.list().length > 0);
  assert.notDeepEqual(await leftovers(f.root), []);
  await f.svc.shutdown();
  assert.deepEqual(await leftovers(f.root), []);
  assert.notEqual((await run('ip', ['link', 'show', custom])).code, 0);
  // The records stay: a new start brings them back lazily (bridges appear with the first endpoint).
  f.svc = await f.open();
  assert.ok(f.svc.list().some((n) => n.name === 'tnet-keep'));
  assert.deepEqual(await leftovers(f.root), []);
  const dflt = await f.svc.ensureDefaultNetwork();
  assert.equal(dflt.dns, false);
  assert.equal((await f.svc.ensureDefaultNetwork()).id, dflt.id);
  const pruned = await f.svc.prune();
  assert.ok(pruned.includes('tnet-keep'));
  assert.deepEqual(f.svc.list().map((n) => n.name), ['bridge']);
  await f.svc.remove('bridge');
  assert.deepEqual(await leftovers(f.root), []);
  assert.deepEqual(seen.filter((x) => x.endsWith('tnet-a')), ['create:tnet-a', 'connect:tnet-a', 'connect:tnet-a', 'connect:tnet-a', 'disconnect:tnet-a', 'disconnect:tnet-a', 'disconnect:tnet-a', 'destroy:tnet-a']);
});
