// Two daemons side by side (two data roots): distinct subnets, bridge names and nft tables, no
// traffic between their networks, and one daemon's shutdown leaves the other's objects alone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TestNs } from './netns.js';
import { makeFixture, leftovers, scrub, type Fixture } from './fixture.js';
import { parseCidr, overlaps } from '../../../src/engine/network/ipv4.js';
import { isBerthError } from '../../../src/common/errors.js';

const fixtures: Fixture[] = [];
const spaces: TestNs[] = [];
after(async () => {
  for (const s of spaces) await s.cleanup();
  for (const f of fixtures) { await f.svc.shutdown().catch(() => undefined); await scrub(f.root); }
});

test('two daemons: separate subnets and host objects, isolated from each other', async () => {
  const [d1, d2] = [await makeFixture(), await makeFixture()];
  fixtures.push(d1, d2);
  const [n1, n2] = await Promise.all([d1.svc.create({ name: 'same-name' }), d2.svc.create({ name: 'same-name' })]);
  assert.equal(overlaps(parseCidr(n1.ipam.subnet), parseCidr(n2.ipam.subnet)), false);
  assert.notEqual(n1.bridge, n2.bridge);
  assert.notEqual(d1.svc.hostNames.table, d2.svc.hostNames.table);
  const [a, b] = [await TestNs.create('d1'), await TestNs.create('d2')];
  spaces.push(a, b);
  const [ida, idb] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
  const ea = await d1.svc.connect(ida, a.path, 'same-name', { containerName: 'a' });
  const eb = await d2.svc.connect(idb, b.path, 'same-name', { containerName: 'b' });
  await a.httpd();
  await b.httpd();
  assert.equal(await a.wget(`http://${eb.ipAddress}/`, 1), null);
  assert.equal(await b.wget(`http://${ea.ipAddress}/`, 1), null);
  await d1.svc.disconnectAll(ida);
  await d1.svc.shutdown();
  assert.deepEqual(await leftovers(d1.root), []);
  assert.notDeepEqual(await leftovers(d2.root), []);
  assert.equal(await b.wget(`http://${eb.ipAddress}/`), 'd2\n');
  await d2.svc.disconnectAll(idb);
  await d2.svc.shutdown();
  assert.deepEqual(await leftovers(d2.root), []);
});

test('daemons creating networks at the same moment from a two-subnet pool get different subnets', async () => {
  const pool = { base: '10.254.6.0/23', size: 24 };
  const ds = [await makeFixture({ pool }), await makeFixture({ pool })];
  fixtures.push(...ds);
  const nets = await Promise.all(ds.map((d) => d.svc.create({ name: 'racer' })));
  assert.deepEqual(nets.map((n) => n.ipam.subnet).sort(), ['10.254.6.0/24', '10.254.7.0/24']);
  await assert.rejects(ds[0]!.svc.create({ name: 'third' }), (e) => isBerthError(e, 'failed_precondition'));
  for (const d of ds) await d.svc.remove('racer');
});

