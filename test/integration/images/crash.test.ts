// kill -9 in the middle of an import: the next open finds a consistent store (no half layer, no
// temp files, no image) and imports again normally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { busybox, busyboxStream, newStore } from './helpers.js';

test('an import killed with SIGKILL halfway leaves nothing behind after reopen', async (t) => {
  const ts = await newStore(t);
  const tar = busybox();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./import-child.ts', import.meta.url)), ts.root, tar, String(Math.floor(statSync(tar).size / 2))], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('half')) resolve(); });
    child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  // Something is half-written now.
  assert.ok(readdirSync(`${ts.root}/overlay/tmp`).length > 0);
  assert.ok(readdirSync(`${ts.root}/images/tmp`).length > 0);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  const store = await ts.reopen();
  assert.deepEqual(readdirSync(`${ts.root}/overlay/tmp`), []);
  assert.deepEqual(readdirSync(`${ts.root}/images/tmp`), []);
  assert.deepEqual(readdirSync(`${ts.root}/overlay`).filter((n) => /^[a-f0-9]{64}$/.test(n)), []);
  assert.deepEqual(await store.list(), []);
  const img = await store.import(busyboxStream(), { ref: 'again' });
  assert.deepEqual((await store.get('again')).id, img.id);
});
