// Parallel callers: imports of the same content share one layer; mounts of one container stack once;
// garbage collection racing imports never takes the layer being imported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { busybox, busyboxStream, newStore, streamOf, tarBuffer } from './helpers.js';

const layerDirs = (root: string) => readdirSync(`${root}/overlay`).filter((n) => /^[a-f0-9]{64}$/.test(n));

test('parallel imports of one tar (plain and gzip) commit one shared layer', async (t) => {
  const { store, root } = await newStore(t);
  const gz = gzipSync(readFileSync(busybox()));
  // A dangling image whose removal runs garbage collection while the imports are under way.
  const doomed = await store.import(streamOf(await tarBuffer([{ name: 'x', data: 'x' }])), {});
  const imgs = await Promise.all([
    store.import(busyboxStream(), { ref: 'p1', message: 'one' }),
    store.import(busyboxStream(), { ref: 'p2', message: 'two' }),
    store.import(streamOf(gz), { ref: 'p3', message: 'three' }),
    new Promise((r) => setTimeout(r, 50)).then(() => store.prune({ danglingOnly: true })),
  ]);
  const [a, b, c, pruned] = imgs;
  assert.deepEqual(pruned.deleted.deleted, [doomed.id, doomed.diffIds[0]]);
  assert.equal(a.diffIds[0], b.diffIds[0]);
  assert.equal(a.diffIds[0], c.diffIds[0], 'the diffID is the uncompressed tar\'s');
  assert.equal(layerDirs(root).length, 1);
  assert.equal(readdirSync(`${root}/overlay/tmp`).length, 0);
  assert.equal(readdirSync(`${root}/images/tmp`).length, 0);
  assert.equal((await store.list()).length, 3);
});

test('parallel mounts of one container mount it once', async (t) => {
  const { store } = await newStore(t);
  const img = await store.import(busyboxStream(), { ref: 'm' });
  const paths = await Promise.all([1, 2, 3, 4].map(() => store.mount('pc', img.id)));
  t.after(() => store.remove('pc'));
  assert.equal(new Set(paths).size, 1);
  const count = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === paths[0]).length;
  assert.equal(count, 1);
  await Promise.all([store.unmount('pc'), store.unmount('pc')]);
  const after = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === paths[0]).length;
  assert.equal(after, 0);
});
