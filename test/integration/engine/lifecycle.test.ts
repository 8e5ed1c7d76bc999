// Container lifecycle against real runc + conmon: create, start, wait, logs, stop, kill, pause, rename, rm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestEngine, cleanupEngine, spec, collectLogs, text, type TestEngine } from './harness.js';

let t: TestEngine;
before(async () => { t = await openTestEngine(); });
after(async () => { await t?.engine.shutdown(); if (t) await cleanupEngine(t.root); });

test('create, start and wait return the exit code', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'exit 3']));
  assert.match(id, /^[0-9a-f]{64}$/);
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  assert.equal((await result).exitCode, 3);
  const rec = await c.get(id);
  assert.equal(rec.state.status, 'exited');
  assert.equal(rec.state.exitCode, 3);
});

test('logs keep stdout and stderr apart and live on after exit', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'echo out1; echo err1 >&2; printf partial; sleep 0.2; echo " end"']));
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  await result;
  const all = await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false }));
  assert.equal(text(all, 'stdout'), 'out1\npartial end\n');
  assert.equal(text(all, 'stderr'), 'err1\n');
  const onlyErr = await collectLogs(c.logs(id, { follow: false, stdout: false, stderr: true, timestamps: false }));
  assert.deepEqual(onlyErr.map((l) => l.stream), ['stderr']);
  const tail = await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false, tail: 1 }));
  assert.equal(text(tail), 'partial end\n');
  assert.match(all[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
});

test('logs follow a running container until it exits', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'for i in 1 2 3; do echo $i; sleep 0.1; done']));
  await c.start(id);
  const lines = await collectLogs(c.logs(id, { follow: true, stdout: true, stderr: true, timestamps: false }));
  assert.equal(text(lines), '1\n2\n3\n');
});
