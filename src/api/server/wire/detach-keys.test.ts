import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachKeyFilter, parseDetachKeys } from './detach-keys.js';

test('detach key specs parse like Docker\'s', () => {
  assert.deepEqual(parseDetachKeys('ctrl-p,ctrl-q'), [16, 17]);
  assert.deepEqual(parseDetachKeys('ctrl-@,a,ctrl-['), [0, 97, 27]);
  assert.throws(() => parseDetachKeys('ctrl-pp'), /Invalid detach keys/);
});

async function run(input: Buffer[], keys = [16, 17]): Promise<{ out: string; detached: boolean }> {
  let detached = false;
  const f = new DetachKeyFilter(keys, () => { detached = true; });
  const chunks: Buffer[] = [];
  f.on('data', (d: Buffer) => chunks.push(d));
  const ended = new Promise((r) => f.on('end', r));
  for (const c of input) f.write(c);
  f.end();
  await ended;
  return { out: Buffer.concat(chunks).toString('latin1'), detached };
}

test('the sequence detaches and is not passed on, even split across chunks', async () => {
  const r = await run([Buffer.from('ab\x10'), Buffer.from('\x11cd')]);
  assert.equal(r.out, 'ab');
  assert.ok(r.detached);
});

test('a partial sequence followed by other bytes is passed through', async () => {
  const r = await run([Buffer.from('a\x10b\x10')]);
  assert.equal(r.out, 'a\x10b\x10');
  assert.ok(!r.detached);
});
