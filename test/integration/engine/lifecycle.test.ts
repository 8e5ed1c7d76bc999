// Container lifecycle against real runc + conmon: create, start, wait, logs, stop, kill, pause, rename, rm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** Resolves once the container runs a process whose command line contains `name`. */
async function untilProcess(id: string, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { processes } = await t.engine.containers.top(id);
    if (processes.some((row) => row.join(' ').includes(name))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${name} process in ${id} after 5 s`);
}

test('stop sends the stop signal, then SIGKILL after the timeout', async () => {
  const c = t.engine.containers;
  // A shell that ignores TERM: stop must fall back to SIGKILL after 1 s.
  const { id } = await c.create(spec(['sh', '-c', "trap '' TERM; while true; do sleep 0.1; done"]));
  await c.start(id);
  // A TERM sent before the shell has set its trap would kill it (143): wait for the loop to run.
  await untilProcess(id, 'sleep');
  const t0 = Date.now();
  await c.stop(id, { timeout: 1 });
  const took = Date.now() - t0;
  const rec = await c.get(id);
  assert.equal(rec.state.status, 'exited');
  assert.equal(rec.state.exitCode, 137);
  assert.ok(took >= 1000 && took < 5000, `stop took ${took} ms`);
  // With --init, TERM reaches `sleep` (not pid 1 any more), which dies at once: 143.
  const { id: id2 } = await c.create(spec(['sleep', '100'], {}, { init: true }));
  await c.start(id2);
  // tini drops a TERM that arrives before it has set up its handlers; it forks `sleep` after that.
  await untilProcess(id2, 'sleep');
  const t1 = Date.now();
  await c.stop(id2, { timeout: 10 });
  assert.ok(Date.now() - t1 < 3000);
  assert.equal((await c.get(id2)).state.exitCode, 143);
});

test('kill delivers the signal given', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', "trap 'echo got USR1; exit 7' USR1; while true; do sleep 0.1; done"]));
  await c.start(id);
  await new Promise((r) => setTimeout(r, 200));
  const { result } = await c.wait(id, 'next-exit');
  await c.kill(id, 'USR1');
  assert.equal((await result).exitCode, 7);
  const logs = await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false }));
  assert.equal(text(logs), 'got USR1\n');
  await assert.rejects(c.kill(id, 'TERM'), (e: Error & { kind?: string }) => e.kind === 'conflict');
});

test('pause and unpause freeze the processes', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sleep', '100']));
  await c.start(id);
  await c.pause(id);
  assert.equal((await c.get(id)).state.status, 'paused');
  await assert.rejects(c.pause(id), (e: Error & { kind?: string }) => e.kind === 'conflict');
  await c.unpause(id);
  assert.equal((await c.get(id)).state.status, 'running');
  await c.remove(id, { force: true, volumes: false });
  await assert.rejects(c.get(id), (e: Error & { kind?: string }) => e.kind === 'not_found');
});

test('names are unique, renamable and found by prefix', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['true'], { name: 'web' }));
  await assert.rejects(c.create(spec(['true'], { name: 'web' })), (e: Error & { kind?: string }) =>
    e.kind === 'conflict' && e.message === `Conflict. The container name "/web" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`);
  await assert.rejects(c.create(spec(['true'], { name: 'bad name' })), (e: Error & { kind?: string }) => e.kind === 'invalid_argument');
  await c.rename('web', 'api');
  assert.equal((await c.get('/api')).id, id);
  assert.equal((await c.get(id.slice(0, 12))).name, 'api');
  await assert.rejects(c.get('web'), (e: Error & { kind?: string }) => e.kind === 'not_found');
  const { id: other } = await c.create(spec(['true']));
  assert.match((await c.get(other)).name, /^[a-z]+_[a-z]+\d?$/);
});

test('rm refuses a running container and -f kills it', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sleep', '100']));
  await c.start(id);
  await assert.rejects(c.remove(id, { force: false, volumes: false }), (e: Error & { kind?: string }) => e.kind === 'conflict');
  const removed = await c.wait(id, 'removed');
  await c.remove(id, { force: true, volumes: false });
  assert.equal((await removed.result).exitCode, 137);
  assert.equal((await c.list({ all: true })).some((r) => r.id === id), false);
});

test('autoRemove removes the container after it exits', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'exit 2'], {}, { autoRemove: true }));
  const { result } = await c.wait(id, 'removed');
  await c.start(id);
  assert.equal((await result).exitCode, 2);
  await assert.rejects(c.get(id), (e: Error & { kind?: string }) => e.kind === 'not_found');
});

test('autoRemove: every waiter gets the exit code, die comes before destroy, nothing is left behind', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'echo out; exit 3'], {}, { autoRemove: true }));
  const ac = new AbortController();
  const seen: string[] = [];
  const events = (async () => {
    for await (const e of t.engine.events.subscribe({ since: BigInt(Date.now() - 1000) * 1_000_000n, signal: ac.signal })) {
      if (e.id !== id) continue;
      seen.push(e.action);
      if (e.action === 'destroy') return;
    }
  })();
  const exited = await c.wait(id, 'next-exit');
  const removed = await c.wait(id, 'removed');
  await c.start(id);
  assert.equal((await exited.result).exitCode, 3);
  assert.equal((await removed.result).exitCode, 3);
  await events;
  ac.abort();
  assert.deepEqual(seen.filter((a) => ['create', 'start', 'die', 'destroy'].includes(a)), ['create', 'start', 'die', 'destroy']);
  await assert.rejects(c.get(id), (e: Error & { kind?: string }) => e.kind === 'not_found');
  // The record, the bundle, the runtime's state, the exit file: their clean-up runs after the
  // `removed` answer (docs/runtime.md) and leaves nothing behind.
  const leftovers = [join(t.dataRoot, 'containers', id), join(t.execRoot, 'c', id), join(t.execRoot, 'runtime', id), join(t.execRoot, 'exits', id)];
  for (const deadline = Date.now() + 10_000; leftovers.some((p) => existsSync(p)) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
  for (const p of leftovers) assert.equal(existsSync(p), false, `${p} is left`);
});

test('autoRemove: the name is free as soon as `removed` answered', async () => {
  const c = t.engine.containers;
  const name = `rm-again-${process.pid}`;
  for (let i = 0; i < 2; i++) {
    const { id } = await c.create({ ...spec(['true'], {}, { autoRemove: true }), name });
    const removed = await c.wait(id, 'removed');
    await c.start(id);
    assert.equal((await removed.result).exitCode, 0);
    assert.equal((await c.list({ all: true })).some((r) => r.name === name), false);
  }
});

test('restart runs the container again and keeps its logs', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'echo run; sleep 100']));
  await c.start(id);
  await c.restart(id, { timeout: 1 });
  assert.equal((await c.get(id)).state.status, 'running');
  await new Promise((r) => setTimeout(r, 200));
  await c.stop(id, { timeout: 1 });
  const logs = await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false }));
  assert.equal(text(logs), 'run\nrun\n');
});

test('the max-size log option bounds the log file and keeps the newest lines', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'i=0; while [ $i -lt 3000 ]; do echo "line $i"; i=$((i+1)); done'], {}, { logConfig: { type: 'k8s-file', config: { 'max-size': '16k' } } }));
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  await result;
  const rec = await c.get(id);
  const { statSync } = await import('node:fs');
  assert.ok(statSync(rec.logPath).size <= 16 * 1024, `log is ${statSync(rec.logPath).size} bytes`);
  const logs = text(await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false })));
  assert.ok(logs.endsWith('line 2999\n'));
});

test('max-size with max-file rotates the log and logs read across the files', async () => {
  const c = t.engine.containers;
  const script = 'i=0; while [ $i -lt 40 ]; do printf "%04d" $i; head -c 996 /dev/zero | tr "\\0" a; echo; i=$((i+1)); sleep 0.05; done';
  const { id } = await c.create(spec(['sh', '-c', script], {}, { logConfig: { type: 'k8s-file', config: { 'max-size': '8k', 'max-file': '3' } } }));
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  await result;
  const rec = await c.get(id);
  const { existsSync } = await import('node:fs');
  assert.ok(existsSync(`${rec.logPath}.1`) && existsSync(`${rec.logPath}.2`));
  assert.ok(!existsSync(`${rec.logPath}.3`));
  const read = text(await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false }))).split('\n').filter(Boolean);
  // A line whose first part went into a rotated-away file starts mid-line (as with Docker): skip it.
  const lines = /^\d{4}a/.test(read[0] ?? '') ? read : read.slice(1);
  const nums = lines.map((l) => Number(l.slice(0, 4)));
  assert.equal(nums[nums.length - 1], 39);
  assert.ok(nums.length < 40, `kept ${nums.length} lines`);
  assert.deepEqual(nums, nums.map((_, i) => nums[0] + i)); // in order, none missing
  const tail = text(await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false, tail: 2 }))).split('\n').filter(Boolean);
  assert.deepEqual(tail.map((l) => l.slice(0, 4)), ['0038', '0039']);
  await assert.rejects(c.create(spec(['true'], {}, { logConfig: { type: 'k8s-file', config: { 'max-file': 'x' } } })), (e: Error & { kind?: string }) => e.kind === 'invalid_argument');
});
