import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordWriter, SKIP } from './record-writer.js';
import { KeyedQueue } from './serial-queue.js';

test('RecordWriter: callers during a write share the next one, which holds every change made before it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-rw-'));
  try {
    const w = new RecordWriter();
    const path = join(dir, 'r.json');
    const state = { n: 0 };
    let snapshots = 0;
    const snap = () => { snapshots++; return { ...state }; };
    const waits: Promise<void>[] = [];
    for (let i = 1; i <= 10; i++) { state.n = i; waits.push(w.write(path, snap)); }
    await Promise.all(waits);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { n: 10 });
    assert.equal(snapshots, 2); // the first write, then one for the nine that came during it
    await w.write(path, () => SKIP);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { n: 10 });
    await Promise.all([w.write(path, snap), w.remove(path)]);
    assert.equal(existsSync(path), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('KeyedQueue: one key in order, different keys side by side; a failure does not stop the key', async () => {
  const q = new KeyedQueue();
  const log: string[] = [];
  const step = (k: string, ms: number, fail = false) => q.run(k, async () => {
    log.push(`${k}+`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`${k}-`);
    if (fail) throw new Error('x');
  });
  await Promise.allSettled([step('a', 20, true), step('a', 1), step('b', 1)]);
  assert.deepEqual(log, ['a+', 'b+', 'b-', 'a-', 'a+', 'a-']);
});
