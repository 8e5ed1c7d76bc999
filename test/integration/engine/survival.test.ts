// berthd can die (SIGKILL) at any time: containers keep running under conmon, logs keep flowing,
// and a new engine on the same roots finds them, their logs and their exit codes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestEngine, cleanupEngine, collectLogs, spec, text, type TestEngine } from './harness.js';

const root = mkdtempSync(join(tmpdir(), 'berth-eng-'));
let t: TestEngine | undefined;
after(async () => { await t?.engine.shutdown(); await cleanupEngine(root); });

test('kill -9 of the engine loses no container, log line or exit code', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'survival-child.ts'), root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ids = await new Promise<string[]>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => { buf += d.toString(); if (buf.includes('\n')) resolve(buf.trim().split(' ')); });
    child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
  const [id, id2, id3] = ids;
  // The --rm container's leftovers (record, bundle, runtime state, exit file, rootfs of the test
  // image store), as the killed engine left them after answering `removed`.
  const leftovers = [join(root, 'data', 'containers', id3), join(root, 'run', 'c', id3), join(root, 'run', 'runtime', id3), join(root, 'run', 'exits', id3), join(root, 'rootfs', id3)];
  assert.deepEqual(leftovers.filter((p) => !existsSync(p)), [], 'the removal was cut short before its clean-up');
  // No record write on that path: the record still says running and the exit file is there.
  assert.equal(JSON.parse(readFileSync(join(leftovers[0], 'container.json'), 'utf8')).state.status, 'running');
  // Pretend berthd died before it recorded the second container's exit.
  const recFile = join(root, 'data', 'containers', id2, 'container.json');
  const rec = JSON.parse(readFileSync(recFile, 'utf8'));
  rec.state.status = 'running';
  rec.state.exitCode = 0;
  writeFileSync(recFile, JSON.stringify(rec));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  await new Promise((r) => setTimeout(r, 600)); // logs flow while no engine runs

  // An exit file whose container is gone (a berthd killed between a removal's record and its exit file).
  const stray = join(root, 'run', 'exits', 'f'.repeat(64));
  writeFileSync(stray, '0');

  t = await openTestEngine(root);
  assert.equal(existsSync(stray), false, 'a stray exit file is cleared at start-up');
  const c = t.engine.containers;
  const running = await c.get('survivor');
  assert.equal(running.id, id);
  assert.equal(running.state.status, 'running');
  const early = text(await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false })));
  assert.match(early, /^tick 0\ntick 1\ntick 2\n/);
  const downed = await c.get(id2);
  assert.equal(downed.state.status, 'exited');
  assert.equal(downed.state.exitCode, 9);
  assert.equal((await c.list({ all: true })).length, 2);
  // Not back, its leftovers cleared at start-up, and its name is free.
  await assert.rejects(c.get('removed-while-down'), (e: Error & { kind?: string }) => e.kind === 'not_found');
  assert.deepEqual(leftovers.filter((p) => existsSync(p)), []);
  const again = await c.create(spec(['true'], { name: 'removed-while-down' }));
  await c.remove(again.id, { force: true, volumes: false });

  const { result } = await c.wait(id, 'next-exit');
  assert.equal((await result).exitCode, 42);
  const all = text(await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false })));
  assert.equal(all, Array.from({ length: 30 }, (_, i) => `tick ${i}\n`).join(''));
});
