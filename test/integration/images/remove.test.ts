// rmi and image prune with Docker's semantics and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { isBerthError } from '../../../src/common/errors.js';
import { busyboxStream, newStore } from './helpers.js';

const short = (id: string) => id.slice(7, 19);

test('rmi by name untags; the last name deletes the image and its layers', async (t) => {
  const { store, root, events } = await newStore(t);
  const img = await store.import(busyboxStream(), { ref: 'one' });
  await store.tag('one', 'two', 'x');
  assert.deepEqual(await store.remove('two:x', { force: false, noPrune: false }), { untagged: ['two:x'], deleted: [] });
  const r = await store.remove('one', { force: false, noPrune: false });
  assert.deepEqual(r.untagged, ['one:latest']);
  assert.equal(r.deleted[0], img.id);
  assert.equal(r.deleted[1], img.diffIds[0], 'the freed layer (chain id) is reported too');
  assert.deepEqual(await store.list(), []);
  assert.deepEqual(readdirSync(`${root}/overlay`).filter((n) => /^[a-f0-9]{64}$/.test(n)), []);
  assert.deepEqual(readdirSync(`${root}/images/blobs/sha256`), []);
  assert.deepEqual(events.filter((e) => e.type === 'image').map((e) => e.action), ['import', 'tag', 'tag', 'untag', 'untag', 'delete']);
  await assert.rejects(store.remove('one', { force: false, noPrune: false }), (e) => isBerthError(e, 'not_found') && e.message === 'No such image: one:latest');
});

test('rmi by id refuses a multi-tagged image unless forced', async (t) => {
  const { store } = await newStore(t);
  const img = await store.import(busyboxStream(), { ref: 'one' });
  await store.tag('one', 'two', '');
  await assert.rejects(store.remove(short(img.id), { force: false, noPrune: false }),
    (e) => isBerthError(e, 'conflict') && e.message === `conflict: unable to delete ${short(img.id)} (must be forced) - image is referenced in multiple repositories`);
  const r = await store.remove(short(img.id), { force: true, noPrune: false });
  assert.deepEqual(r.untagged.sort(), ['one:latest', 'two:latest']);
  assert.equal(r.deleted[0], img.id);
});

test('rmi refuses an image a container uses, as Docker words it', async (t) => {
  const ts = await newStore(t);
  const { store } = ts;
  const img = await store.import(busyboxStream(), { ref: 'used' });
  const cid = 'abcdef0123456789'.repeat(4);
  ts.users.set(img.id, [cid]);
  await assert.rejects(store.remove('used', { force: false, noPrune: false }),
    (e) => isBerthError(e, 'conflict') && e.message === `conflict: unable to remove repository reference "used" (must force) - container ${cid.slice(0, 12)} is using its referenced image ${short(img.id)}`);
  await assert.rejects(store.remove(img.id, { force: false, noPrune: false }),
    (e) => isBerthError(e, 'conflict') && e.message === `conflict: unable to delete ${short(img.id)} (must be forced) - image is being used by stopped container ${cid.slice(0, 12)}`);
  ts.running.add(cid);
  await assert.rejects(store.remove(img.id, { force: true, noPrune: false }),
    (e) => isBerthError(e, 'conflict') && e.message === `conflict: unable to delete ${short(img.id)} (cannot be forced) - image is being used by running container ${cid.slice(0, 12)}`);
  // Forcing the name of a running container's image untags it and keeps the image.
  assert.deepEqual(await store.remove('used', { force: true, noPrune: false }), { untagged: ['used:latest'], deleted: [] });
  assert.equal((await store.get(img.id)).repoTags.length, 0);
  ts.running.clear();
  assert.deepEqual((await store.remove(img.id, { force: true, noPrune: false })).deleted[0], img.id);
});

test('prune removes dangling images by default and every unused image with danglingOnly false', async (t) => {
  const ts = await newStore(t);
  const { store } = ts;
  const tagged = await store.import(busyboxStream(), { ref: 'tagged' });
  const dangling = await store.import(busyboxStream(), { changes: ['CMD ["a"]'] });
  const usedDangling = await store.import(busyboxStream(), { changes: ['CMD ["b"]'] });
  const labelled = await store.import(busyboxStream(), { ref: 'labelled', changes: ['LABEL keep=yes'] });
  ts.users.set(usedDangling.id, ['c1']);
  const r1 = await store.prune({ danglingOnly: true });
  assert.deepEqual(r1.deleted.deleted, [dangling.id]);
  assert.equal(r1.spaceReclaimed, 0, 'the layer is shared, so nothing was freed');
  assert.deepEqual((await store.list()).map((i) => i.id).sort(), [tagged.id, usedDangling.id, labelled.id].sort());
  const r2 = await store.prune({ danglingOnly: false, labels: ['!keep=yes'] });
  assert.deepEqual(r2.deleted.untagged, ['tagged:latest']);
  assert.deepEqual(r2.deleted.deleted, [tagged.id]);
  ts.users.clear();
  const r3 = await store.prune({ danglingOnly: false });
  assert.deepEqual(r3.deleted.deleted.filter((d) => d !== labelled.diffIds[0]).sort(), [usedDangling.id, labelled.id].sort());
  assert.ok(r3.spaceReclaimed > 500_000, `reclaimed ${r3.spaceReclaimed}`);
  assert.deepEqual(await store.list(), []);
});
