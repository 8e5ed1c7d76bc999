// Endpoints attached and released side by side (as a compose up starts 20 containers at once): the
// wiring runs outside the service's queue, so these check what the queue used to guarantee by
// itself: no address or interface handed out twice, a failed attach rolled back without touching the
// others, the records on disk complete (a reopen finds every endpoint, and no address held by none),
// one container's attaches to two networks in order, everything released by parallel detaches; a
// release after the container's netns went leaves the veth to the kernel but the next operation
// on that container finds it gone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestNs, BUSYBOX, nslookupAddresses } from './netns.js';
import { makeFixture, leftovers, scrub, tearDown, type Fixture } from './fixture.js';
import type { NetworkRecord } from '../../../src/engine/network/types.js';
import { linksWithPrefix } from '../../../src/engine/network/links.js';
import { hostNames } from '../../../src/engine/network/names.js';

let f: Fixture | undefined;
const spaces: TestNs[] = [];
after(() => tearDown(spaces, f));

const N = 12;
const newId = () => randomBytes(32).toString('hex');

test('parallel attaches: distinct addresses, a failed one rolled back alone, complete records, parallel release', async () => {
  f = await makeFixture();
  for (let i = 0; i < N; i++) spaces.push(await TestNs.create(`c${i}`));
  await f.svc.create({ name: 'tpar' });
  await f.svc.create({ name: 'tpar2' });
  const ids = spaces.map(newId);
  // Not a network namespace: the host side of the veth fails, in the middle of the others.
  const notNetns = join(f.root, 'not-a-netns');
  await writeFile(notNetns, '');
  const badId = newId();
  const t0 = process.hrtime.bigint();
  const results = await Promise.allSettled([
    ...spaces.map((s, i) => f!.svc.connect(ids[i]!, s.path, 'tpar', { containerName: `c${i}`, aliases: ['web'] })),
    f.svc.connect(badId, notNetns, 'tpar', { containerName: 'bad' }),
  ]);
  console.log(`# ${N} parallel attaches (and one failing): ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);
  const eps = results.slice(0, N).map((r) => { assert.equal(r.status, 'fulfilled', String((r as PromiseRejectedResult).reason)); return (r as PromiseFulfilledResult<{ ipAddress: string }>).value; });
  assert.equal(results[N]!.status, 'rejected');
  assert.equal(new Set(eps.map((e) => e.ipAddress)).size, N);
  assert.equal(f.svc.endpointsOf(badId).length, 0);

  // Each namespace has its own address on eth0 and reaches the others by name through 127.0.0.11.
  for (const [i, s] of spaces.entries()) {
    const addr = await s.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    assert.match(addr.stdout, new RegExp(`inet ${eps[i]!.ipAddress.replace(/\./g, '\\.')}/`));
  }
  const ns = await spaces[0]!.exec([BUSYBOX, 'nslookup', 'web', '127.0.0.11']);
  assert.deepEqual(nslookupAddresses(ns.stdout).sort(), eps.map((e) => e.ipAddress).sort());

  // One container attached to two networks at once: eth0 and eth1, one default route.
  const two = await TestNs.create('two');
  spaces.push(two);
  const twoId = newId();
  const pair = await Promise.all(['tpar', 'tpar2'].map((n) => f!.svc.connect(twoId, two.path, n, { containerName: 'two' })));
  assert.equal(new Set(pair.map((e) => e.networkName)).size, 2);
  assert.equal((await two.exec(['ip', '-4', 'route', 'show', 'default'])).stdout.trim().split('\n').length, 1);
  assert.match((await two.exec(['ip', '-o', 'link', 'show'])).stdout, /eth1@/);
  await f.svc.disconnectAll(twoId);

  // On disk: every endpoint, and no address owned by no endpoint (the failed attach's was released).
  const rec = JSON.parse(await readFile(join(f.root, 'network', 'networks', `${f.svc.get('tpar').id}.json`), 'utf8')) as NetworkRecord;
  assert.equal(Object.keys(rec.endpoints).length, N);
  const owners = Object.values(rec.ipam.allocated).filter((o) => !o.startsWith('reserved:'));
  assert.deepEqual(owners.sort(), Object.keys(rec.endpoints).sort());

  // A reopen finds them all with the same addresses.
  await f.svc.shutdown();
  f.svc = await f.open();
  for (const [i, e] of eps.entries()) assert.equal(f.svc.endpointsOf(ids[i]!).find((x) => x.networkName === 'tpar')?.ipAddress, e.ipAddress);

  const t1 = process.hrtime.bigint();
  await Promise.all(ids.map((id) => f!.svc.disconnectAll(id)));
  console.log(`# ${N} parallel detaches: ${(Number(process.hrtime.bigint() - t1) / 1e6).toFixed(0)} ms`);
  for (const id of ids) assert.equal(f.svc.endpointsOf(id).length, 0);
  const after = JSON.parse(await readFile(join(f.root, 'network', 'networks', `${f.svc.get('tpar').id}.json`), 'utf8')) as NetworkRecord;
  assert.deepEqual(after.endpoints, {});
  assert.deepEqual(Object.values(after.ipam.allocated).filter((o) => !o.startsWith('reserved:')), []);
  // The namespaces lost their interfaces and their 127.0.0.11 redirect.
  assert.doesNotMatch((await spaces[1]!.exec(['ip', '-o', 'link'])).stdout, /eth0/);
  assert.notEqual((await spaces[1]!.exec(['nft', 'list', 'table', 'ip', 'berth-dns'])).code, 0);

  await f.svc.remove('tpar');
  await f.svc.remove('tpar2');
  await f.svc.shutdown();
  assert.deepEqual(await leftovers(f.root), []);
  for (const s of spaces.splice(0)) await s.cleanup();
  await scrub(f.root);
  f = undefined;
});

test('a release after the netns went (a container exit) returns at once; the next operation on that container finds the veth gone', async () => {
  f = await makeFixture();
  await f.svc.create({ name: 'texit' });
  const s = await TestNs.create('exit');
  const id = newId();
  await f.svc.connect(id, s.path, 'texit', { containerName: 'exit' });
  await s.cleanup(); // the namespace goes first, as when the container's process ends
  await f.svc.disconnectAll(id);
  assert.equal(f.svc.endpointsOf(id).length, 0);
  await f.svc.disconnectAll(id); // as `rm` does: ordered after the wait for the kernel
  assert.deepEqual(await linksWithPrefix(hostNames(f.root).vethPrefix), []);
  await f.svc.remove('texit');
  await f.svc.shutdown();
  assert.deepEqual(await leftovers(f.root), []);
  await scrub(f.root);
  f = undefined;
});

test('a network with an attach under way cannot be removed; one being released can', async () => {
  f = await makeFixture();
  const s = await TestNs.create('rm');
  spaces.push(s);
  await f.svc.create({ name: 'trm' });
  const id = newId();
  const attaching = f.svc.connect(id, s.path, 'trm', { containerName: 'rm' });
  // The reservation is made at once (the queue is idle); the removal is queued behind it.
  await new Promise((r) => setImmediate(r));
  await assert.rejects(f.svc.remove('trm'), /active endpoints/);
  await attaching;
  await assert.rejects(f.svc.remove('trm'), /active endpoints/);
  // Once the endpoint has left the record (its link is still being deleted), the network can go.
  const releasing = f.svc.disconnectAll(id);
  await new Promise((r) => setImmediate(r));
  await f.svc.remove('trm');
  await releasing;
  assert.throws(() => f!.svc.get('trm'), /not found/);
  await f.svc.shutdown();
  assert.deepEqual(await leftovers(f.root), []);
  await scrub(f.root);
  f = undefined;
});
