// berthd can die (SIGKILL) at any time: containers keep running under conmon, logs keep flowing,
// and a new engine on the same roots finds them, their logs and their exit codes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestEngine, cleanupEngine, collectLogs, text, type TestEngine } from './harness.js';

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
  const [id, id2] = ids;
  // Pretend berthd died before it recorded the second container's exit.
  const recFile = join(root, 'data', 'containers', id2, 'container.json');
  const rec = JSON.parse(readFileSync(recFile, 'utf8'));
  rec.state.status = 'running';
  rec.state.exitCode = 0;
  writeFileSync(recFile, JSON.stringify(rec));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  await new Promise((r) => setTimeout(r, 600)); // logs flow while no engine runs

  t = await openTestEngine(root);
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

  const { result } = await c.wait(id, 'next-exit');
  assert.equal((await result).exitCode, 42);
  const all = text(await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false })));
  assert.equal(all, Array.from({ length: 30 }, (_, i) => `tick ${i}\n`).join(''));
});
