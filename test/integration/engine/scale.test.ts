// Many containers at once, and the latency of create+start+wait of `true`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestEngine, cleanupEngine, spec, type TestEngine } from './harness.js';

let t: TestEngine;
before(async () => { t = await openTestEngine(); });
after(async () => { await t?.engine.shutdown(); if (t) await cleanupEngine(t.root); });

test('50 containers run at once', async () => {
  const c = t.engine.containers;
  const t0 = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) ids.push((await c.create(spec(['sleep', '1000'], { name: `many-${i}` }))).id);
  const created = Date.now();
  // Started a few at a time: this machine has 2 cores shared with other work.
  for (let i = 0; i < ids.length; i += 5) await Promise.all(ids.slice(i, i + 5).map((id) => c.start(id)));
  const started = Date.now();
  const running = (await c.list()).filter((r) => r.state.status === 'running');
  assert.equal(running.length, 50);
  assert.equal((await t.engine.info()).containers.running, 50);
  console.log(`# 50 containers: create ${created - t0} ms, start ${started - created} ms`);
  for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map((id) => c.remove(id, { force: true, volumes: false })));
  assert.equal((await c.list({ all: true })).length, 0);
});

test('create+start+wait of `true` latency', async () => {
  const c = t.engine.containers;
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    const { id } = await c.create(spec(['true']));
    const { result } = await c.wait(id, 'next-exit');
    await c.start(id);
    assert.equal((await result).exitCode, 0);
    times.push(performance.now() - t0);
    await c.remove(id, { force: true, volumes: false });
  }
  times.sort((a, b) => a - b);
  const info = await t.engine.info();
  console.log(`# ${info.runtime}: create+start+wait(true) median ${times[7].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[14].toFixed(1)} ms`);
  // Loose on purpose (the machine is shared and loaded): the figure above is what to read; bench/ measures.
  assert.ok(times[7] < 5000);
});
